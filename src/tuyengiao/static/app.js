/* Tuyên giáo số: small behaviours. Loaded with defer; no inline scripts anywhere (CSP script-src 'self'). */
(function () {
  "use strict";

  // <form data-confirm="Question?">: ask before submitting (also <button data-confirm> inside any form).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Links and buttons outside forms: <a data-confirm="…" href="…">.
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("a[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // After a failed form post, move focus to the error summary so screen readers announce it.
  function focusErrors() {
    var summary = document.getElementById("form-errors");
    if (summary) {
      summary.focus();
      return;
    }
    var invalid = document.querySelector("form.object-form .is-invalid, form.login-form .is-invalid");
    if (invalid && typeof invalid.focus === "function") {
      invalid.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrors();
  });
})();

// Unit tree: the first click loads a node's children (htmx); later clicks only show or hide them.
(function () {
  document.addEventListener("click", function (event) {
    var btn = event.target.closest(".tree-toggle");
    if (!btn || !btn.dataset.loaded) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var target = document.getElementById(btn.getAttribute("aria-controls"));
    var open = btn.getAttribute("aria-expanded") === "true";
    target.hidden = open;
    btn.setAttribute("aria-expanded", open ? "false" : "true");
    btn.classList.toggle("open", !open);
  }, true);
  document.addEventListener("htmx:afterSwap", function (event) {
    var id = event.detail.target && event.detail.target.id;
    if (!id || id.indexOf("children-") !== 0) return;
    var btn = document.querySelector('.tree-toggle[aria-controls="' + id + '"]');
    if (btn) {
      btn.dataset.loaded = "1";
      btn.setAttribute("aria-expanded", "true");
      btn.classList.add("open");
    }
  });
})();

// <select data-searchable> (every unit picker): a filter box above the list that hides the options not
// matching what is typed, ignoring case and diacritics ("chi linh" finds "Chí Linh", "d" finds "đ").
// Enter picks the first match, Arrow Down moves into the list, Escape clears the box. A multiple select
// becomes a list of checkboxes (no ctrl-click) with the chosen items named above it; the select stays in
// the form, hidden, and keeps the value. The texts come translated in data-* attributes (core.forms).
(function () {
  "use strict";

  function fold(text) {
    return (text || "").replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function matcher(query) {
    var words = fold(query).split(" ").filter(Boolean);
    return function (folded) {
      for (var i = 0; i < words.length; i++) {
        if (folded.indexOf(words[i]) < 0) return false;
      }
      return true;
    };
  }

  function make(tag, className, attrs) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    Object.keys(attrs || {}).forEach(function (name) { el.setAttribute(name, attrs[name]); });
    return el;
  }

  var serial = 0;

  function enhance(select) {
    if (select.dataset.searchReady) return;
    select.dataset.searchReady = "1";
    if (!select.id) select.id = "searchable-" + (++serial);
    var id = select.id;
    var multiple = select.multiple;
    var label = document.querySelector('label[for="' + id + '"]');
    var labelText = label ? label.textContent.replace(/\s*\*\s*$/, "").trim() : "";
    var options = Array.prototype.slice.call(select.options);
    var folded = options.map(function (o) { return fold(o.text); });

    var input = make("input", "form-control form-control-sm mb-1 searchable-filter", {
      type: "search", id: id + "-filter", autocomplete: "off", spellcheck: "false",
      placeholder: select.dataset.filterPlaceholder || "",
      "aria-label": (select.dataset.filterLabel || "") + (labelText ? ": " + labelText : ""),
      "aria-controls": multiple ? id + "-list" : id,
      "aria-describedby": id + "-filter-status"
    });
    var status = make("div", "form-text mt-0 mb-1", { id: id + "-filter-status", "aria-live": "polite" });
    select.parentNode.insertBefore(input, select);

    var rows = null;      // multiple: one checkbox row per option
    var chosen = null;    // multiple: the chosen items, named
    if (multiple) {
      chosen = make("div", "small mb-1 searchable-chosen", { id: id + "-chosen", "aria-live": "polite" });
      var list = make("div", "border rounded px-2 py-1 mb-1 searchable-list", { id: id + "-list", role: "group" });
      list.style.maxHeight = "16rem";  // CSSOM, allowed by the CSP (style attributes are not)
      list.style.overflowY = "auto";
      if (label) {
        if (!label.id) label.id = id + "-label";
        list.setAttribute("aria-labelledby", label.id);
        label.htmlFor = input.id;  // a click on the label goes to the filter box
      }
      ["aria-describedby", "aria-invalid"].forEach(function (name) {
        if (select.hasAttribute(name)) list.setAttribute(name, select.getAttribute(name));
      });
      if (select.classList.contains("is-invalid")) list.classList.add("border-danger");
      rows = options.map(function (option, i) {
        var row = make("div", "form-check");
        var box = make("input", "form-check-input", { type: "checkbox", id: id + "-opt-" + i, value: option.value });
        box.checked = option.selected;
        box.disabled = option.disabled;
        box.addEventListener("change", function () {
          option.selected = box.checked;
          showChosen();
          select.dispatchEvent(new Event("change", { bubbles: true }));
        });
        var text = make("label", "form-check-label", { "for": box.id });
        text.textContent = option.text;
        row.appendChild(box);
        row.appendChild(text);
        list.appendChild(row);
        return row;
      });
      select.parentNode.insertBefore(chosen, select);
      select.parentNode.insertBefore(list, select);
      select.hidden = true;
      showChosen();
    }
    select.parentNode.insertBefore(status, select);

    function showChosen() {
      var names = options.filter(function (o) { return o.selected; }).map(function (o) { return o.text.trim(); });
      chosen.textContent = names.length ? (select.dataset.chosenLabel || "") + " " + names.join("; ")
        : (select.dataset.chosenNone || "");
    }

    function visible() {
      var out = [];
      options.forEach(function (option, i) {
        var shown = multiple ? !rows[i].hidden : !option.hidden;
        if (shown && option.value !== "") out.push(i);
      });
      return out;
    }

    function apply() {
      var query = input.value;
      var test = matcher(query);
      var shown = 0, total = 0;
      options.forEach(function (option, i) {
        if (option.value === "") return;  // "All" / the empty choice always stays
        total++;
        var hit = !query.trim() || test(folded[i]);
        if (hit) shown++;
        if (multiple) rows[i].hidden = !hit;
        else option.hidden = !hit;
      });
      if (!multiple) {
        Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
          group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
        });
      }
      if (!query.trim()) status.textContent = "";
      else if (!shown) status.textContent = select.dataset.filterEmpty || "";
      else status.textContent = (select.dataset.filterCount || "").replace("{shown}", shown).replace("{total}", total);
    }

    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // never submits the form: picks the first match instead
        var first = visible()[0];
        if (first === undefined) return;
        if (multiple) {
          var box = rows[first].querySelector("input");
          if (!box.checked && !box.disabled) box.click();
        } else if (!options[first].disabled && !options[first].selected) {
          select.value = options[first].value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
      } else if (event.key === "ArrowDown") {
        var next = visible()[0];
        if (next === undefined) return;
        event.preventDefault();
        if (multiple) rows[next].querySelector("input").focus();
        else select.focus();
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        apply();
      }
    });
  }

  function enhanceIn(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("select[data-searchable]")) enhance(root);
    Array.prototype.forEach.call(root.querySelectorAll("select[data-searchable]"), enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceIn(document); });
  document.addEventListener("htmx:load", function (event) { enhanceIn(event.target); });
})();
