"""An in-process IPython kernel that turns cell sources into nbformat outputs.

nbgrader executes a submission through a Jupyter kernel: a new process, ZeroMQ sockets,
and every import paid again for each student. Here the interpreter is warmed once (see
``grader.grade.workers``) and a forked copy runs each submission through an IPython
``InteractiveShell`` whose display hook, display publisher, traceback printer and
standard streams write nbformat outputs. What decides a score is the same as under
ipykernel: an ``error`` output, a ``stderr`` stream, or an ``execute_result`` holding a
number (partial credit), so nbgrader's own ``determine_grade`` gives identical scores.
"""

from __future__ import annotations

import io
import linecache
import os
import sys
from collections.abc import Callable
from typing import Any

from IPython.core.compilerop import CachingCompiler
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from grader.grade import guard

#: What a cell may print before the rest is dropped (the student is told in the output).
DEFAULT_OUTPUT_LIMIT = 1_000_000
#: What replaces, in an instructor's cell, what student code printed or showed meanwhile.
WITHHELD = {
    "stdout": "[… ce que votre code a affiché pendant ce test n'est pas montré …]\n",
    "stderr": (
        "[… votre code a écrit sur la sortie d'erreur pendant ce test, qui échoue donc ; "
        "le détail n'est pas montré …]\n"
    ),
    "result": "[valeur produite par votre code : non montrée]",
}
#: What ipykernel sets ``MPLBACKEND`` to.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


class OutputSink:
    """The outputs of the cell being executed, as nbformat 4 dictionaries."""

    def __init__(self, output_limit: int = DEFAULT_OUTPUT_LIMIT) -> None:
        self.output_limit = output_limit
        #: During an instructor's cell: whether the output being made comes from student
        #: code (a function the test calls); such output is replaced by a fixed note, so
        #: nothing student code saw of a hidden test reaches feedback.
        self.from_student: Callable[[], bool] | None = None
        self._withheld: set[str] = set()
        self.outputs: list[dict[str, Any]] = []
        self._printed = 0
        self._truncated = False
        self._clear_on_next = False

    def start(self) -> None:
        self.outputs = []
        self._printed = 0
        self._truncated = False
        self._clear_on_next = False
        self._withheld = set()

    def _withhold(self, name: str) -> bool:
        """Whether to drop this output; the first dropped one of a stream leaves a note.

        A note on stderr keeps nbgrader's rule (a test that wrote on stderr fails).
        """
        if self.from_student is None or not self.from_student():
            return False
        if name not in self._withheld:
            self._withheld.add(name)
            self._stream_text(name, WITHHELD[name])
        return True

    def _append(self, output: dict[str, Any]) -> None:
        if self._clear_on_next:
            self.outputs = []
            self._clear_on_next = False
        self.outputs.append(output)

    def stream(self, name: str, text: str) -> None:
        if not text or self._withhold(name):
            return
        room = self.output_limit - self._printed
        self._printed += len(text)
        if room <= 0:
            if not self._truncated:
                self._truncated = True
                self._stream_text(
                    name,
                    f"\n[… sortie tronquée : plus de {self.output_limit} caractères affichés …]\n",
                )
            return
        self._stream_text(name, text[:room])

    def _stream_text(self, name: str, text: str) -> None:
        last = self.outputs[-1] if self.outputs and not self._clear_on_next else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self._append({"output_type": "stream", "name": name, "text": text})

    def display(self, data: dict, metadata: dict | None) -> None:
        if self._withhold("stdout"):
            return
        self._append({"output_type": "display_data", "data": data, "metadata": metadata or {}})

    def result(self, data: dict, metadata: dict | None, count: int) -> None:
        self._append(
            {
                "output_type": "execute_result",
                "data": data,
                "metadata": metadata or {},
                "execution_count": count,
            }
        )

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self._append(
            {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": traceback}
        )

    def clear(self, wait: bool) -> None:
        if wait:
            self._clear_on_next = True
        else:
            self.outputs = []


class _Stream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` for student code: text goes to the cell's outputs."""

    def __init__(self, name: str, sink: OutputSink) -> None:
        super().__init__()
        self.name = name
        self._sink = sink

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._sink.stream(self.name, text)
        return len(text)


class _DisplayHook(DisplayHook):
    """The value of a cell's last expression becomes an ``execute_result``."""

    def start_displayhook(self) -> None:
        self._data: dict = {}
        self._metadata: dict = {}

    def write_output_prompt(self) -> None:
        pass

    def compute_format_data(self, result: Any) -> tuple[dict, dict]:
        """In an instructor's cell, a value of the student's class shows nothing of itself.

        Its ``repr`` is student code run by the test; a number keeps nbgrader's partial
        credit, since numbers are never the student's class.
        """
        if self.shell.sink.from_student is not None and guard.student_class(type(result)):
            return {"text/plain": WITHHELD["result"]}, {}
        return super().compute_format_data(result)

    def write_format_data(self, format_dict: dict, md_dict: dict | None = None) -> None:
        self._data, self._metadata = format_dict, md_dict or {}

    def finish_displayhook(self) -> None:
        self.shell.sink.result(self._data, self._metadata, self.prompt_count)


class _DisplayPublisher(DisplayPublisher):
    """``display()`` calls (figures, widgets, HTML) become ``display_data`` outputs."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        if not update:  # updates of an earlier display (display_id) are not graded
            self.shell.sink.display(data, metadata)

    def clear_output(self, wait: bool = False) -> None:
        self.shell.sink.clear(wait)


class _NamedCompiler(CachingCompiler):
    """Names each cell's code by its place in the notebook (``<cellule-N>``).

    The sandbox's audit hook (``grader.grade.guard``) tells a student's cell from an
    instructor's test by this name, and tracebacks show it instead of a random hash.
    """

    next_name = "<cellule-?>"
    #: Set for the instructor's cells: their source is kept out of ``linecache``, so that
    #: neither a traceback nor student code called by a hidden test can show it.
    hide_source = False

    def get_code_name(self, raw_code: str, transformed_code: str, number: int) -> str:
        return self.next_name

    def cache(self, transformed_code: str, number: int = 0, raw_code: str | None = None) -> str:
        name = super().cache(transformed_code, number, raw_code)
        if self.hide_source:
            linecache.cache.pop(name, None)
        return name


class GradingShell(InteractiveShell):
    """An IPython shell whose every visible effect lands in ``self.sink``."""

    displayhook_class = _DisplayHook
    display_pub_class = _DisplayPublisher
    compiler_class = _NamedCompiler

    def __init__(self, **kwargs: Any) -> None:
        self.sink = OutputSink()
        super().__init__(**kwargs)

    def enable_gui(self, gui: str | None = None) -> None:
        """``%matplotlib inline`` needs no event loop; other GUIs have no screen here."""

    def _showtraceback(self, etype, evalue, stb) -> None:
        self.sink.error(etype.__name__, str(evalue), list(stb))

    def run(
        self,
        source: str,
        name: str = "<cellule-?>",
        hide_source: bool = False,
        trusted: set[int] | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Execute one cell (its code named ``name``); return its outputs and count.

        With ``trusted`` (the indexes of the instructor's cells), the cell is the
        instructor's: what student code prints or shows while it runs is withheld.
        """
        self.compile.next_name, self.compile.hide_source = name, hide_source
        self.sink.start()
        if trusted is None:
            self.sink.from_student = None
        else:
            self.sink.from_student = lambda: guard.student_on_stack(sys._getframe(2), trusted)
        stdout, stderr = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream("stdout", self.sink), _Stream("stderr", self.sink)
        try:
            # the instructor's cells stay out of the history too (``In``, ``_i``…)
            self.run_cell(source, store_history=not hide_source)
        finally:
            sys.stdout, sys.stderr = stdout, stderr
        return self.sink.outputs, self.execution_count - (0 if hide_source else 1)


def _layout_is_set(fig: Any) -> bool:
    """Whether a figure's author placed its contents (a layout engine, or chosen margins).

    Jupyter crops every inline figure to its contents ("tight" bounding box), which
    costs a second full drawing of the figure. A figure whose layout was set on purpose
    already fits: cropping it changes a few pixels of margin, and drawing it once halves
    the most expensive step of grading a notebook with charts.
    """
    import matplotlib

    if getattr(fig, "get_layout_engine", lambda: None)() is not None:
        return True
    margins = getattr(fig, "subplotpars", None)
    if margins is None:
        return False
    return any(
        getattr(margins, side) != matplotlib.rcParams[f"figure.subplot.{side}"]
        for side in ("left", "right", "top", "bottom")
    )


def _draw_laid_out_figures_once() -> None:
    """Make IPython's inline figure formatter skip the tight crop of laid-out figures.

    Must run before ``matplotlib.pyplot`` is imported: the inline backend then binds
    IPython's ``print_figure`` into its formatters.
    """
    from IPython.core import pylabtools

    original = getattr(pylabtools.print_figure, "__wrapped__", pylabtools.print_figure)

    def print_figure(fig: Any, fmt: str = "png", bbox_inches: Any = "tight", **kwargs: Any):
        if bbox_inches == "tight" and _layout_is_set(fig):
            bbox_inches = None
        return original(fig, fmt, bbox_inches=bbox_inches, **kwargs)

    print_figure.__wrapped__ = original
    pylabtools.print_figure = print_figure


def new_shell() -> GradingShell:
    """A shell configured like a notebook kernel: inline figures, no history file.

    As under ipykernel, figures go inline through ``MPLBACKEND``: the first import of
    ``matplotlib.pyplot`` hooks the inline backend into this shell (figures shown and
    closed at the end of each cell), and a notebook that never plots never loads it.
    """
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    _draw_laid_out_figures_once()
    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "NoColor"
    config.InteractiveShell.autocall = 0
    return GradingShell.instance(config=config)
