"""The gradebook on a real PostgreSQL server through nbgrader's db_url: collect → grade → export.

The server is a throwaway cluster (initdb + pg_ctl from Debian's ``postgresql`` package,
which scripts/test.sh installs) in a temporary folder, listening on a free port of
127.0.0.1 with a password. PostgreSQL refuses to run as root, so as root the server runs as
the ``postgres`` user the package creates (or ``nobody``).
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tests.lms import course_cli, course_copy, moodle_zip, write_map
from tests.servers import free_port

pytestmark = pytest.mark.integration

INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
needs_server = pytest.mark.skipif(
    not INITDB,
    reason="PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
    "install Debian's postgresql package, as scripts/test.sh does",
)
STUDENTS = ["amelie", "bastien", "chloe"]


@dataclass
class Server:
    """A running throwaway cluster."""

    host: str
    port: int
    user: str
    password: str

    def url(self, database: str) -> str:
        return (
            f"postgresql+psycopg2://{self.user}:{self.password}@{self.host}:{self.port}/{database}"
        )

    def _connect(self, database: str):
        import psycopg2

        return psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=database,
        )

    def create_database(self, name: str) -> None:
        connection = self._connect("postgres")
        try:
            connection.autocommit = True  # CREATE DATABASE refuses to run in a transaction
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

    def query(self, database: str, sql: str) -> list[tuple]:
        connection = self._connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        finally:
            connection.close()


def _as_server_user(base: Path) -> list[str]:
    """The command prefix that runs the server unprivileged, after handing it ``base``."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.fail("running as root without runuser: cannot start PostgreSQL unprivileged")
    for name in ("postgres", "nobody"):
        try:
            account = pwd.getpwnam(name)
        except KeyError:
            continue
        for path in (base, *base.rglob("*")):
            os.chown(path, account.pw_uid, account.pw_gid)
        return [runuser, "-u", name, "--"]
    pytest.fail("running as root and no postgres or nobody user to run PostgreSQL as")


def _run(command: list[str], log: Path) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        pytest.fail(f"{' '.join(command[-4:])} failed:\n{result.stderr}\n{server_log}")


@pytest.fixture(scope="module")
def postgres() -> Iterator[Server]:
    bin_dir = Path(INITDB[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="course-pg-"))
    password = secrets.token_hex(12)
    (base / "password").write_text(password + "\n", encoding="utf-8")
    (base / "password").chmod(0o600)
    data, log, port = base / "data", base / "server.log", free_port()
    as_server = _as_server_user(base)
    pg_ctl = [*as_server, str(bin_dir / "pg_ctl"), "-D", str(data)]
    try:
        initdb = [*as_server, str(bin_dir / "initdb"), "-D", str(data), "-U", "course"]
        flags = f"--auth=scram-sha-256 --pwfile={base / 'password'} -E UTF8 --no-locale --no-sync"
        _run(initdb + flags.split(), log)
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} "
            f"-c unix_socket_directories={base} -c fsync=off"
        )
        _run([*pg_ctl, "-l", str(log), "-w", "-t", "60", "-o", options, "start"], log)
        yield Server("127.0.0.1", port, "course", password)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*pg_ctl, "-m", "fast", "-w", "stop"], capture_output=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


def _course_on(tmp_path: Path, db_url: str) -> Path:
    root = course_copy(tmp_path / "course", "01-cluetrain").root
    (root / "gradebook.db").unlink()  # the SQLite default must not be used
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(f"\nc.CourseDirectory.db_url = {db_url!r}\n")
    return root


@needs_server
def test_collect_grade_export_on_a_real_postgresql_server(postgres, tmp_path):
    postgres.create_database("gradebook")
    root = _course_on(tmp_path, postgres.url("gradebook"))
    download = moodle_zip(tmp_path / "moodle.zip", "01-cluetrain", STUDENTS)
    roster = write_map(tmp_path / "map.csv", STUDENTS)
    out = ["--out", str(tmp_path / "grades.csv"), "--moodle", str(tmp_path / "moodle.csv")]
    steps = [
        ["collect", "01-cluetrain", str(download), "--map", str(roster)],
        ["grade", "01-cluetrain"],
        ["export", "01-cluetrain", "--per-question", *out],
    ]
    for step in steps:
        result = course_cli(*step, cwd=root)
        assert result.returncode == 0, (step, result.stdout[-2000:], result.stderr[-2000:])
        if step[0] != "grade":  # the grade command's own summary is not this test's concern
            assert postgres.password not in result.stdout + result.stderr

    table = pd.read_csv(tmp_path / "grades.csv", encoding="utf-8-sig").set_index("student_id")
    assert table["score"].to_dict() == {"amelie": 7.0, "bastien": 0.0, "chloe": 4.0}
    assert table.loc["chloe", "partie-a-test"] == 2.0
    assert "Participant1003" in (tmp_path / "moodle.csv").read_text("utf-8")
    # the grades are in PostgreSQL, and nowhere else
    assert not (root / "gradebook.db").exists()
    rows = postgres.query("gradebook", "SELECT id, first_name FROM student ORDER BY id")
    assert rows == [("amelie", "Amélie"), ("bastien", "Bastien"), ("chloe", "Chloé")]
    submitted = postgres.query("gradebook", "SELECT count(*) FROM submitted_assignment")
    assert submitted == [(3,)]


def test_an_unreachable_database_is_one_line_without_the_password(tmp_path):
    root = _course_on(tmp_path, f"postgresql+psycopg2://course:s3cr3t@127.0.0.1:{free_port()}/x")
    download = moodle_zip(tmp_path / "moodle.zip", "01-cluetrain", ["amelie"])
    result = course_cli("collect", "01-cluetrain", str(download), cwd=root)
    assert result.returncode == 1
    assert "cannot open the gradebook postgresql+psycopg2://course:***@127.0.0.1" in result.stderr
    assert "s3cr3t" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (root / "submitted").exists()
