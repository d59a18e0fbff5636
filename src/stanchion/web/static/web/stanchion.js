// Keyboard shortcuts and the narrow-screen menu. Everything works without
// this file; it only adds speed.
(function () {
  "use strict";

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  let pendingG = false;
  let gTimer = null;

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "/") {
      const search = document.querySelector("[data-search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
      return;
    }
    if (pendingG) {
      pendingG = false;
      clearTimeout(gTimer);
      const link = document.querySelector('[data-shortcut="g ' + event.key + '"]');
      if (link) {
        event.preventDefault();
        window.location.href = link.href;
      }
      return;
    }
    if (event.key === "g") {
      pendingG = true;
      gTimer = setTimeout(function () { pendingG = false; }, 1200);
    }
  });

  document.addEventListener("click", function (event) {
    const toggle = event.target.closest("[data-menu-toggle]");
    const shell = document.querySelector(".shell");
    if (!shell) return;
    if (toggle) {
      const open = shell.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    } else if (shell.classList.contains("nav-open") && !event.target.closest(".sidebar")) {
      shell.classList.remove("nav-open");
    }
  });
})();
