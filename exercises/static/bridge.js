// Browser half of the answer store (see exercises/answers.py).
// Copies the answer of one question into the open notebook's metadata, which JupyterLab
// saves with the .ipynb, and gives a saved answer back to a fresh kernel.
const KEY = "course";
const ANSWERS = "answers";
const WAIT_MS = 15000;
const SAVE_DELAY_MS = 600;

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function findPanel(el) {
  const app = window.jupyterapp;
  if (!app || !app.shell || typeof app.shell.widgets !== "function") return null;
  for (const widget of app.shell.widgets("main")) {
    const model = widget.context && widget.context.model;
    if (model && typeof model.getMetadata === "function" && widget.node.contains(el)) {
      return widget;
    }
  }
  return null;
}

async function waitForPanel(el) {
  const start = Date.now();
  while (Date.now() - start < WAIT_MS) {
    if (!window.jupyterapp) return null;
    if (el.isConnected) {
      const panel = findPanel(el);
      if (panel) return panel;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

function savedRecord(panel, qid) {
  const stored = panel.context.model.getMetadata(KEY) || {};
  return (stored[ANSWERS] || {})[qid];
}

function writeRecord(panel, qid, value) {
  const model = panel.context.model;
  const stored = JSON.parse(JSON.stringify(model.getMetadata(KEY) || {}));
  stored[ANSWERS] = stored[ANSWERS] || {};
  const previous = stored[ANSWERS][qid];
  if (previous && same(previous.value, value)) return previous;
  const record = { value: value ?? null, saved_at: new Date().toISOString() };
  stored[ANSWERS][qid] = record;
  model.setMetadata(KEY, stored);
  return record;
}

// Two saves of one document must never overlap: the second one reads the file that the
// first has just written, takes it for someone else's change and opens JupyterLab's
// "File Changed" dialog (its save then waits for a click that never comes). So the bridge
// waits for every save in flight (its own, the student's Ctrl+S, autosave) before its own.
// The counters live on `window` because each widget may load its own copy of this module.
const saves = (window.__courseAnswerSaves ??= { pending: 0, inFlight: new WeakMap() });

function watchSaves(context) {
  if (saves.inFlight.has(context)) return;
  saves.inFlight.set(context, 0);
  context.saveState.connect((_, state) => {
    const running = saves.inFlight.get(context) || 0;
    saves.inFlight.set(context, state === "started" ? running + 1 : Math.max(0, running - 1));
  });
}

const pendingSaves = new WeakMap();
function scheduleSave(panel) {
  watchSaves(panel.context);
  if (pendingSaves.has(panel)) clearTimeout(pendingSaves.get(panel));
  else saves.pending += 1;
  pendingSaves.set(
    panel,
    setTimeout(async () => {
      pendingSaves.delete(panel);
      if (!panel.isDisposed && saves.inFlight.get(panel.context)) {
        saves.pending -= 1;
        scheduleSave(panel); // someone is saving: try again once they are done
        return;
      }
      try {
        if (!panel.isDisposed && panel.context.model.dirty) await panel.context.save();
      } catch {
        // JupyterLab has shown the error; the answer stays in the model until the next save
      } finally {
        saves.pending -= 1;
      }
    }, SAVE_DELAY_MS),
  );
}

function timeOf(record) {
  const when = new Date(record.saved_at);
  return isNaN(when) ? "" : when.toLocaleString("fr-CH", { dateStyle: "short", timeStyle: "short" });
}

function show(el, state, text) {
  el.dataset.state = state;
  el.textContent = text;
}

export default {
  async render({ model, el }) {
    el.classList.add("course-answer-status");
    show(el, "waiting", "Connexion au notebook…");
    const qid = model.get("question_id");
    const panel = await waitForPanel(el);
    if (!panel) {
      model.set("persisted", false);
      model.save_changes();
      show(el, "unavailable",
        "⚠ Réponse NON enregistrée dans le fichier : ce notebook n'est pas ouvert dans " +
        "JupyterLab (ou Notebook 7) avec l'enregistrement des réponses. Lancez-le avec « course lab ».");
      return;
    }
    const saved = savedRecord(panel, qid);
    if (saved && !same(saved.value, model.get("value"))) {
      model.set("value", saved.value);
      model.save_changes();
      show(el, "restored", `✔ Réponse enregistrée le ${timeOf(saved)} retrouvée.`);
    } else if (!saved && model.get("value") !== null) {
      const record = writeRecord(panel, qid, model.get("value"));
      scheduleSave(panel);
      show(el, "saved", `✔ Réponse enregistrée dans le notebook (${timeOf(record)}).`);
    } else if (saved) {
      show(el, "saved", `✔ Réponse enregistrée dans le notebook (${timeOf(saved)}).`);
    } else {
      show(el, "empty", "Votre réponse sera enregistrée dans le notebook dès que vous répondez.");
    }
    model.set("persisted", true);
    model.save_changes();
    const onChange = () => {
      const record = writeRecord(panel, qid, model.get("value"));
      scheduleSave(panel);
      show(el, "saved", `✔ Réponse enregistrée dans le notebook (${timeOf(record)}).`);
    };
    model.on("change:value", onChange);
    return () => model.off("change:value", onChange);
  },
};
