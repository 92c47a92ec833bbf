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
