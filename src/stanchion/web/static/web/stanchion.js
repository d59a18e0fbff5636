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

// ---- Service desk: agent workspace ------------------------------------
// Queue rows: j/k move, Enter opens, x selects. Ticket page: a assigns to
// me, r replies, n writes an internal note. Regions marked data-swap-errors
// also show 400/409 answers (a refused action, a version conflict), which
// htmx would otherwise drop.
(function () {
  "use strict";

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const status = event.detail.xhr.status;
    // The element that sent the request, or the one being swapped.
    const sources = [event.detail.requestConfig && event.detail.requestConfig.elt, event.detail.target];
    const region = sources.some(function (el) { return el && el.closest("[data-swap-errors]"); });
    if (region && (status === 400 || status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function rows() {
    return Array.from(document.querySelectorAll("table[data-rows] tbody tr[data-row]"));
  }

  function moveRow(step) {
    const all = rows();
    if (!all.length) return;
    let index = all.findIndex(function (row) { return row.classList.contains("is-current"); });
    if (index >= 0) all[index].classList.remove("is-current");
    index = index < 0 ? 0 : Math.min(all.length - 1, Math.max(0, index + step));
    const row = all[index];
    row.classList.add("is-current");
    row.scrollIntoView({ block: "nearest" });
    const link = row.querySelector("[data-row-link]");
    if (link) link.focus({ preventScroll: true });
  }

  function openCompose(name) {
    const box = document.querySelector('[data-compose="' + name + '"]');
    if (!box) return false;
    box.open = true;
    const area = box.querySelector("textarea");
    if (area) area.focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const current = document.querySelector("table[data-rows] tr.is-current");
    if (event.key === "j" || event.key === "k") {
      if (!rows().length) return;
      event.preventDefault();
      moveRow(event.key === "j" ? 1 : -1);
    } else if (event.key === "Enter" && current && !event.target.closest("a, button")) {
      event.preventDefault();
      window.location.href = current.dataset.href;
    } else if (event.key === "x" && current) {
      const box = current.querySelector('input[type="checkbox"]');
      if (box) { box.checked = !box.checked; box.dispatchEvent(new Event("change", { bubbles: true })); }
    } else if (event.key === "a") {
      const button = document.querySelector('[data-key="a"]:not([disabled])');
      if (button) { event.preventDefault(); button.click(); }
    } else if (event.key === "r") {
      if (openCompose("reply")) event.preventDefault();
    } else if (event.key === "n") {
      if (openCompose("note")) event.preventDefault();
    }
  });

  function countSelected(form) {
    const label = form.querySelector("[data-bulk-count]");
    if (!label) return;
    const n = form.querySelectorAll('input[name="ticket"]:checked').length;
    label.textContent = n ? n + " selected" : "Select rows to act on them";
  }

  document.addEventListener("change", function (event) {
    const form = event.target.closest("#bulk-form");
    if (!form) return;
    if (event.target.matches("[data-select-all]")) {
      form.querySelectorAll('input[name="ticket"]').forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    countSelected(form);
  });

  // The requester search on the intake form: a match fills the hidden field.
  document.addEventListener("click", function (event) {
    const match = event.target.closest("[data-person-id]");
    if (!match) return;
    const form = match.closest("form");
    form.querySelector('input[name="requester"]').value = match.dataset.personId;
    const chosen = form.querySelector("#requester-chosen");
    chosen.textContent = "";
    const chip = document.createElement("span");
    chip.className = "chip";
    chip.textContent = match.dataset.personName + " · " + match.dataset.personEmail;
    chosen.appendChild(chip);
    form.querySelector("#requester-matches").textContent = "";
    form.querySelector("#requester-search").value = "";
  });
})();
