"""Questions answered through widgets, whose answers can be graded.

Each question has a stable ``question_id`` (``"<module>/<name>"``), shows its controls and
an :class:`~exercises.bridge.AnswerBridge`, and keeps the answer store up to date. The
grading test cells only call :func:`exercises.answers.get` with the same id.
"""

from __future__ import annotations

import weakref
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML, display

from exercises import answers
from exercises.bridge import AnswerBridge
from exercises.saved_view import OUTPUT_KEY, summary_lines

#: Every live view of each question, so that copies of one question cell stay in step.
_views: dict[str, weakref.WeakSet[Question]] = {}


class Question(widgets.VBox):
    """Base class: wires controls, the session store and the notebook bridge together.

    Subclasses build ``self.controls`` and implement :meth:`collect`, :meth:`apply` and
    :meth:`advice`. An answer saved earlier (in the notebook file) is restored on creation.
    """

    def __init__(self, question_id: str, controls: list[widgets.Widget], **kwargs: Any):
        self.question_id = question_id
        self._applying = False
        self.bridge = AnswerBridge(question_id=question_id)
        self.feedback = widgets.HTML()
        # width "auto": ipywidgets' fixed button width cuts the label (« Vérifier ma rép… »)
        check = widgets.Button(
            description="Vérifier ma réponse", icon="check", layout=widgets.Layout(width="auto")
        )
        check.on_click(lambda _button: self._show_advice())
        super().__init__(children=[*controls, self.bridge, check, self.feedback], **kwargs)
        self.add_class("course-question")
        _views.setdefault(question_id, weakref.WeakSet()).add(self)
        saved = answers.get(question_id)
        if saved is not None:
            self._apply_safely(saved)
            answers.record(question_id, self.collect())
            self.bridge.value = self.collect()
        self.bridge.observe(self._on_bridge_value, names="value")

    # -- what subclasses provide -------------------------------------------------------
    def collect(self) -> Any:
        """The current answer as JSON, read from the controls."""
        raise NotImplementedError

    def apply(self, value: Any) -> None:
        """Set the controls from a stored answer (which may be malformed)."""
        raise NotImplementedError

    def advice(self, value: Any) -> list[str]:
        """Formative remarks in French on the form of an answer; never its correctness."""
        raise NotImplementedError

    # -- plumbing ----------------------------------------------------------------------
    @property
    def value(self) -> Any:
        """The answer as the grader will see it."""
        return self.collect()

    def _controls_changed(self, _change: Any = None) -> None:
        if self._applying:
            return
        value = self.collect()
        answers.record(self.question_id, value)
        self.bridge.value = value
        self._update_copies(value)

    def _on_bridge_value(self, change: dict[str, Any]) -> None:
        """A saved answer came back from the notebook: show it and remember it."""
        value = change["new"]
        self._apply_safely(value)
        answers.record(self.question_id, self.collect())
        self._update_copies(self.collect())

    def _update_copies(self, value: Any) -> None:
        """Show ``value`` in every other live copy of this question (a pasted or re-run cell).

        One question id has one answer in the notebook file: a copy left showing an older
        answer would tell the student something the grader will not see.
        """
        for other in list(_views.get(self.question_id, ())):
            if other is self or other.comm is None:  # closed widgets have no comm
                continue
            if other.collect() != value:
                other._apply_safely(value)
            if other.bridge.value != value:
                other.bridge.value = value

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The widget view, named by question, with a readable text for non-widget readers.

        The question id in the output's metadata lets the server's pre-save hook
        (:mod:`exercises.saved_view`) write the saved answer in its place; the text replaces
        ipywidgets' cut-off repr where no widget renders (formgrader, nbconvert).
        """
        data = super()._repr_mimebundle_(**kwargs)
        if isinstance(data, dict):
            lines = summary_lines(self.collect())
            data["text/plain"] = "\n".join([f"Question {self.question_id}", *lines])
        return data, {OUTPUT_KEY: {"question_id": self.question_id}}

    def _apply_safely(self, value: Any) -> None:
        self._applying = True
        try:
            self.apply(value)
        finally:
            self._applying = False

    def _show_advice(self) -> None:
        self.feedback.value = _as_list(self.verifier(show=False))

    def verifier(self, show: bool = True) -> list[str]:
        """Formative check of the answer's form, shown to the student; hidden tests stay hidden."""
        remarks = self.advice(self.collect())
        if self.bridge.persisted is False:
            remarks.append(
                "⚠ Cette réponse n'est pas enregistrée dans le fichier : ouvrez le notebook "
                "dans JupyterLab (commande « course lab ») avant de le rendre."
            )
        if show:
            display(HTML(_as_list(remarks)))
        return remarks


def _as_list(remarks: list[str]) -> str:
    items = "".join(f"<li>{remark}</li>" for remark in remarks)
    return f"<ul class='course-advice'>{items}</ul>"


class Classification(Question):
    """Sort statements into categories (e.g. the three conceptions of the internet).

    The answer is ``{statement_key: category or None}``. Grading compares it with a key
    kept in a hidden test; the formative check only says what is left to sort.
    """

    def __init__(
        self,
        question_id: str,
        categories: list[str],
        statements: dict[str, str],
        **kwargs: Any,
    ):
        self.categories = list(categories)
        self.statements = dict(statements)
        self.choices: dict[str, widgets.ToggleButtons] = {}
        rows = []
        for key, text in self.statements.items():
            choice = widgets.ToggleButtons(
                options=self.categories, value=None, style={"button_width": "auto"}
            )
            choice.observe(self._controls_changed, names="value")
            self.choices[key] = choice
            label = widgets.HTML(f"<b>{key}.</b> {text}", layout=widgets.Layout(width="100%"))
            rows.append(widgets.VBox([label, choice], layout=widgets.Layout(margin="0 0 0.6em 0")))
        super().__init__(question_id, rows, **kwargs)

    def collect(self) -> dict[str, str | None]:
        return {key: choice.value for key, choice in self.choices.items()}

    def apply(self, value: Any) -> None:
        stored = value if isinstance(value, dict) else {}
        for key, choice in self.choices.items():
            category = stored.get(key)
            choice.value = category if category in self.categories else None

    def advice(self, value: dict[str, str | None]) -> list[str]:
        missing = [key for key, category in value.items() if category is None]
        if missing:
            return [f"Il reste {len(missing)} affirmation(s) à classer : {', '.join(missing)}."]
        counts = {
            category: sum(1 for chosen in value.values() if chosen == category)
            for category in self.categories
        }
        summary = ", ".join(f"{category} : {count}" for category, count in counts.items())
        return [
            f"Toutes les affirmations sont classées ({summary}).",
            "Relisez chaque affirmation en vous demandant : qui parle, et à qui ? "
            "Votre classement sera corrigé après le rendu.",
        ]
