"""Students attack each other through the hub's exchange, as real Linux accounts.

One term per exchange, with nbgrader's own commands run as the accounts (``runuser``):
the instructor releases, ana and ben fetch and submit, ben tries to hand in a wrong answer
in ana's name, the instructor collects, autogrades, releases feedback, ana fetches hers.
Then ben tries to read ana's submission, her feedback and her nbgrader cache, and to
delete her submission. Against the course's private exchange (``hub/nbgrader_config.py``)
every attack fails; against nbgrader's default exchange each attack succeeds, which the
same tests show as strict xfails (so each test can fail). Needs root (skipped otherwise).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.utils import parse_utc

from tests.conftest import REPO, nbgrader_meta, python_notebook
from tests.hub import TOOLS, home, make_accounts, make_python_reachable, run_as, skip_unless_root

pytestmark = pytest.mark.integration

PROF, ANA, BEN = "exprof", "exana", "exben"
BACKDATED = "2025-01-06 08:00:00.000000 UTC"
SECRET = "corrigé du formateur : answer = 1"
COURSE = "communautes-en-ligne"
NBGRADER = str(TOOLS / "nbgrader")
DEFAULT_CONFIG = (  # nbgrader's default exchange, as its documentation sets it up
    "import os\nc = get_config()\n"
    f'c.CourseDirectory.course_id = "{COURSE}"\n'
    'c.Exchange.root = os.environ["NBGRADER_EXCHANGE"]\n'
)


def _assignment() -> nbformat.NotebookNode:
    solution = nbformat.v4.new_code_cell(
        "### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION",
        metadata=nbgrader_meta("answer", solution=True),
    )
    test = nbformat.v4.new_code_cell(
        "assert answer == 1", metadata=nbgrader_meta("test", grade=True, locked=True, points=1)
    )
    return python_notebook([solution, test])


class Term:
    """The exchange of one kind, its accounts' commands, and where things landed."""

    def __init__(self, kind: str, base: Path) -> None:
        self.kind, self.base = kind, base
        self.exchange = base / "exchange"
        self.course = home(PROF) / f"cours-{kind}"
        config = base / "config"
        config.mkdir()
        text = (REPO / "hub" / "nbgrader_config.py").read_text() if kind == "private" else ""
        (config / "nbgrader_config.py").write_text(text or DEFAULT_CONFIG)
        self.env = {"JUPYTER_CONFIG_PATH": str(config), "NBGRADER_EXCHANGE": str(self.exchange)}
        os.chmod(config, 0o755)

    def nbgrader(self, user: str, *args: str, cwd: Path | None = None, ok: bool = True):
        """``nbgrader ARGS`` as ``user``; fails the test with its output unless ``ok`` is False."""
        done = run_as(user, NBGRADER, *args, cwd=cwd, env=self.env)
        if ok:
            assert done.returncode == 0, f"{args} as {user}:\n{done.stdout}\n{done.stderr}"
        return done

    def python(self, user: str, code: str) -> subprocess.CompletedProcess:
        return run_as(user, sys.executable, "-c", code, env=self.env)

    def inbound(self, student: str) -> str:
        """Path of ``student``'s submission in the exchange (found by root, given to ben)."""
        pattern = f"{student}/{student}+ps1+*" if self.kind == "private" else f"{student}+ps1+*"
        uid = pwd.getpwnam(student).pw_uid  # not ben's forgery in her name
        (path,) = [
            path
            for path in glob.glob(str(self.exchange / COURSE / "inbound" / pattern))
            if os.stat(path).st_uid == uid
        ]
        return path

    def feedback(self) -> list[str]:
        return glob.glob(str(self.exchange / COURSE / "feedback" / "**" / "*.html"), recursive=True)


def _set_up(kind: str, base: Path) -> Term:
    term = Term(kind, base)
    if kind == "private":
        subprocess.run(
            [sys.executable, "-m", "grader.exchange.setup", "--root", str(term.exchange),
             "--course", COURSE, "--instructor", PROF, "--students", f"{ANA},{BEN}"],
            check=True, capture_output=True,
        )  # fmt: skip
    else:  # nbgrader's documented setup; useradd's world-readable homes
        term.exchange.mkdir()
        os.chmod(term.exchange, 0o1777)
        for user in (PROF, ANA, BEN):
            os.chmod(home(user), 0o755)
    shutil.rmtree(term.course, ignore_errors=True)
    run_as(PROF, "mkdir", "-p", str(term.course / "source" / "ps1"))
    notebook = term.course / "source" / "ps1" / "ps1.ipynb"
    nbformat.write(_assignment(), notebook)
    shutil.chown(notebook, PROF, PROF)
    return term


def _hand_in(term: Term, student: str, answer: str) -> None:
    work = home(student) / f"travail-{term.kind}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(home(student) / ".local" / "share" / "jupyter", ignore_errors=True)
    run_as(student, "mkdir", "-p", str(work))
    term.nbgrader(student, "fetch_assignment", "ps1", cwd=work)
    path = work / "ps1" / "ps1.ipynb"
    run_as(student, sys.executable, "-c", _answer_code(path, answer))
    term.nbgrader(student, "submit", "ps1", cwd=work)


def _answer_code(path: Path, answer: str) -> str:
    """Python that writes ``answer`` into the notebook's solution cell, as its owner."""
    return (
        "import nbformat\n"
        f"nb = nbformat.read({str(path)!r}, 4)\n"
        f"nb.cells[0].source = {answer!r}\n"
        f"nbformat.write(nb, {str(path)!r})\n"
    )


def _forge(term: Term) -> None:
    """Ben hands in a wrong answer as ana, every way his account allows."""
    work = home(BEN) / f"travail-{term.kind}"
    path = work / "ps1" / "ps1.ipynb"
    run_as(BEN, sys.executable, "-c", _answer_code(path, "answer = 0  # par ben"))
    term.submit_as_ana = term.nbgrader(BEN, "submit", "ps1", "--student", ANA, cwd=work, ok=False)
    if term.kind == "private":  # a folder named for ana, in his own inbound folder
        own = term.exchange / COURSE / "inbound" / BEN / f"{ANA}+ps1+2099-01-01 00:00:00.000000 UTC"
        run_as(BEN, "cp", "-r", str(work / "ps1"), str(own))


def _backdate(term: Term) -> None:
    """Ben makes his hand-in look a year older: its name and its ``timestamp.txt``."""
    real = Path(term.inbound(BEN))
    _, assignment, _, *rest = real.name.split("+")
    old = "+".join([BEN, assignment, BACKDATED, *rest])
    script = (
        "import os, sys\n"
        "real, old = sys.argv[1], sys.argv[2]\n"
        "os.rename(real, old)\n"
        f"open(os.path.join(old, 'timestamp.txt'), 'w').write({BACKDATED!r})\n"
    )
    done = run_as(BEN, sys.executable, "-c", script, str(real), str(real.with_name(old)))
    assert done.returncode == 0, done.stderr


def _collect_aside(
    term: Term, name: str, *options: str
) -> tuple[Path, subprocess.CompletedProcess]:
    """``nbgrader collect ps1`` as the instructor into a course folder of its own.

    The term's course (and what the other tests read from it) stays as the first collect
    left it; each later attack is judged on what this collect made of it.
    """
    root = home(PROF) / f"aside-{term.kind}-{name}"
    run_as(PROF, "rm", "-rf", str(root))
    run_as(PROF, "mkdir", "-p", str(root))
    done = term.nbgrader(PROF, "collect", "ps1", "--student", BEN, *options, cwd=root, ok=False)
    return root, done


def _ben_folder(term: Term) -> Path:
    inbound = term.exchange / COURSE / "inbound"
    return inbound / BEN if term.kind == "private" else inbound


def _smuggle_through_a_link(term: Term) -> None:
    """Ben hands in a link to a file only the instructor can read; collect runs as them.

    Followed, the link would copy the instructor's file into ben's submission, and
    feedback would carry it back to him.
    """
    secret = home(PROF) / f"corrige-{term.kind}.txt"
    secret.write_text(SECRET, encoding="utf-8")
    shutil.chown(secret, PROF, PROF)
    os.chmod(secret, 0o600)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    folder = _ben_folder(term) / f"{BEN}+ps1+{stamp}"
    script = (
        "import os, sys\n"
        "folder, secret, stamp = sys.argv[1:]\n"
        "os.mkdir(folder)\n"
        "os.symlink(secret, os.path.join(folder, 'ps1.ipynb'))\n"
        "open(os.path.join(folder, 'timestamp.txt'), 'w').write(stamp)\n"
    )
    done = run_as(BEN, sys.executable, "-c", script, str(folder), str(secret), stamp)
    assert done.returncode == 0, done.stderr
    term.link_collect = _collect_aside(term, "link")
    run_as(BEN, "rm", "-rf", str(folder))  # he takes it back; the next attack is another


def _edit_after_handing_in(term: Term) -> None:
    """Ben hands in, then rewrites his notebook in place (no rename) seconds later.

    The instructor's collect allows one second between a hand-in's name and its files
    (five minutes in real use), so two seconds are an edit after the hand-in.
    """
    work = home(BEN) / f"travail-{term.kind}"
    term.nbgrader(BEN, "submit", "ps1", cwd=work)
    (latest,) = [
        path
        for path in sorted(_ben_folder(term).glob(f"{BEN}+ps1+*"))
        if BACKDATED not in path.name
    ][-1:]
    term.edit_named = parse_utc(latest.name.split("+")[2])
    time.sleep(2)
    notebook = latest / "ps1.ipynb"
    run_as(BEN, sys.executable, "-c", _answer_code(notebook, "answer = 1  # corrigé après coup"))
    term.edit_collect = _collect_aside(term, "edit", "--PrivateCollect.clock_slack_seconds=1")


def _grade_and_give_feedback(term: Term) -> None:
    term.collect = term.nbgrader(PROF, "collect", "ps1", "--update", cwd=term.course, ok=False)
    for step in ("autograde", "generate_feedback", "release_feedback"):
        term.nbgrader(PROF, step, "ps1", cwd=term.course)
    term.nbgrader(ANA, "fetch_feedback", "ps1", cwd=home(ANA) / f"travail-{term.kind}")


@pytest.fixture(scope="module", params=["private", "default"])
def term(request) -> Iterator[Term]:
    skip_unless_root()
    make_python_reachable()
    make_accounts([PROF, ANA, BEN], "inutilise-7")
    # Not under pytest's basetemp (0700, and pruned by other pytest sessions of root).
    with tempfile.TemporaryDirectory(prefix=f"exchange-{request.param}-") as base:
        os.chmod(base, 0o755)
        yield _term(request.param, Path(base))


def _term(kind: str, base: Path) -> Term:
    term = _set_up(kind, base)
    term.nbgrader(PROF, "generate_assignment", "ps1", "--force", cwd=term.course)
    term.nbgrader(PROF, "release_assignment", "ps1", "--force", cwd=term.course)
    _hand_in(term, ANA, "answer = 1  # par ana")
    _hand_in(term, BEN, "answer = 1  # par ben")
    _forge(term)
    _backdate(term)
    _grade_and_give_feedback(term)
    _smuggle_through_a_link(term)
    _edit_after_handing_in(term)
    return term


@pytest.fixture
def attack(request, term) -> Term:
    """The term; on nbgrader's default exchange the attack is expected to succeed."""
    if term.kind == "default":
        request.applymarker(
            pytest.mark.xfail(
                strict=True, raises=AssertionError, reason="default exchange allows it"
            )
        )
    return term


def _denied(done: subprocess.CompletedProcess) -> bool:
    return done.returncode != 0 and "PermissionError" in done.stderr


def test_ana_submits_and_fetches_her_feedback_with_nbgraders_commands(attack):
    """On the default exchange ben's forgery replaced her submission: no feedback for her."""
    term = attack
    fetched = glob.glob(
        str(home(ANA) / f"travail-{term.kind}" / "ps1" / "feedback" / "*" / "*.html")
    )
    assert fetched, "ana fetched no feedback"
    listed = term.nbgrader(ANA, "list", "--cached", cwd=home(ANA) / f"travail-{term.kind}")
    assert "feedback already fetched" in listed.stdout + listed.stderr


def test_ben_cannot_read_anas_submission(attack):
    done = attack.python(BEN, f"print(open({attack.inbound(ANA) + '/ps1.ipynb'!r}).read())")
    assert _denied(done), done.stdout[:300]


def test_ben_cannot_list_or_read_anas_feedback(attack):
    (path,) = [p for p in attack.feedback() if ANA in p or attack.kind == "default"][:1]
    listing = attack.python(BEN, f"import os; print(os.listdir({os.path.dirname(path)!r}))")
    reading = attack.python(BEN, f"print(open({path!r}).read()[:100])")
    assert _denied(listing) and _denied(reading), listing.stdout + reading.stdout


def test_ben_cannot_read_anas_nbgrader_cache(attack):
    secrets = glob.glob(
        str(home(ANA) / ".local/share/jupyter/nbgrader_cache/*/*/submission_secret.txt")
    )
    done = attack.python(BEN, f"print(open({secrets[0]!r}).read())")
    assert _denied(done), done.stdout


def test_ben_cannot_hand_in_as_ana(attack):
    submitted = attack.course / "submitted" / ANA / "ps1" / "ps1.ipynb"
    assert "par ana" in submitted.read_text()
    with Gradebook(f"sqlite:///{attack.course / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("ps1", ANA).score == 1


def test_a_forgery_is_refused_at_collect_in_one_line(term):
    if term.kind == "default":
        pytest.skip("the default exchange only warns (CollectApp.check_owner)")
    refused = [line for line in term.collect.stderr.splitlines() if "Refused" in line]
    assert len(refused) == 1, term.collect.stderr
    assert f"{BEN}/{ANA}+ps1" in refused[0] and "named for another student" in refused[0]


def test_ben_cannot_delete_anas_submission(attack):
    target = attack.inbound(ANA)
    done = attack.python(BEN, f"import shutil; shutil.rmtree({target!r})")
    assert _denied(done) and os.path.isdir(target)


def test_ben_cannot_backdate_his_hand_in(attack):
    """Counted from when his files last changed (their ctime), which no one can set back."""
    stamp = (attack.course / "submitted" / BEN / "ps1" / "timestamp.txt").read_text()
    assert parse_utc(stamp) > datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    with Gradebook(f"sqlite:///{attack.course / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission("ps1", BEN).timestamp.year > 2025
    corrected = [line for line in attack.collect.stderr.splitlines() if "Corrected" in line]
    assert len(corrected) == 1 and BEN in corrected[0], attack.collect.stderr


def test_submit_refuses_another_students_name(term):
    if term.kind == "default":
        pytest.skip("nbgrader's submit ignores --student: it hands in under the account's name")
    done = term.submit_as_ana
    assert done.returncode != 0, done.stdout
    assert f"qu'en votre nom ({BEN}), pas {ANA}" in done.stdout + done.stderr


def test_ben_cannot_smuggle_the_instructors_file_through_a_link(attack):
    """Refused at collect: nothing of the instructor's file reaches ben's submission."""
    root, done = attack.link_collect
    collected = root / "submitted" / BEN / "ps1" / "ps1.ipynb"
    assert not (collected.is_file() and SECRET in collected.read_text(errors="replace"))
    refused = [line for line in done.stderr.splitlines() if "Refused" in line]
    assert any("symbolic link" in line for line in refused), done.stderr


def test_an_edit_after_the_hand_in_counts_from_the_edit(attack):
    """No rename, no timestamp.txt: only the notebook changed, two seconds later."""
    root, done = attack.edit_collect
    stamp = parse_utc((root / "submitted" / BEN / "ps1" / "timestamp.txt").read_text())
    assert stamp - attack.edit_named >= timedelta(seconds=1.5), done.stderr
    assert "corrigé après coup" in (root / "submitted" / BEN / "ps1" / "ps1.ipynb").read_text()
