/* Consolidated report editor: move, add and remove blocks (no inline scripts: CSP script-src 'self').
   Each block posts one block_meta and one block_text in document order, so moving a block in the DOM
   is all that reordering takes. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-cblock]") : null;
    if (!button) return;
    var block = button.closest(".cblock");
    if (!block) return;
    event.preventDefault();
    var action = button.getAttribute("data-cblock");
    var parent = block.parentNode;
    if (action === "up" && block.previousElementSibling) {
      parent.insertBefore(block, block.previousElementSibling);
      button.focus();
    } else if (action === "down" && block.nextElementSibling) {
      parent.insertBefore(block.nextElementSibling, block);
      button.focus();
    } else if (action === "remove") {
      var next = block.nextElementSibling || block.previousElementSibling;
      parent.removeChild(block);
      markDirty();
      var focusTarget = next && next.querySelector("textarea, button");
      if (focusTarget) focusTarget.focus();
      return;
    } else if (action === "add") {
      var template = document.getElementById("cblock-paragraph");
      if (!template) return;
      var fresh = template.content.firstElementChild.cloneNode(true);
      parent.insertBefore(fresh, block.nextElementSibling);
      var area = fresh.querySelector("textarea");
      if (area) area.focus();
    }
    markDirty();
  });

  // Warn before leaving with unsaved changes.
  var dirty = false;
  function markDirty() { dirty = true; }
  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("#consolidated-form")) markDirty();
  });
  document.addEventListener("submit", function (event) {
    if (event.target.id === "consolidated-form") dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Build form: the period list shows only the periods of the chosen regime's cycle (months, halves…).
  function followRegime(select) {
    var regime = document.getElementById(select.getAttribute("data-follows"));
    if (!regime) return;
    var chosen = regime.options[regime.selectedIndex];
    var kind = chosen ? chosen.getAttribute("data-kind") : null;
    Array.prototype.forEach.call(select.options, function (option) {
      var fits = !kind || !option.value || option.getAttribute("data-kind") === kind;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) select.value = "";
    });
  }

  document.addEventListener("change", function (event) {
    var follower = document.querySelector('select[data-follows="' + event.target.id + '"]');
    if (follower) followRegime(follower);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-follows]").forEach(followRegime);
  });
})();
