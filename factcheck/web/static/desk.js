// Keyboard shortcuts of the review desk: j/k move between items, c confirms, d and x open the
// dismiss and correct fields, e opens the first evidence, Esc leaves a field. Served from the
// desk itself so the Content-Security-Policy can stay script-src 'self' (no inline script).
"use strict";
(function () {
  const items = () => Array.from(document.querySelectorAll("article.item"));
  let current = null;

  function select(item, scroll) {
    if (!item) return;
    if (current) current.classList.remove("current");
    current = item;
    item.classList.add("current");
    item.focus({ preventScroll: true });
    if (scroll) item.scrollIntoView({ block: "nearest" });
    history.replaceState(null, "", "#item-" + item.dataset.item);
  }

  function move(step) {
    const all = items();
    if (!all.length) return;
    const at = current ? all.indexOf(current) : -1;
    select(all[Math.min(all.length - 1, Math.max(0, at + step))], true);
  }

  function field(form, name) {
    const input = current && current.querySelector("form." + form + " input[name=" + name + "]");
    if (input) input.focus();
  }

  function typing(target) {
    return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") {
        event.target.blur();
        if (current) current.focus({ preventScroll: true });
      }
      return;
    }
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      c: () => current && current.querySelector("form.d-confirm").requestSubmit(),
      d: () => field("d-dismiss", "note"),
      x: () => field("d-correct", "value"),
      e: () => { const a = current && current.querySelector("a.doc"); if (a) a.click(); },
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      if (!current && event.key !== "j" && event.key !== "k") move(1);
      action();
    }
  });

  // A figure in the article selects the first item that names it (its card opens too); a
  // finding's mark after a figure (⚑f3) selects that finding's item.
  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.fig, a.to-item, a.mark");
    if (!link) return;
    const mark = link.classList.contains("mark") && link.getAttribute("href").match(/^#f-(.+)$/);
    const id = mark ? mark[1] : link.dataset.item;
    const claim = link.dataset.claim;
    const item = id ? document.getElementById("item-" + id) :
      items().find((i) => i.dataset.claims.split(" ").includes(claim));
    if (item) select(item, true);
    if (id) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    const match = location.hash.match(/^#item-(.+)$/);
    const item = match && document.getElementById("item-" + match[1]);
    if (item) select(item, true);
  });
})();
