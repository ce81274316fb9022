// Keyboard shortcuts of the marking view: no inline script anywhere (the CSP forbids it).
"use strict";
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select")) {
    if (event.key === "Escape") target.blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const nav = document.querySelector("nav[data-next]");
  if (!nav) return;
  const go = (url) => { if (url) window.location.assign(url); };
  if (event.key === "ArrowRight" || event.key === "j") go(nav.dataset.next);
  else if (event.key === "ArrowLeft" || event.key === "k") go(nav.dataset.prev);
  else if (event.key === "Enter") document.getElementById("note").requestSubmit();
  else if (event.key === "c") { event.preventDefault(); document.getElementById("comment").focus(); }
  else if (/^[1-9]$/.test(event.key)) {
    const form = document.querySelector(`form[data-key="${event.key}"]`);
    if (form) form.requestSubmit();
  } else return;
  event.preventDefault();
});
