"""Inside the sandbox: keep student code from faking a pass, and tell when it tries.

Student code and the instructor's test cells share one interpreter, so a student can in
principle reach anything the tests use. Two defences, both installed before any student
code runs:

- **restore** (defeats the trick): before each of the instructor's cells, the shell's
  hooks (input and AST transformers, custom exception handlers, event callbacks, display
  machinery), ``builtins`` and the course's ``exercises`` modules are compared with a
  snapshot taken before the student's first cell; whatever was replaced is put back and
  named;
- **watch** (detects the rest): a Python audit hook, which cannot be removed once added,
  reports every reach of student code into the interpreter's machinery (frames, the
  garbage collector's object lists, ctypes, tracing, ``/proc``, compiling code of its
  own, changing a class's attributes) and the lying comparisons it defines, so the
  submission is flagged for a human.
"""

from __future__ import annotations

import builtins
import importlib
import sys
from collections.abc import Callable
from typing import Any

#: Audit events that student code has no business raising in this course.
WATCHED = frozenset(
    {
        "sys._getframe",
        "sys._current_frames",
        "sys.settrace",
        "sys.setprofile",
        "sys.addaudithook",
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "object.__getattr__",
        "object.__setattr__",
        "object.__delattr__",
        "ctypes.dlopen",
        "ctypes.dlsym",
        "ctypes.dlsym/handle",
        "ctypes.cdata",
        "ctypes.cdata/buffer",
        "ctypes.addressof",
        "ctypes.string_at",
        "ctypes.wstring_at",
        "ctypes.PyObj_FromPtr",
        "ctypes.call_function",
        "code.__new__",
        "function.__new__",
        "compile",
        "exec",
        "open",
    }
)
#: Library files that student code may use to do the above on its behalf.
HELPERS = ("/inspect.py", "/traceback.py", "/linecache.py", "/dis.py", "/ctypes/__init__.py")
#: How a cell's code is named, so that its frames can be told apart.
CELL_PREFIX = "<cellule-"
#: Dunders through which a value can lie to a test.
LYING_DUNDERS = ("__eq__", "__ne__", "__bool__", "__len__", "__lt__", "__gt__", "__le__",
                 "__ge__", "__contains__", "__hash__", "__float__", "__int__", "__index__")  # fmt: skip


def cell_name(index: int) -> str:
    return f"{CELL_PREFIX}{index}>"


def _cell_index(filename: str) -> int | None:
    if filename.startswith(CELL_PREFIX) and filename.endswith(">"):
        try:
            return int(filename[len(CELL_PREFIX) : -1])
        except ValueError:
            return None
    return None


def culprit(frame: Any, trusted: set[int]) -> str | None:
    """Who is behind an event: a student cell (named), or ``None`` for library code."""
    for _ in range(12):
        if frame is None:
            return None
        filename = frame.f_code.co_filename
        if filename.endswith(HELPERS):
            frame = frame.f_back
            continue
        index = _cell_index(filename)
        if index is not None:
            return None if index in trusted else f"cellule n° {index + 1}"
        if filename.startswith("<") and not filename.startswith("<frozen"):
            return f"code compilé par l'élève ({filename[:40]})"
        return None
    return None


def student_on_stack(frame: Any, trusted: set[int]) -> bool:
    """Whether student code is anywhere between ``frame`` and the cell being run.

    What an instructor's cell prints or shows is its own; what a student function prints
    when a test calls it (or when it is formatted) is the student's, and may carry what the
    function saw of the test.
    """
    while frame is not None:
        filename = frame.f_code.co_filename
        index = _cell_index(filename)
        if index is not None and index not in trusted:
            return True
        if index is None and filename.startswith("<") and not filename.startswith("<frozen"):
            return True
        frame = frame.f_back
    return False


def student_class(cls: type) -> bool:
    """A class defined in a cell (or built by student code): its methods are the student's."""
    for klass in cls.__mro__:
        if klass is object or klass.__module__ == "builtins":
            continue
        if klass.__module__ == "__main__":
            return True
        if any(_planted(value) for value in list(vars(klass).values())):
            return True
    return False


def watch(trusted: set[int], report: Callable[[str], None]) -> None:
    """Add the audit hook; ``report`` gets one line per suspicious event (at most 50)."""
    state = {"busy": False, "sent": 0}
    getframe = sys._getframe

    def hook(event: str, args: tuple) -> None:
        if event not in WATCHED or state["busy"] or state["sent"] >= 50:
            return
        if event == "open" and not str(args[0] if args else "").startswith("/proc"):
            return
        state["busy"] = True
        try:
            who = culprit(getframe(1), trusted)
            if who:
                state["sent"] += 1
                detail = f" {args[1]}" if event.startswith("object.") and len(args) > 1 else ""
                report(f"{event}{detail} — {who}")
        except Exception:  # the hook must never break the code it watches
            pass
        finally:
            state["busy"] = False

    sys.addaudithook(hook)


class Snapshot:
    """What the instructor's cells rely on, as it was before any student code ran."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.hooks = self._hooks()
        self.builtins = dict(vars(builtins))
        self.modules = {
            name: (module, dict(vars(module)))
            for name, module in list(sys.modules.items())
            if module is not None and name.split(".")[0] in ("exercises", "grader")
        }
        self.shell_attributes = set(vars(shell))

    def _hooks(self) -> dict[str, Any]:
        shell = self.shell
        return {
            "input_transformers_cleanup": list(shell.input_transformers_cleanup),
            "input_transformers_post": list(shell.input_transformers_post),
            "input_transformer_manager.cleanup_transforms": list(
                shell.input_transformer_manager.cleanup_transforms
            ),
            "input_transformer_manager.line_transforms": list(
                shell.input_transformer_manager.line_transforms
            ),
            "input_transformer_manager.token_transformers": list(
                shell.input_transformer_manager.token_transformers
            ),
            "ast_transformers": list(shell.ast_transformers),
            "custom_exceptions": shell.custom_exceptions,
            "CustomTB": shell.CustomTB,
            "displayhook": shell.displayhook,
            "display_pub": shell.display_pub,
            "compile": shell.compile,
            "InteractiveTB": shell.InteractiveTB,
            "events": {name: list(cbs) for name, cbs in shell.events.callbacks.items()},
            "sys.excepthook": sys.excepthook,
            "sys.displayhook": sys.displayhook,
        }

    def restore(self) -> list[str]:
        """Put back whatever student code replaced; return what it was, for the flag."""
        changed = self._restore_hooks()
        for name, value in self.builtins.items():
            if vars(builtins).get(name) is not value:
                setattr(builtins, name, value)
                changed.append(f"builtins.{name}")
        for name, (module, namespace) in self.modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
                changed.append(f"sys.modules[{name!r}]")
            current = vars(module)
            for key, value in namespace.items():
                if current.get(key) is not value:
                    current[key] = value
                    changed.append(f"{name}.{key}")
        for name, module in list(sys.modules.items()):  # imported since the snapshot
            if name in self.modules or module is None:
                continue
            if name.split(".")[0] not in ("exercises", "grader"):
                continue
            planted = [key for key, value in list(vars(module).items()) if _planted(value)]
            if planted:
                importlib.reload(module)
                changed += [f"{name}.{key}" for key in planted]
        for attribute in set(vars(self.shell)) - self.shell_attributes:
            if callable(vars(self.shell)[attribute]):
                delattr(self.shell, attribute)
                changed.append(f"shell.{attribute}")
        return changed

    def _restore_hooks(self) -> list[str]:
        saved, changed = self.hooks, []
        for key, value in saved.items():
            owner, attribute = self._owner(key)
            current = getattr(owner, attribute)
            if key == "events":  # libraries register callbacks (matplotlib): keep theirs
                for name, callbacks in current.items():
                    kept = [cb for cb in callbacks if cb in value.get(name, []) or _library(cb)]
                    if kept != callbacks:
                        callbacks[:] = kept
                        changed.append(f"shell.events[{name!r}]")
            elif isinstance(value, list):
                if list(current) != value:
                    current[:] = value
                    changed.append(f"shell.{key}")
            elif current is not value:
                setattr(owner, attribute, value)
                changed.append(key if key.startswith("sys.") else f"shell.{key}")
        return changed

    def _owner(self, key: str) -> tuple[Any, str]:
        if key.startswith("sys."):
            return sys, key[4:]
        if key == "events":
            return self.shell.events, "callbacks"
        owner: Any = self.shell
        *path, attribute = key.split(".")
        for part in path:
            owner = getattr(owner, part)
        return owner, attribute


def _planted(value: Any) -> bool:
    """A function (or method) whose code comes from a cell or was compiled by the student."""
    code = getattr(getattr(value, "__func__", value), "__code__", None)
    return code is not None and not code.co_filename.startswith(("/", "<frozen"))


def _library(function: Any) -> bool:
    """Code from a file (a library), not from a cell or compiled by the student."""
    code = getattr(getattr(function, "__func__", function), "__code__", None)
    return code is not None and code.co_filename.startswith("/")


def lying_values(namespace: dict[str, Any]) -> list[str]:
    """Names of the student's values whose class, defined in a cell, redefines comparisons."""
    found = []
    for name, value in list(namespace.items()):
        if name.startswith("_"):
            continue
        values = [value]
        if isinstance(value, (list, tuple, set, frozenset)):
            values += list(value)[:100]
        elif isinstance(value, dict):
            values += list(value.values())[:100] + list(value.keys())[:100]
        for item in values:
            if _lies(item if isinstance(item, type) else type(item)):
                found.append(name)
                break
    return found


def _lies(cls: type) -> bool:
    for klass in cls.__mro__:
        if klass.__module__ in ("builtins",) or klass is object:
            continue
        for dunder in LYING_DUNDERS:
            method = klass.__dict__.get(dunder)
            if method is None:
                continue
            code = getattr(method, "__code__", None)
            if code is None and klass.__module__ == "__main__":
                return True  # a student's class borrowing a builtin (``__eq__ = ...``)
            if code is not None and _cell_index(code.co_filename) is not None:
                return True
    return False
