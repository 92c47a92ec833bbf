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
