/* Report entry page: "nothing to report" toggles, validation as you type, autosave with conflict and
   offline handling, the small rich-text editor. No inline scripts (CSP); every message shown here comes
   from the server or from data-msg-* attributes written through gettext. */
(function () {
  "use strict";

  var AUTOSAVE_MS = 20000;
  var MAX_RETRY_MS = 60000;
  var UNSAVED_LISTED = 3;  // as UNSAVED_LISTED in reporting/views/entry.py

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // A page answering a refused form (return comment, attachment…) opens with the wrong field focused;
  // the browser scrolls only the field into view, so bring its whole form, message included, there too.
  function showRefused() {
    var field = document.querySelector("[autofocus][aria-invalid=true]");
    var box = field && field.closest("form");
    if (box) { box.scrollIntoView({ block: "center" }); }
  }

  function init() {
    showRefused();
    var form = document.getElementById("entry-form");
    if (!form) { return; }
    var reportId = form.getAttribute("data-report");
    var revisionInput = document.getElementById("entry-revision");
    var statusEl = document.getElementById("autosave-status");
    var conflictEl = document.getElementById("entry-conflict");
    var csrf = ($("input[name=csrfmiddlewaretoken]", form) || {}).value || "";
    var state = { dirty: false, gen: 0, saving: false, conflicted: false, stopped: false, submitting: false,
                  retries: 0, retryTimer: null, validateSeq: 0, storeTimer: null, validateTimer: null };
    var storagePrefix = "tgs-report-" + reportId + "-";

    function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }
    function revision() { return parseInt(revisionInput.value, 10) || 0; }

    function setStatus(text, kind) {
      statusEl.textContent = text;
      statusEl.setAttribute("data-state", kind);
      var bad = kind === "offline" || kind === "failed" || kind === "conflict" || kind === "partial";
      statusEl.classList.toggle("text-danger", bad);
      statusEl.classList.toggle("text-success", kind === "saved");
      statusEl.classList.toggle("text-muted", !bad && kind !== "saved");
    }

    // The save bar after a save that left fields out: the message, then the first of those fields as
    // links to them (the server writes the same markup, reporting/entry/_unsaved.html).
    function setUnsaved(text, errors) {
      setStatus(text, "partial");
      var rows = $all(".entry-row", form).filter(function (row) { return errors[row.getAttribute("data-code")]; });
      rows.slice(0, UNSAVED_LISTED).forEach(function (row, i) {
        var code = row.getAttribute("data-code");
        statusEl.appendChild(document.createTextNode(i ? ", " : " "));
        var link = document.createElement("a");
        link.href = "#id-v-" + code;
        link.className = "link-danger";
        link.title = errors[code];
        link.setAttribute("data-focus", "id-v-" + code);
        link.textContent = row.getAttribute("data-name") || code;
        statusEl.appendChild(link);
      });
      if (rows.length > UNSAVED_LISTED) {
        statusEl.appendChild(document.createTextNode(" " + msg("more").replace("%(count)s", rows.length - UNSAVED_LISTED)));
      }
    }

    // ---------------------------------------------------------------- local copy (offline safety)
    // The browser keeps everything typed since the last save while there are unsaved changes ("dirty"),
    // otherwise only what the last save refused ("invalid": the server never stores it, and it must
    // not be lost), otherwise nothing. Never a copy of saved values: it would come back over the stored
    // ones ("1e2" over 100) on the next visit.
    function fields() {
      var out = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken" && typeof value === "string") { out.push([name, value]); }
      });
      return out;
    }

    function refusedFields() {
      return $all(".entry-value.is-invalid", form).filter(function (el) { return !el.disabled; })
        .map(function (el) { return [el.name, el.value]; });
    }

    function storeLocal() {
      window.clearTimeout(state.storeTimer);
      var item = { ts: Date.now(), revision: revision(), kind: "dirty", fields: null };
      if (state.dirty) {
        item.fields = fields();
      } else {
        item.kind = "invalid";
        item.fields = refusedFields();
        clearLocal();
        if (!item.fields.length) { return; }
      }
      try {
        window.localStorage.setItem(storagePrefix + item.revision, JSON.stringify(item));
      } catch (e) { /* storage full or disabled: the server copy is all we have */ }
    }

    function clearLocal() {
      try {
        for (var i = window.localStorage.length - 1; i >= 0; i--) {
          var key = window.localStorage.key(i);
          if (key && key.indexOf(storagePrefix) === 0) { window.localStorage.removeItem(key); }
        }
      } catch (e) { /* ignore */ }
    }

    function newestLocal() {
      var best = null;
      try {
        for (var i = 0; i < window.localStorage.length; i++) {
          var key = window.localStorage.key(i);
          if (!key || key.indexOf(storagePrefix) !== 0) { continue; }
          var item = JSON.parse(window.localStorage.getItem(key) || "null");
          if (item && (!best || item.ts > best.ts)) { best = item; }
        }
      } catch (e) { return null; }
      return best;
    }

    function applyFields(list, only) {
      if (!only) { $all(".na-toggle", form).forEach(function (box) { box.checked = false; syncToggle(box); }); }
      list.forEach(function (pair) {
        var name = pair[0], value = pair[1];
        var el = form.elements.namedItem(name);
        if (!el || name === "revision") { return; }
        if (el.classList && el.classList.contains("na-toggle")) {
          el.checked = true;
          syncToggle(el);
          return;
        }
        el.value = value;
        if (name.indexOf("n-") === 0) {
          var editor = $("[data-input='" + el.id + "']", form);
          if (editor) { editor.innerHTML = value; }
        }
      });
    }

    function showKept() {
      validate(function (data) {
        if (Object.keys(data.errors || {}).length) { setUnsaved(msg("kept"), data.errors); }
      });
    }

    function restoreOnLoad() {
      var item = newestLocal();
      var invalidOnly = !!item && item.kind === "invalid";
      var serverUpdated = parseInt(form.getAttribute("data-updated"), 10) || 0;
      if (!item || (!invalidOnly && item.ts <= serverUpdated)) {
        storeLocal();  // drops the stale copy; keeps the fields the server just refused (a page answering a post)
        return;
      }
      if (invalidOnly && item.revision === revision()) {
        // Nothing was saved since those fields were refused: put the typed text back with its messages.
        applyFields(item.fields, true);
        showKept();
        return;
      }
      var box = document.getElementById("entry-restore");
      var text = $(".restore-text", box);
      box.classList.remove("d-none");
      if (item.revision === revision()) {
        applyFields(item.fields);
        text.textContent = msg("restored");
        markDirty();
        validateSoon();
      } else {
        text.textContent = msg("restore-older");
        var button = document.getElementById("btn-restore");
        button.classList.remove("d-none");
        button.addEventListener("click", function () {
          applyFields(item.fields, invalidOnly);
          box.classList.add("d-none");
          markDirty();
          validateSoon();
        });
      }
    }

    // ---------------------------------------------------------------- messages next to the fields
    function showMessages(errors, issues) {
      var byCode = {};
      (issues || []).forEach(function (issue) {
        (issue.codes || []).forEach(function (code) { (byCode[code] = byCode[code] || []).push(issue); });
      });
      $all(".field-messages", form).forEach(function (box) {
        var code = box.getAttribute("data-code");
        box.textContent = "";
        var input = document.getElementById("id-v-" + code);
        var error = errors && errors[code];
        if (error) {
          var div = document.createElement("div");
          div.className = "text-danger";
          div.setAttribute("data-severity", "error");
          div.setAttribute("data-source", "field");
          div.textContent = error;
          box.appendChild(div);
        }
        (byCode[code] || []).forEach(function (issue) {
          var d = document.createElement("div");
          d.className = issue.severity === "error" ? "text-danger" : "text-warning-emphasis";
          d.setAttribute("data-severity", issue.severity);
          d.setAttribute("data-source", "rule");
          d.textContent = issue.text;
          box.appendChild(d);
        });
        if (input) {
          input.classList.toggle("is-invalid", !!error);
          if (error) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
        }
      });
      var explanation = document.getElementById("id-explanation");
      if (explanation) {
        var warned = (issues || []).some(function (i) { return i.severity === "warning"; });
        explanation.classList.toggle("border-warning", warned);
      }
    }

    function validateSoon() {
      window.clearTimeout(state.validateTimer);
      state.validateTimer = window.setTimeout(function () { validate(); }, 250);
    }

    function validate(then) {
      var seq = ++state.validateSeq;
      var body = new FormData(form);
      fetch(form.getAttribute("data-validate-url"), {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (data && seq === state.validateSeq) {
          showMessages(data.errors, data.issues);
          if (typeof then === "function") { then(data); }
        }
      }).catch(function () { /* offline: the autosave says so */ });
    }

    // ---------------------------------------------------------------- autosave
    function markDirty() {
      state.dirty = true;
      state.gen++;
      if (!state.conflicted && !state.retryTimer) { setStatus(msg("unsaved"), "dirty"); }
      window.clearTimeout(state.storeTimer);
      state.storeTimer = window.setTimeout(storeLocal, 400);
    }

    // After a save: the inputs whose text was stored show the stored value ("1e2" becomes 100), unless
    // the user has typed something else meanwhile.
    function showStored(stored, sent) {
      Object.keys(stored || {}).forEach(function (code) {
        var input = document.getElementById("id-v-" + code);
        if (input && input.tagName === "INPUT" && !input.disabled && input.value === sent["v-" + code]) {
          input.value = stored[code];
        }
      });
    }

    function scheduleRetry() {
      if (state.retryTimer) { return; }
      var delay = Math.min(MAX_RETRY_MS, 2000 * Math.pow(2, state.retries));
      state.retries++;
      state.retryTimer = window.setTimeout(function () {
        state.retryTimer = null;
        save(false);
      }, delay);
    }

    function save(leaving) {
      if (state.saving || state.conflicted || state.stopped || state.submitting) { return; }
      if (!state.dirty) { return; }
      state.saving = true;
      var gen = state.gen;
      storeLocal();
      setStatus(msg("saving"), "saving");
      var body = new FormData(form);
      var sent = {};
      body.forEach(function (value, name) { sent[name] = value; });
      fetch(form.getAttribute("action"), {
        method: "POST", body: body, credentials: "same-origin", keepalive: !!leaving,
        headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
      }).then(function (r) {
        if (r.status >= 500) { throw new Error("server " + r.status); }
        return r.json().then(function (data) { return { status: r.status, data: data }; });
      }).then(function (res) {
        state.saving = false;
        var data = res.data || {};
        if (res.status === 200 && data.ok) {
          state.retries = 0;
          revisionInput.value = data.revision;
          form.setAttribute("data-updated", data.updated_ms);
          if (gen === state.gen) { state.dirty = false; }
          showMessages(data.errors, data.issues);
          showStored(data.values, sent);
          clearLocal();
          storeLocal();  // what was typed since, or else the refused fields only
          if (Object.keys(data.errors || {}).length) {
            setUnsaved(data.message, data.errors);
          } else {
            setStatus(data.message, "saved");
          }
          if (data.deadline_passed && data.deadline_message) {
            var note = document.getElementById("deadline-note");
            if (note && note.classList.contains("d-none")) {
              note.textContent = data.deadline_message;
              note.classList.remove("d-none");
            }
          }
        } else if (res.status === 409 && data.conflict) {
          state.conflicted = true;
          storeLocal();
          conflictEl.textContent = data.message + " ";
          var link = document.createElement("a");
          link.href = window.location.pathname;
          link.className = "alert-link";
          link.textContent = conflictEl.getAttribute("data-reload") || "↻";
          conflictEl.appendChild(link);
          conflictEl.classList.remove("d-none");
          setStatus(data.message, "conflict");
        } else {
          if (data.locked) { state.stopped = true; }
          setStatus(data.message || msg("failed"), "failed");
        }
      }).catch(function () {
        state.saving = false;
        storeLocal();
        setStatus(msg("offline"), "offline");
        scheduleRetry();
      });
    }

    // ---------------------------------------------------------------- "nothing to report" toggles
    function syncToggle(box) {
      var input = document.getElementById(box.getAttribute("data-target"));
      if (!input) { return; }
      input.disabled = box.checked;
      var row = box.closest(".entry-row");
      if (row) { row.setAttribute("data-state", box.checked ? "not_applicable" : (input.value ? "value" : "missing")); }
    }

    // ---------------------------------------------------------------- the rich-text editor
    try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (e) { /* old browsers */ }
    $all(".rt-editor", form).forEach(function (editor) {
      var hidden = document.getElementById(editor.getAttribute("data-input"));
      editor.addEventListener("input", function () {
        hidden.value = editor.innerHTML;
        markDirty();
      });
    });
    $all(".rt-toolbar", form).forEach(function (bar) {
      var editor = document.getElementById(bar.getAttribute("data-editor"));
      bar.addEventListener("mousedown", function (e) {
        if (e.target.closest("button")) { e.preventDefault(); }  // keep the selection in the editor
      });
      bar.addEventListener("click", function (e) {
        var button = e.target.closest("button[data-cmd]");
        if (!button) { return; }
        editor.focus();
        document.execCommand(button.getAttribute("data-cmd"), false, null);
        editor.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });

    // ---------------------------------------------------------------- events
    form.addEventListener("input", function (e) {
      if (e.target.classList && e.target.classList.contains("rt-editor")) { return; }
      if (e.target.id === "id-explanation") { return; }
      markDirty();
    });
    form.addEventListener("change", function (e) {
      var t = e.target;
      if (t.classList.contains("na-toggle")) {
        syncToggle(t);
        markDirty();
        if (!t.checked) {
          var input = document.getElementById(t.getAttribute("data-target"));
          if (input) { input.focus(); }
        }
      }
      if (t.classList.contains("entry-value") || t.classList.contains("na-toggle")) {
        if (t.classList.contains("entry-value")) {
          var row = t.closest(".entry-row");
          if (row) { row.setAttribute("data-state", t.value ? "value" : "missing"); }
        }
        validateSoon();
      }
    });
    // Enter moves to the next input instead of submitting the form.
    form.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.key !== "Enter" || !t.classList || !t.classList.contains("entry-value") || t.tagName !== "INPUT") { return; }
      e.preventDefault();
      var inputs = $all(".entry-value:not([disabled])", form);
      var next = inputs[inputs.indexOf(t) + 1];
      if (next) { next.focus(); if (next.select) { next.select(); } } else { validateSoon(); }
    });
    form.addEventListener("submit", function (e) {
      var submitter = e.submitter;
      if (submitter && submitter.id === "btn-save" && window.fetch) {
        e.preventDefault();
        state.dirty = true;
        state.gen++;
        window.clearTimeout(state.retryTimer);
        state.retryTimer = null;
        save(false);
        return;
      }
      state.submitting = true;  // a real submission: no autosave may race it
      window.clearTimeout(state.retryTimer);
    });
    statusEl.addEventListener("click", function (e) {
      var link = e.target.closest("a[data-focus]");
      var input = link && document.getElementById(link.getAttribute("data-focus"));
      if (!input) { return; }
      e.preventDefault();
      input.scrollIntoView({ block: "center" });  // not under the sticky save bar
      input.focus({ preventScroll: true });
    });
    window.setInterval(function () { if (!state.retryTimer) { save(false); } }, AUTOSAVE_MS);
    window.addEventListener("blur", function () { if (!state.retryTimer) { save(false); } });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && state.dirty) { storeLocal(); save(true); }
    });
    window.addEventListener("pagehide", function () { if (state.dirty) { storeLocal(); } });

    $all(".na-toggle", form).forEach(syncToggle);
    restoreOnLoad();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
