"""Student code as an attacker writes it, graded by the real ``course grade``.

One course, one batch: each student below hands in a notebook whose first answer cell
holds one attack (and, unless the attack is to fake a pass, the right answer). Each test
asserts the safe outcome for one attack: nothing written outside the child's folder, no
secret in any output, no code run in the grading process, no process left, and for each
way of faking a pass either 0 points or a flag that names it. See docs/security.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from grader.build.release import build
from grader.course import Course
from grader.grade.autograde import auto_scores
from tests.conftest import REPO, nbgrader_meta, python_notebook

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox is Linux's"),
]

ASSIGNMENT = "98-attaques"
HIDDEN = "CANARI-TEST-CACHE-5d1f"
SOLUTION = "CANARI-SOLUTION-8c2e"
ENV_SECRET = "CANARI-ENV-41aa"
HOME_SECRET = "CANARI-HOME-93b0"
NEIGHBOUR = "CANARI-VOISIN-77c4"
TOLD = "CANARI-DIT-PENDANT-LE-TEST-2b7e"
SURVIVOR = "3141.5926"
SCRIPT = "canariScript7f3a"  # the argument of the `sleep` a survivor would leave running
RIGHT = "def premiere():\n    return 42\n"
WRONG = "def premiere():\n    return 0\n"


def _source() -> nbformat.NotebookNode:
    nb = python_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Attaques", metadata=nbgrader_meta("intro", locked=True)),
        nbformat.v4.new_code_cell(
            f"def premiere():\n    ### BEGIN SOLUTION\n    # {SOLUTION}\n    return 42\n"
            "    ### END SOLUTION",
            metadata=nbgrader_meta("reponse-1", solution=True),
        ),
        nbformat.v4.new_code_cell(
            "assert premiere() == 42",
            metadata=nbgrader_meta("test-1", grade=True, locked=True, points=1),
        ),
        nbformat.v4.new_code_cell(
            f"### BEGIN HIDDEN TESTS\nassert premiere() == 42  # {HIDDEN}\n### END HIDDEN TESTS",
            metadata=nbgrader_meta("test-cache", grade=True, locked=True, points=1),
        ),
        nbformat.v4.new_code_cell(
            "def seconde():\n    ### BEGIN SOLUTION\n    return 7\n    ### END SOLUTION",
            metadata=nbgrader_meta("reponse-2", solution=True),
        ),
        nbformat.v4.new_code_cell(
            "assert seconde() == 7",
            metadata=nbgrader_meta("test-2", grade=True, locked=True, points=1),
        ),
    ]
    return nb


def _secret_paths(course: Course, home: Path) -> list[Path]:
    """What the reader tries to open: the instructor's, the neighbour's, the checkout's."""
    return [
        course.root / "source" / ASSIGNMENT / "exercice.ipynb",
        course.root / "gradebook.db",
        course.root / "nbgrader_config.py",
        course.submitted_dir / "sage" / ASSIGNMENT / "exercice.ipynb",
        home / ".ssh" / "id_rsa",
        REPO / "source" / "01-cluetrain" / "exercice.ipynb",  # the checkout's own solutions
        REPO / "nbgrader_config.py",
    ]


def _attacks(course: Course, home: Path, marker: Path) -> dict[str, str]:
    """Student → the first answer cell they hand in."""
    root = course.root
    reads = _secret_paths(course, home)
    return {
        "sage": RIGHT,
        "remonte": (
            "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
            "print('remount', libc.mount(None, b'/', None, 32 | 4096, None))\n"
            "print('umount', libc.umount2(b'/usr', 2))\n"
            "print('unshare', libc.unshare(0x10000000 | 0x00020000))\n"
            f"print('gradebook', os.path.exists({str(root / 'gradebook.db')!r}))\n" + RIGHT
        ),
        "cornichon": (
            "import gc, os\nfrom multiprocessing.connection import Connection\n"
            "class Piege:\n    def __reduce__(self):\n"
            f"        return (os.system, ('touch {marker}',))\n"
            "for conn in [o for o in gc.get_objects() if isinstance(o, Connection)]:\n"
            "    try:\n        conn.send(Piege())\n    except Exception as e:\n        print(e)\n"
            + RIGHT
        ),
        "survivant": (
            "import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            f"        os.execvp('sleep', ['sleep', '{SURVIVOR}'])\n    os._exit(0)\n" + RIGHT
        ),
        "lecteur": (
            "import os\n"
            f"for path in {[str(p) for p in reads] + ['/proc/1/environ']!r}:\n"
            "    try:\n        print(path, open(path, 'rb').read()[:100000])\n"
            "    except Exception as e:\n        print(path, type(e).__name__)\n"
            "print(dict(os.environ))\nprint(os.listdir('/'), os.listdir(os.path.expanduser('~')))\n"
            "try:\n"
            f"    os.makedirs({str(home / '.local')!r}, exist_ok=True)\n"
            f"    open({str(home / '.local' / 'evil.pth')!r}, 'w').write('import os')\n"
            "except Exception as e:\n    print(type(e).__name__)\n" + RIGHT
        ),
        "historique": (
            "import linecache\ndef premiere():\n"
            "    print(In, [v[2] for v in linecache.cache.values()])\n"
            "    print(open('exercice.ipynb').read())\n    return 42\n"
        ),
        "cadres": (
            "import sys, inspect\ndef premiere():\n"
            "    print(inspect.getsource(sys._getframe(1)))\n    return 42\n"
        ),
        "transformeur": "get_ipython().input_transformers_post.append(lambda lines: [])\n" + WRONG,
        "muet": "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n" + WRONG,
        "remplacant": (
            "import builtins, exercises.answers\nbuiltins.AssertionError = KeyError\n"
            "exercises.answers.get = lambda *args: 42\n" + WRONG
        ),
        "menteur": (
            "class Toujours:\n    def __eq__(self, other):\n        return True\n"
            "def premiere():\n    return Toujours()\n"
        ),
        "faussaire": (
            "import json, os, struct\n"
            "forged = json.dumps({'kind': 'done', 'index': 3, 'outputs': [], 'count': 1,"
            " 'token': 'x'}).encode()\n"
            "for fd in range(3, 30):\n    try:\n"
            "        os.write(fd, struct.pack('!i', len(forged)) + forged)\n"
            "    except OSError:\n        pass\n" + WRONG
        ),
        "bombe": (
            "import os, time\nstarted = 0\ntry:\n    for _ in range(500):\n"
            "        if os.fork() == 0:\n            time.sleep(60)\n            os._exit(0)\n"
            "        started += 1\nexcept OSError as e:\n    print('refusé', e)\n"
            "print('processus', started)\n" + RIGHT
        ),
        "disque": (
            "import os\nwritten = 0\ntry:\n    for i in range(100000):\n"
            "        open(f'f{i}', 'w').write('x' * 1000)\n        written += 1\n"
            "except OSError as e:\n    print('refusé', e)\nprint('fichiers', written)\n" + RIGHT
        ),
        "tueur": (  # every process it may signal: only its own sandbox's
            "import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\n"
            "except OSError as e:\n    print(e)\n" + RIGHT
        ),
        "gourmand": (  # each process under its own limit, all of them far over the budget
            "import os, time\nfor _ in range(6):\n    if os.fork() == 0:\n"
            "        block = bytearray(200 * 2**20)\n        time.sleep(30)\n        os._exit(0)\n"
            "time.sleep(30)\n" + RIGHT
        ),
        "bavard": (  # what the function prints when a (hidden) test calls it
            f"def premiere():\n    print('{TOLD}')\n    return 42\n"
        ),
        "pirate": (  # script for the instructor who opens the feedback or formgrader
            "from IPython.display import HTML, Javascript, display\n"
            f"display(HTML('<script>{SCRIPT}()</script><img src=x onerror=\"{SCRIPT}()\">'))\n"
            f"display(Javascript('{SCRIPT}()'))\n" + RIGHT
        ),
        "desactive": WRONG,
        "gonfle": RIGHT,
        "bonus": WRONG,
        "renomme": WRONG,
        "mutant": WRONG,
        "lien": RIGHT,
    }


def _set(cell, **fields) -> None:
    cell.metadata["nbgrader"].update(fields)


def _tamper(student: str, nb: nbformat.NotebookNode, folder: Path, course: Course) -> None:
    """The metadata and file-system edits of the students who attack grading itself."""
    if student == "desactive":  # no test is a test any more
        for index in (2, 3, 5):
            _set(nb.cells[index], grade=False)
    elif student == "gonfle":
        _set(nb.cells[5], points=100)
    elif student == "bonus":
        fake = nbformat.v4.new_code_cell(
            "pass", metadata=nbgrader_meta("bonus", grade=True, locked=True, points=50)
        )
        nb.cells.append(fake)
    elif student == "renomme":
        _set(nb.cells[2], grade_id="test-1-autre")
    elif student == "mutant":
        nb.cells[2].cell_type = "markdown"
        del nb.cells[2]["outputs"], nb.cells[2]["execution_count"]
        nb.cells[3].metadata["nbgrader"] = "n'importe quoi"
        for cell in nb.cells:
            cell["id"] = "meme-id"
    elif student == "lien":
        (folder / "exercice.ipynb").unlink()
        neighbour = course.submitted_dir / "sage" / ASSIGNMENT / "exercice.ipynb"
        (folder / "exercice.ipynb").symlink_to(neighbour)
        (folder / "voisin.txt").symlink_to(course.source_dir / ASSIGNMENT / "exercice.ipynb")


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    root, home, marker = base / "course", base / "home", base / "pwned"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text(HOME_SECRET)
    root.mkdir()
    (root / "nbgrader_config.py").write_text(
        (REPO / "nbgrader_config.py").read_text("utf-8")
        + "\nc.Execute.timeout = 10\nc.CourseGrader.total_memory_mb = 600\n",
        encoding="utf-8",
    )
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(_source(), root / "source" / ASSIGNMENT / "exercice.ipynb")
    course = Course.load(root)
    build(course, [ASSIGNMENT])
    released = nbformat.read(root / "release" / ASSIGNMENT / "exercice.ipynb", 4)
    for student, code in _attacks(course, home, marker).items():
        nb = nbformat.from_dict(json.loads(json.dumps(released)))
        nb.cells[1].source = code + (f"# {NEIGHBOUR}\n" if student == "sage" else "")
        nb.cells[4].source = "def seconde():\n    return 7\n"
        folder = course.submitted_dir / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "exercice.ipynb")
    for student in _attacks(course, home, marker):
        folder = course.submitted_dir / student / ASSIGNMENT
        nb = nbformat.read(folder / "exercice.ipynb", 4)
        _tamper(student, nb, folder, course)
        if not (folder / "exercice.ipynb").is_symlink():
            (folder / "exercice.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    before = {"submitted": _digest(course.submitted_dir), "source": _digest(root / "source")}
    env = {**os.environ, "HOME": str(home), "COURSE_SECRET": ENV_SECRET}
    command = [str(Path(sys.executable).parent / "course"), "grade", ASSIGNMENT]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    feedback = subprocess.run(
        [str(Path(sys.executable).parent / "course"), "feedback", ASSIGNMENT],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    survivors = subprocess.run(["pgrep", "-f", f"sleep {SURVIVOR}"], capture_output=True).stdout
    return course, result, feedback, before, home, marker, survivors


def _totals(course: Course) -> dict[str, float]:
    totals: dict[str, float] = {}
    for (student, _, _), score in auto_scores(course, ASSIGNMENT).items():
        totals[student] = totals.get(student, 0) + (score or 0)
    return totals


def _outputs(course: Course, student: str) -> str:
    nb = nbformat.read(course.autograded_dir / student / ASSIGNMENT / "exercice.ipynb", 4)
    return json.dumps([cell.get("outputs", []) for cell in nb.cells], ensure_ascii=False)


def _flags(result: subprocess.CompletedProcess, student: str) -> str:
    return "\n".join(line for line in result.stdout.splitlines() if f" {student}:" in line)


def _everything_shown(course: Course) -> str:
    """Every output of every graded notebook, the messages, and all of feedback/.

    (The graded notebooks themselves hold the hidden tests, as nbgrader's do: they are
    the instructor's.)"""
    texts = [
        _outputs(course, path.name)
        for path in course.autograded_dir.iterdir()
        if (path / ASSIGNMENT / "exercice.ipynb").exists()
    ]
    texts += [p.read_text("utf-8") for p in course.autograded_dir.rglob("*.txt")]
    for path in (course.root / "feedback").rglob("*"):
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


def test_the_batch_goes_on_and_honest_students_keep_their_points(attacked):
    course, result, feedback, *_ = attacked
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert feedback.returncode == 0, feedback.stdout[-2000:] + feedback.stderr[-2000:]
    totals = _totals(course)
    assert totals["sage"] == 3
    for student in ("remonte", "survivant", "lecteur", "bombe", "disque", "tueur"):
        assert totals[student] == 3, student  # the attack failed; the right answer counts


def test_a_pickle_sent_to_the_workers_is_refused_not_run(attacked):
    course, result, _, _, _, marker, _ = attacked
    assert not marker.exists()
    flags = _flags(result, "cornichon")
    assert "canal de correction" in flags and "gc.get_objects" in flags
    assert _totals(course)["cornichon"] == 1  # the cell that sent it died; the rest ran


def test_nothing_outside_the_sandbox_is_written(attacked):
    course, _, _, before, home, marker, _ = attacked
    assert _digest(course.submitted_dir) == before["submitted"]
    assert _digest(course.root / "source") == before["source"]
    assert not marker.exists()  # no unpickled code ran in the workers
    assert not (home / ".local").exists()
    with sqlite3.connect(course.root / "gradebook.db") as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_the_confinement_cannot_be_undone(attacked):
    course = attacked[0]
    out = _outputs(course, "remonte")
    assert "remount -1" in out and "umount -1" in out and "unshare -1" in out
    assert "gradebook False" in out


def test_no_process_outlives_the_batch(attacked):
    assert attacked[6] == b""


def test_no_secret_reaches_any_output_or_feedback(attacked):
    course = attacked[0]
    out = _outputs(course, "lecteur")
    for path in _secret_paths(course, attacked[4]):
        assert f"{path} FileNotFoundError" in out  # not in the sandbox at all
    shown = _everything_shown(course)
    for secret in (HIDDEN, SOLUTION, ENV_SECRET, HOME_SECRET):
        assert secret not in shown, secret
    # the neighbour's canary is in their own notebook and feedback, nowhere else
    holders = {
        p.parts[-3] for p in course.autograded_dir.rglob("*.ipynb") if NEIGHBOUR in p.read_text()
    }
    assert holders == {"sage"}
    assert all(NEIGHBOUR not in _outputs(course, s) for s in ("lecteur", "historique"))


def test_hidden_tests_do_not_leak_through_history_linecache_or_the_file(attacked):
    course, result, *_ = attacked
    assert HIDDEN not in _outputs(course, "historique")
    assert _totals(course)["historique"] == 3


def test_reading_the_callers_frame_is_flagged(attacked):
    course, result, *_ = attacked
    assert "sys._getframe" in _flags(result, "cadres")
    assert HIDDEN not in _outputs(course, "cadres")  # the frame's code has no source


@pytest.mark.parametrize(
    ("student", "named"),
    [
        ("transformeur", "input_transformers_post"),
        ("muet", "custom_exceptions"),
        ("menteur", "redéfinit =="),
        ("remplacant", "exercises.answers.get"),
        ("remplacant", "builtins.AssertionError"),
        ("faussaire", "canal de correction"),
    ],
)
def test_faking_a_pass_scores_nothing_or_is_flagged(attacked, student, named):
    course, result, *_ = attacked
    flags = _flags(result, student)
    assert named in flags, result.stdout[-4000:]
    if student != "menteur":  # the tests ran as written: the wrong answer scores 1 of 3
        assert _totals(course)[student] == 1


def test_the_flooding_attacks_hit_their_budget(attacked):
    course = attacked[0]
    assert "refusé" in _outputs(course, "bombe")
    assert "refusé" in _outputs(course, "disque")


def _messages(course: Course, student: str) -> str:
    return (course.autograded_dir / student / ASSIGNMENT / "messages-correction.txt").read_text(
        "utf-8"
    )


def test_a_submission_over_its_memory_budget_loses_that_cell_only(attacked):
    course, result, *_ = attacked
    assert "tous ses processus ensemble" in _outputs(
        course, "gourmand"
    )  # the budget, not one rlimit
    assert "mémoire" in _messages(course, "gourmand")
    assert _totals(course)["gourmand"] == 1  # its answer cell died; the other answer counts


def test_what_a_function_prints_during_a_test_is_withheld(attacked):
    course, *_ = attacked
    nb = nbformat.read(course.autograded_dir / "bavard" / ASSIGNMENT / "exercice.ipynb", 4)
    test_outputs = json.dumps([nb.cells[i].outputs for i in (2, 3)], ensure_ascii=False)
    assert TOLD not in test_outputs and "n'est pas montré" in test_outputs
    assert TOLD not in _outputs(course, "bavard")  # the answer cell does not call it
    assert _totals(course)["bavard"] == 3  # printing is not failing


@pytest.mark.parametrize(
    ("student", "total", "named"),
    [
        ("desactive", 1, "test-1 (notée"),
        ("gonfle", 3, "test-2 (points)"),
        ("bonus", 1, "bonus (métadonnées inconnues"),
        ("renomme", 1, "test-1-autre (métadonnées inconnues"),
        ("mutant", 1, "test-1 (type de cellule)"),
    ],
)
def test_grading_metadata_comes_from_the_release(attacked, student, total, named):
    course, result, *_ = attacked
    assert named in _flags(result, student), _flags(result, student)
    assert named in _messages(course, student)
    assert _totals(course)[student] == total
    with Gradebook(course.db_url, str(course.config.CourseDirectory.course_id)) as gb:
        cells = gb.find_notebook("exercice", ASSIGNMENT).grade_cells
        assert {cell.name: cell.max_score for cell in cells} == {
            "test-1": 1,
            "test-cache": 1,
            "test-2": 1,
        }
        assert gb.find_submission(ASSIGNMENT, student).max_score == 3


def test_a_symbolic_link_is_reported_and_never_followed(attacked):
    course, result, *_ = attacked
    assert "symbolic links ignored: exercice.ipynb, voisin.txt" in _flags(result, "lien")
    assert _totals(course)["lien"] == 0  # the neighbour's notebook was not graded as theirs
    graded = course.autograded_dir / "lien" / ASSIGNMENT
    assert not (graded / "voisin.txt").exists()
    assert all(NEIGHBOUR not in p.read_text("utf-8", "replace") for p in graded.rglob("*"))


def _live_script(html: str) -> list[str]:
    """Where the canary could run in a browser: a script, an event handler, a js: URL."""
    from bs4 import BeautifulSoup

    found = []
    for element in BeautifulSoup(html, "lxml").find_all(True):
        if element.name == "script" and SCRIPT in element.get_text():
            found.append("script")
        for attribute, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if SCRIPT in text and (attribute.startswith("on") or "javascript:" in text):
                found.append(f"{element.name}[{attribute}]")
    return found


def test_what_the_instructor_opens_runs_no_student_script(attacked):
    from nbconvert import HTMLExporter

    course, result, *_ = attacked
    assert "active HTML neutralised" in _flags(result, "pirate")
    graded = course.autograded_dir / "pirate" / ASSIGNMENT / "exercice.ipynb"
    for template in ("lab", "classic"):  # how formgrader and JupyterLab's export show it
        page, _ = HTMLExporter(template_name=template).from_filename(str(graded))
        assert _live_script(page) == [], template
    pages = list((course.root / "feedback" / "pirate").rglob("*.html"))
    assert pages and all(_live_script(p.read_text("utf-8")) == [] for p in pages)
    assert _totals(course)["pirate"] == 3
