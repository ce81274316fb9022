"""`course grade` against `nbgrader autograde`, and what it does with hostile or broken work.

The reference is nbgrader itself, run as an instructor runs it (`nbgrader autograde`), on
a copy of the same course with the same submissions.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from grader.build.release import build
from grader.course import Course
from grader.demo import scratch_course
from grader.grade.autograde import auto_scores
from tests.conftest import REPO, nbgrader_meta, python_notebook, run_course

pytestmark = pytest.mark.integration

SAMPLES = REPO / "tests" / "fixtures" / "submissions" / "01-cluetrain"
ASSIGNMENT = "01-cluetrain"


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _notebook(student: str) -> dict:
    return json.loads((SAMPLES / student / "exercice.ipynb").read_text("utf-8"))


def _cell(nb: dict, grade_id: str) -> dict:
    return next(
        c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id
    )


def _mangled() -> dict[str, dict[str, bytes]]:
    """Extra submissions (student → file name → bytes) beyond the shipped samples."""
    duplicated = _notebook("chloe")
    index = duplicated["cells"].index(_cell(duplicated, "partie-b1-reponse"))
    duplicated["cells"].insert(index, json.loads(json.dumps(duplicated["cells"][index])))
    foreign = _notebook("amelie")
    foreign["metadata"]["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    nul = _notebook("chloe")
    _cell(nul, "partie-b2-reponse")["source"] = "def profondeur_max(m):\n    return 0\x00\n"
    tampered = _notebook("bastien")
    _cell(tampered, "partie-b1-test")["source"] = "# toujours juste\npass\n"
    as_bytes = {
        name: json.dumps(nb).encode()
        for name, nb in {
            "duplique": duplicated,
            "noyau-r": foreign,
            "nul": nul,
            "triche": tampered,
        }.items()
    }
    return {
        **{student: {"exercice.ipynb": data} for student, data in as_bytes.items()},
        "copie": {"Copie de exercice.ipynb": (SAMPLES / "amelie" / "exercice.ipynb").read_bytes()},
        "vide": {"exercice.ipynb": b""},
    }


@pytest.fixture(scope="module")
def twin_courses(tmp_path_factory) -> tuple[Course, Course, dict[str, str]]:
    """The same course and submissions graded once by nbgrader, once by `course grade`."""
    base = scratch_course(Course.load(REPO), tmp_path_factory.mktemp("twins") / "base")
    build(base, [ASSIGNMENT])
    for student in sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()):
        shutil.copytree(SAMPLES / student, base.submitted_dir / student / ASSIGNMENT)
    for student, files in _mangled().items():
        folder = base.submitted_dir / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    before = _digest(base.submitted_dir)
    roots = {}
    for name in ("nbgrader", "course"):
        roots[name] = base.root.parent.parent / name
        shutil.copytree(base.root, roots[name])
    # nbgrader's own autograde, one student at a time: run on the whole batch it stops at
    # the first badly mangled notebook (here "duplique") and grades no one after it
    reference = Course.load(roots["nbgrader"])
    api = reference.api()
    refused = {
        student
        for student in sorted(p.name for p in reference.submitted_dir.iterdir())
        if not api.autograde(ASSIGNMENT, student, force=True, create=True)["success"]
    }
    graded = run_course("grade", ASSIGNMENT, cwd=roots["course"])
    assert graded.returncode == 0, graded.stdout[-3000:] + graded.stderr[-3000:]
    assert _digest(roots["course"] / "submitted") == before, "submitted/ was modified"
    return reference, Course.load(roots["course"]), {"stdout": graded.stdout, "refused": refused}


#: Where we differ from nbgrader on purpose: deleted test cells are restored and run
#: (nbgrader leaves them without a score).
BY_DESIGN = {"florian"}


def test_same_score_as_nbgrader_for_every_cell(twin_courses):
    theirs_course, ours_course, out = twin_courses
    theirs = auto_scores(theirs_course, ASSIGNMENT)
    ours = auto_scores(ours_course, ASSIGNMENT)
    graded_by_nbgrader = {s for (s, _, _), score in theirs.items() if score is not None}
    graded_by_nbgrader -= out["refused"]
    # nbgrader fails these four outright; we grade or report each (next test)
    assert out["refused"] == {"elodie", "vide", "duplique", "copie"}
    # right, wrong, partial, erroring, untouched, and mangled ones nbgrader copes with
    assert {
        "amelie",
        "bastien",
        "chloe",
        "dimitri",
        "gaelle",
        "noyau-r",
        "nul",
        "triche",
    } <= graded_by_nbgrader
    compared = {k: v for k, v in theirs.items() if k[0] in graded_by_nbgrader - BY_DESIGN}
    assert len(compared) >= 7 * 4
    assert {k: ours.get(k) for k in compared} == compared


def test_what_nbgrader_cannot_grade_is_reported_not_crashed(twin_courses):
    _, ours_course, out = twin_courses
    messages = {
        student: (
            ours_course.autograded_dir / student / ASSIGNMENT / "messages-correction.txt"
        ).read_text("utf-8")
        for student in ("elodie", "vide", "copie", "triche", "florian")
    }
    assert "JSON est abîmé" in messages["elodie"]
    assert "est vide" in messages["vide"]
    assert "Copie de exercice.ipynb" in messages["copie"]
    assert "partie-b1-test" in messages["triche"] and "lecture seule" in messages["triche"]
    assert "rétablies" in messages["florian"]
    # nbgrader aborts on the duplicated cell; we grade it (chloe's answers: 4 points)
    duplicated = sum(
        v or 0 for (s, _, _), v in auto_scores(ours_course, ASSIGNMENT).items() if s == "duplique"
    )
    assert duplicated == 4.0
    scores = auto_scores(ours_course, ASSIGNMENT)
    assert sum(v or 0 for (s, _, _), v in scores.items() if s == "copie") == 7.0
    assert sum(v or 0 for (s, _, _), v in scores.items() if s == "triche") == 0.0
    assert "failed  elodie" in out["stdout"] and "failed  vide" in out["stdout"]
    assert "flagged triche: exercice.ipynb: read-only cells edited: partie-b1-test" in out["stdout"]


def test_feedback_from_our_grading_hides_hidden_tests(twin_courses):
    _, ours_course, _ = twin_courses
    result = run_course("feedback", ASSIGNMENT, cwd=ours_course.root)
    assert result.returncode == 0, result.stderr
    pages = list(ours_course.feedback_dir.glob(f"*/{ASSIGNMENT}/exercice.html"))
    assert len(pages) >= 9
    for page in pages:
        html = page.read_text("utf-8")
        for secret in ("cle_a", "fil_cache", "BEGIN HIDDEN"):
            assert secret not in html, (page, secret)


def test_regrading_keeps_manual_grades_and_makes_no_duplicates(twin_courses):
    _, course, _ = twin_courses
    with Gradebook(course.db_url) as gb:
        grade = gb.find_grade("partie-c", "exercice", ASSIGNMENT, "amelie")
        grade.manual_score = 3.5
        gb.db.commit()
    again = run_course("grade", ASSIGNMENT, "amelie", "chloe", cwd=course.root)
    assert again.returncode == 0, again.stderr
    with Gradebook(course.db_url) as gb:
        assert gb.find_grade("partie-c", "exercice", ASSIGNMENT, "amelie").score == 3.5
        assert gb.find_submission(ASSIGNMENT, "amelie").score == 10.5
        submissions = gb.find_assignment(ASSIGNMENT).submissions
        assert len(submissions) == len({s.student.id for s in submissions}) == 13


def test_a_batch_killed_halfway_completes_when_run_again(tmp_path):
    course = scratch_course(Course.load(REPO), tmp_path)
    build(course, [ASSIGNMENT])
    for number in range(12):
        shutil.copytree(SAMPLES / "amelie", course.submitted_dir / f"e{number:02d}" / ASSIGNMENT)
    command = [str(Path(sys.executable).parent / "course"), "grade", ASSIGNMENT]
    first = subprocess.Popen(
        command,
        cwd=course.root,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(
        course.autograded_dir.glob("*/*/exercice.ipynb")
    ):
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    again = run_course("grade", ASSIGNMENT, cwd=course.root)
    assert again.returncode == 0, again.stderr
    scores = auto_scores(course, ASSIGNMENT)
    totals = {}
    for (student, _, _), score in scores.items():
        totals[student] = totals.get(student, 0) + (score or 0)
    assert totals == {f"e{number:02d}": 7.0 for number in range(12)}
    with sqlite3.connect(course.root / "gradebook.db") as db:
        assert db.execute("select count(*) from submitted_assignment").fetchone()[0] == 12


# --------------------------------------------------------------------------- the limits

LIMITS_ASSIGNMENT = "99-limites"


def _limits_source() -> nbformat.NotebookNode:
    nb = python_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Limites", metadata=nbgrader_meta("intro", locked=True)),
        nbformat.v4.new_code_cell(
            "def premiere():\n    ### BEGIN SOLUTION\n    return 42\n    ### END SOLUTION",
            metadata=nbgrader_meta("reponse-1", solution=True),
        ),
        nbformat.v4.new_code_cell(
            "assert premiere() == 42",
            metadata=nbgrader_meta("test-1", grade=True, locked=True, points=1),
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


def _hostile(course: Course, port: int) -> dict[str, str]:
    """Student → what they put before a correct `premiere` in the first answer cell."""
    victim = course.submitted_dir / "sage" / LIMITS_ASSIGNMENT / "exercice.ipynb"
    return {
        "sage": "",
        "boucle": "while True:\n    pass\n",
        "tetu": "import time\nwhile True:\n    try:\n        time.sleep(5)\n"
        "    except KeyboardInterrupt:\n        pass\n",
        "memoire": "tas = bytearray(3 * 1024 ** 3)\n",
        "suicide": "import os\nos._exit(3)\n",  # (a SIGKILL to itself is a no-op: it is PID 1)
        "bavard": "for i in range(300_000):\n    print('ligne', i)\n",
        "reseau": f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)\n",
        "carnet": f"open({str(course.root / 'gradebook.db')!r}, 'ab').write(b'x')\n",
        "voisin": f"open({str(victim)!r}, 'w').write('{{}}')\n",
    }


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    import socketserver
    import threading

    connections = []

    class Recorder(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            connections.append(self.client_address)

    server = socketserver.TCPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = tmp_path_factory.mktemp("limits")
    config = (REPO / "nbgrader_config.py").read_text("utf-8")
    config += (
        "\nc.Execute.timeout = 3\nc.CourseGrader.memory_mb = 512\n"
        "c.CourseGrader.output_chars = 20000\n"
    )
    (root / "nbgrader_config.py").write_text(config, encoding="utf-8")
    (root / "source" / LIMITS_ASSIGNMENT).mkdir(parents=True)
    nbformat.write(_limits_source(), root / "source" / LIMITS_ASSIGNMENT / "exercice.ipynb")
    course = Course.load(root)
    build(course, [LIMITS_ASSIGNMENT])
    released = nbformat.read(root / "release" / LIMITS_ASSIGNMENT / "exercice.ipynb", 4)
    for student, code in _hostile(course, server.server_address[1]).items():
        nb = nbformat.from_dict(json.loads(json.dumps(released)))
        nb.cells[1].source = code + "def premiere():\n    return 42\n"
        nb.cells[3].source = "def seconde():\n    return 7\n"
        folder = course.submitted_dir / student / LIMITS_ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "exercice.ipynb")
    before = _digest(course.submitted_dir)
    started = time.monotonic()
    result = run_course("grade", LIMITS_ASSIGNMENT, cwd=root)
    elapsed = time.monotonic() - started
    server.shutdown()
    return course, result, connections, before, elapsed


def _messages(course: Course, student: str) -> str:
    return (
        course.autograded_dir / student / LIMITS_ASSIGNMENT / "messages-correction.txt"
    ).read_text("utf-8")


def _totals(course: Course) -> dict[str, float]:
    totals: dict[str, float] = {}
    for (student, _, _), score in auto_scores(course, LIMITS_ASSIGNMENT).items():
        totals[student] = totals.get(student, 0) + (score or 0)
    return totals


def test_limits_cost_only_the_points_they_break(limited):
    course, result, _, _, elapsed = limited
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert _totals(course) == {
        "sage": 2,
        "bavard": 2,  # a flood of output is cut, not punished
        "boucle": 1,
        "tetu": 1,
        "memoire": 1,
        "suicide": 1,
        "reseau": 1,
        "carnet": 1,
        "voisin": 1,
    }
    assert elapsed < 120  # two 3-second timeouts, not a hung batch


@pytest.mark.parametrize(
    ("student", "phrase"),
    [
        ("boucle", "temps maximal"),
        ("tetu", "temps maximal"),
        ("memoire", "mémoire autorisée"),
        ("suicide", "arrêté le processus"),
        ("bavard", "trop de texte"),
    ],
)
def test_each_limit_is_explained_to_the_student(limited, student, phrase):
    course = limited[0]
    assert phrase in _messages(course, student)


def test_student_code_gets_no_network(limited):
    course, _, connections, _, _ = limited
    assert connections == []
    assert "test-1 : test échoué" in _messages(course, "reseau")


def test_student_code_cannot_write_the_gradebook_or_other_students_files(limited):
    course, _, _, before, _ = limited
    assert _digest(course.submitted_dir) == before
    with sqlite3.connect(course.root / "gradebook.db") as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    for student in ("carnet", "voisin"):
        nb = nbformat.read(
            course.autograded_dir / student / LIMITS_ASSIGNMENT / "exercice.ipynb", 4
        )
        errors = [o for o in nb.cells[1].outputs if o.output_type == "error"]
        # the course is not even visible in the sandbox (see tests/security/)
        assert errors and errors[0].ename == "FileNotFoundError", student


def test_flooded_output_is_cut_in_the_graded_notebook(limited):
    course = limited[0]
    path = course.autograded_dir / "bavard" / LIMITS_ASSIGNMENT / "exercice.ipynb"
    assert path.stat().st_size < 200_000
