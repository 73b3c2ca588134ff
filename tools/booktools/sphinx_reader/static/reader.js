// Accessible names for the theme's JavaScript-only buttons
// (scripts/sphinx_reader/__init__.py says why).
(function () {
  "use strict";
  function fixNames() {
    // "Search" was the name of a button that shows "Search Ctrl+K": let its text name it.
    document.querySelectorAll(".search-button-field[aria-label]").forEach(function (button) {
      button.removeAttribute("aria-label");
    });
    // The colour-mode button is named "Color mode"; its icons are decoration, not names.
    document.querySelectorAll(".theme-switch-button .theme-switch").forEach(function (icon) {
      icon.removeAttribute("title");
      icon.removeAttribute("aria-labelledby");
      icon.querySelectorAll("title").forEach(function (title) { title.remove(); });
      icon.setAttribute("aria-hidden", "true");
    });
  }
  function start() {
    fixNames();
    // Font Awesome replaces the <i> icons with <svg> ones a moment later.
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      new MutationObserver(fixNames).observe(button, {childList: true, subtree: true});
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
