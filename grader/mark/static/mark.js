// The marking view's script: keyboard shortcuts, and actions sent with fetch() so that the
// page is updated in place instead of reloaded. No inline script anywhere (the CSP forbids
// it). Without this script every form still posts and the server redirects back to the page.
"use strict";

// Actions run one after the other: each reads its form (the score "seen", the position)
// only once the previous answer has been swapped in, so fast typing never sends stale data.
let queue = Promise.resolve();
let pending = 0;

function setPending(delta) {
  pending += delta;
  document.body.dataset.pending = String(pending);
}

function enqueue(task) {
  setPending(1);
  queue = queue.then(task).catch(showError).finally(() => setPending(-1));
}

function showError(error) {
  const box = document.getElementById("conflict");
  if (box) { box.textContent = String(error.message || error); box.hidden = false; }
}

// Swap the server-rendered fragments (navigation and progress, answer, score and rubric).
function swap(state) {
  const parts = { nav: "nav[data-next]", answer: "#answer", marking: "#marking" };
  for (const [name, selector] of Object.entries(parts)) {
    const old = document.querySelector(selector);
    if (old && typeof state[name] === "string") old.outerHTML = state[name];
  }
  const box = document.getElementById("conflict");
  if (box) {
    box.textContent = state.conflict
      ? `Someone else changed this grade: ${state.conflict}. Nothing was overwritten; this is their grade now.`
      : "";
    box.hidden = !state.conflict;
  }
  if (state.url) history.replaceState(null, "", state.url);
}

async function request(url, options) {
  const response = await fetch(url, {
    ...options,
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  if (response.status !== 200 && response.status !== 409) {
    throw new Error(`The server refused this action (HTTP ${response.status}).`);
  }
  swap(await response.json());
}

// Post a form's fields; "at" and "seen" are taken when the action runs, from the answer
// shown then (an earlier action in the queue may have moved on or changed the score).
// (The URL comes from getAttribute: the input named "action" hides form.action.)
function post(url, fields) {
  const current = document.getElementById("note");
  for (const name of ["at", "seen"]) {
    if (fields.has(name) && current) fields.set(name, current.elements[name].value);
  }
  return request(url, { method: "POST", body: fields });
}

// A key names a form of the answer shown when its turn comes, not when it was pressed.
function submitLater(selector) {
  enqueue(() => {
    const form = document.querySelector(selector);
    return form ? post(form.getAttribute("action"), new URLSearchParams(new FormData(form))) : undefined;
  });
}

function move(direction) {
  enqueue(() => {
    const nav = document.querySelector("nav[data-next]");
    const url = nav && nav.dataset[direction];
    return url ? request(url, { method: "GET" }) : undefined;
  });
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.closest("#marking")) return; // other pages keep plain posts
  event.preventDefault();
  const fields = new URLSearchParams(new FormData(form)); // what was typed, read now
  enqueue(() => post(form.getAttribute("action"), fields));
});

document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select")) {
    if (event.key === "Escape") target.blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (!document.querySelector("nav[data-next]")) return;
  if (event.key === "ArrowRight" || event.key === "j") move("next");
  else if (event.key === "ArrowLeft" || event.key === "k") move("prev");
  else if (event.key === "Enter") submitLater("#note");
  else if (event.key === "c") { event.preventDefault(); document.getElementById("comment").focus(); }
  else if (/^[1-9]$/.test(event.key)) {
    submitLater(`form[data-key="${event.key}"]`);
  } else return;
  event.preventDefault();
});

document.addEventListener("DOMContentLoaded", () => setPending(0));
