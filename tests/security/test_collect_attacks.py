"""A hostile LMS download, filed by the real ``collect`` (and once by ``course collect``).

Each test builds a download whose names, links, sizes or spellings attack the collect,
runs it on a scratch course, and checks the safe outcome: what is filed, the one report
line that names each refused file, and that nothing changed outside submitted/ (the
gradebook and lms/ apart, which collect writes), the download included. See
docs/security.md ("Collecting a download").
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import struct
import time
import tracemalloc
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from grader.collect import CollectReport, collect, load_identities
from grader.collect import archive as archive_module
from grader.course import Course, CourseError
from tests.lms import (
    PEOPLE,
    SAMPLES,
    add,
    course_cli,
    course_copy,
    digest,
    moodle_entry,
    moodle_zip,
    write_map,
)

pytestmark = pytest.mark.unit

ASSIGNMENT = "01-cluetrain"
#: What collect may change in the course: the submissions, the gradebook, the LMS ids.
WRITTEN = ("submitted", "gradebook.db", "lms")
GB = 2**30
MB = 2**20


def _sample(student: str) -> bytes:
    return (SAMPLES / ASSIGNMENT / student / "exercice.ipynb").read_bytes()


@pytest.fixture
def course(tmp_path) -> Course:
    return course_copy(tmp_path / "course", ASSIGNMENT)


@pytest.fixture
def canary(tmp_path) -> Path:
    """A folder beside the course that no download may reach."""
    folder = tmp_path / "canary"
    folder.mkdir()
    (folder / "secret.txt").write_text("CANARI-COLLECT-4b1e", encoding="utf-8")
    return folder


# -- what changed -----------------------------------------------------------------------------
def _tree(root: Path) -> dict[str, str]:
    """Every path under ``root`` with its kind and content, links never followed."""
    seen = {}
    for parent, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            path = Path(parent, name)
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                seen[key] = f"link to {os.readlink(path)}"
            elif path.is_dir():
                seen[key] = "folder"
            elif path.is_file():
                seen[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                seen[key] = "special"
    return seen


def _written_by_collect(key: str) -> bool:
    course_part = key.removeprefix("course/")
    return key.startswith("course/") and course_part.split("/")[0].startswith(WRITTEN)


@contextmanager
def _guarded(course: Course, download: Path) -> Iterator[None]:
    """Nothing outside submitted/ changes, the download neither; nothing filed is a link."""
    around = course.root.parent
    before, download_before = _tree(around), digest(download)
    yield
    after = _tree(around)
    changed = {
        key
        for key in before.keys() | after.keys()
        if before.get(key) != after.get(key) and not _written_by_collect(key)
    }
    assert changed == set(), changed
    assert digest(download) == download_before, "the download was modified"
    if course.submitted_dir.exists():
        links = [p for p in course.submitted_dir.rglob("*") if p.is_symlink()]
        assert links == [], links


def _collect(course: Course, download: Path, **options) -> CollectReport:
    with _guarded(course, download):
        return collect(course, ASSIGNMENT, download, **options)


def _reasons(report: CollectReport) -> dict[str, list[str]]:
    """Report source → details of its "not filed" lines."""
    found: dict[str, list[str]] = {}
    for line in report.lines:
        if line.outcome == "not filed":
            found.setdefault(line.source, []).append(line.detail)
    return found


def _filed_bytes(course: Course) -> list[bytes]:
    return [p.read_bytes() for p in course.submitted_dir.rglob("*") if p.is_file()]


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            add(archive, name, data)
    return path


def _zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            add(archive, name, data)
    return buffer.getvalue()


def _link_entry(archive: zipfile.ZipFile, name: str, target: str, kind: int = stat.S_IFLNK):
    """An entry that Unix unzip would create as a link (or a FIFO): the mode's file type."""
    info = zipfile.ZipInfo(name, (2026, 11, 20, 17, 0, 0))
    info.create_system = 3
    info.external_attr = (kind | 0o777) << 16
    archive.writestr(info, target)


# -- 1. names that climb out ------------------------------------------------------------------
def test_zip_slip_names_are_refused_one_line_each_and_the_rest_is_filed(course, canary, tmp_path):
    elsewhere = Path("/tmp") / f"collect-slip-{uuid.uuid4().hex}"
    attacks = [
        "../x.ipynb",
        "../../etc/evil.ipynb",
        "amelie/../../../../course/nbgrader_config.py",
        f"{canary}/exercice.ipynb",
        f"{elsewhere}/exercice.ipynb",
        "..\\..\\x.ipynb",
        "chloe\\..\\..\\..\\exercice.ipynb",
        "C:\\x\\exercice.ipynb",
        "C:exercice.ipynb",
        "d:/y/exercice.ipynb",
        "\\\\server\\share\\exercice.ipynb",
    ]
    download = tmp_path / "slip.zip"
    with zipfile.ZipFile(download, "w") as archive:
        add(archive, "amelie/exercice.ipynb", _sample("amelie"))
        add(archive, "bastien/exercice.ipynb", _sample("bastien"))
        add(archive, "bastien/escape\x1b[2J.ipynb", b"{}")  # a terminal control in a name
        for name in attacks:
            add(archive, name, b"CANARI-SLIP")
        add(archive, "dimitri/rendu.zip", _zip_bytes({"../../evil.ipynb": b"CANARI-SLIP"}))
    report = _collect(course, download)

    assert report.filed == ["amelie", "bastien"]
    reasons = _reasons(report)
    for name in attacks:
        assert len(reasons[name]) == 1 and reasons[name][0].startswith("unsafe path ("), name
    assert reasons["dimitri/rendu.zip/../../evil.ipynb"] == ["unsafe path (..): not read"]
    assert reasons["bastien/escape\\x1b[2J.ipynb"] == ["unsafe path (control character): not read"]
    assert reasons["C:\\x\\exercice.ipynb"] == ["unsafe path (drive C:): not read"]
    assert not elsewhere.exists()
    assert all(b"CANARI-SLIP" not in data for data in _filed_bytes(course))
    assert sorted(p.name for p in course.submitted_dir.iterdir()) == ["amelie", "bastien"]


def test_course_collect_reports_a_hostile_zip_and_files_the_rest(course, canary, tmp_path):
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w") as archive:
        add(archive, moodle_entry("amelie") + "exercice.ipynb", _sample("amelie"))
        add(archive, "../../evil.ipynb", b"CANARI-SLIP")
        add(archive, f"{canary}/exercice.ipynb", b"CANARI-SLIP")
        _link_entry(archive, moodle_entry("bastien") + "exercice.ipynb", "/etc/passwd")
    with _guarded(course, download):
        run = course_cli("collect", ASSIGNMENT, str(download), cwd=course.root)
    assert run.returncode == 0, run.stderr[-2000:]
    for phrase in (
        "../../evil.ipynb",
        "unsafe path (..): not read",
        "unsafe path (absolute): not read",
        "a symbolic link: not followed",
        "1 filed, 0 unchanged, 3 problem(s)",
    ):
        assert phrase in run.stdout, (phrase, run.stdout)
    assert sorted(p.name for p in course.submitted_dir.iterdir()) == ["amelie-rochat"]


# -- 2. links ---------------------------------------------------------------------------------
def test_link_entries_of_a_zip_are_reported_and_never_followed(course, tmp_path):
    download = tmp_path / "links.zip"
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as inner:
        _link_entry(inner, "exercice.ipynb", "/etc/passwd")
    with zipfile.ZipFile(download, "w") as archive:
        add(archive, "amelie/exercice.ipynb", _sample("amelie"))
        _link_entry(archive, "bastien/exercice.ipynb", "/etc/passwd")
        _link_entry(archive, "chloe/exercice.ipynb", "../amelie/exercice.ipynb")
        add(archive, "dimitri/rendu.zip", nested.getvalue())
        _link_entry(archive, "elodie/exercice.ipynb", "", kind=stat.S_IFIFO)
    report = _collect(course, download)

    assert report.filed == ["amelie"]
    reasons = _reasons(report)
    for path in (
        "bastien/exercice.ipynb",
        "chloe/exercice.ipynb",
        "dimitri/rendu.zip/exercice.ipynb",
    ):
        assert reasons[path] == ["a symbolic link: not followed"], path
    assert reasons["elodie/exercice.ipynb"] == ["not a regular file: not read"]
    assert sorted(p.name for p in course.submitted_dir.iterdir()) == ["amelie"]
    assert all(b"/etc/passwd" not in data for data in _filed_bytes(course))


def test_links_in_a_folder_download_are_reported_and_never_followed(course, tmp_path):
    folder = tmp_path / "rendus"
    for student in ("amelie", "bastien", "chloe", "dimitri", "florian", "gaelle"):
        (folder / student).mkdir(parents=True)
    (folder / "amelie" / "exercice.ipynb").write_bytes(_sample("amelie"))
    (folder / "bastien" / "exercice.ipynb").symlink_to("/etc/passwd")
    (folder / "chloe" / "exercice.ipynb").symlink_to(folder / "amelie" / "exercice.ipynb")
    solutions = course.source_dir / ASSIGNMENT
    (folder / "dimitri" / "exercice.ipynb").symlink_to(solutions / "exercice.ipynb")
    (folder / "elodie").symlink_to(solutions, target_is_directory=True)
    (folder / "florian" / "exercice.ipynb").write_bytes(_sample("florian"))
    (folder / "florian" / "timestamp.txt").symlink_to("/etc/passwd")
    os.mkfifo(folder / "gaelle" / "exercice.ipynb")  # reading it would block forever
    report = _collect(course, folder)

    assert report.filed == ["amelie", "florian"]
    reasons = _reasons(report)
    for path in (
        "bastien/exercice.ipynb",
        "chloe/exercice.ipynb",
        "dimitri/exercice.ipynb",
        "elodie",
        "florian/timestamp.txt",
    ):
        assert reasons[path] == ["a symbolic link: not followed"], path
    assert reasons["gaelle/exercice.ipynb"] == ["not a regular file: not read"]
    secrets = (Path("/etc/passwd").read_bytes(), (solutions / "exercice.ipynb").read_bytes())
    for data in _filed_bytes(course):
        assert data not in secrets and b"BEGIN HIDDEN" not in data and b"root:" not in data
    stamp = course.submitted_dir / "florian" / ASSIGNMENT / "timestamp.txt"
    assert stamp.read_text("utf-8").endswith(" UTC")  # the file's time, not the link's target


# -- 3. bombs ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_gb(tmp_path_factory) -> Path:
    """A zip of one 2 GB notebook of zeros, about 9 MB: streamed, never held in memory."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    zeros = bytes(16 * MB)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("bastien/exercice.ipynb", "w", force_zip64=True) as member,
    ):
        for _ in range(2 * GB // len(zeros)):
            member.write(zeros)
    return path


@contextmanager
def _bounded(seconds: float = 10, megabytes: int = 64) -> Iterator[None]:
    """The work inside takes less than this time and this much memory (Python's)."""
    tracemalloc.start()
    start = time.monotonic()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - start < seconds
    assert peak < megabytes * MB, f"{peak / MB:.0f} MB"


def test_a_2_gb_member_is_reported_as_too_large_without_being_inflated(course, two_gb, tmp_path):
    download = tmp_path / "moodle.zip"
    shutil.copyfile(two_gb, download)
    with zipfile.ZipFile(download, "a") as archive:
        add(archive, "amelie/exercice.ipynb", _sample("amelie"))
    assert download.stat().st_size < 20 * MB
    with _guarded(course, download), _bounded():
        report = collect(course, ASSIGNMENT, download)
    assert report.filed == ["amelie"]
    assert [line.detail for line in report.problems] == [
        "exercice.ipynb: larger than 100 MB, not read"
    ]
    assert not (course.submitted_dir / "bastien").exists()


def test_nested_zip_bombs_are_not_inflated(course, two_gb, tmp_path):
    layer = _zip_bytes({"exercice.ipynb": b"{}"})
    zip_of_zips = _zip_bytes({f"{n}.zip": layer for n in range(16)})
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        add(archive, "amelie/exercice.ipynb", _sample("amelie"))
        archive.write(two_gb, "chloe/rendu.zip")  # its 2 GB notebook
        add(archive, "dimitri/rendu.zip", zip_of_zips)
        with archive.open("elodie/rendu.zip", "w") as fake:  # 300 MB: too large to open
            for _ in range(300):
                fake.write(bytes(MB))
    with _guarded(course, download), _bounded():
        report = collect(course, ASSIGNMENT, download)
    assert report.filed == ["amelie"]
    said = "\n".join(f"{line.source} | {line.detail}" for line in report.problems)
    for phrase in (
        "rendu.zip/bastien/exercice.ipynb: larger than 100 MB, not read",
        "0.zip: a zip inside a zip: not opened",
        "elodie/rendu.zip | zip too large to open: not read",
    ):
        assert phrase in said, (phrase, said)


def test_many_nested_zips_are_held_in_memory_one_at_a_time(course, tmp_path):
    students = [f"eleve{number:02}" for number in range(30)]
    download = tmp_path / "rendus.zip"
    with zipfile.ZipFile(download, "w") as archive:  # stored: 30 × 3 MB of noise
        for student in students:
            files = {"exercice.ipynb": _sample("amelie"), "donnees.bin": os.urandom(3 * MB)}
            archive.writestr(f"{student}/rendu.zip", _zip_bytes(files))
    with _guarded(course, download), _bounded(megabytes=32):
        report = collect(course, ASSIGNMENT, download)
    assert report.filed == students


def _declare_size(path: Path, name: str, size: int) -> None:
    """Make the zip announce ``size`` bytes for ``name``, in both of its headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name).header_offset
    struct.pack_into("<L", data, local + 22, size)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name.encode():
            struct.pack_into("<L", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_a_member_whose_header_lies_about_its_size_is_not_inflated_past_it(course, tmp_path):
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        add(archive, "amelie/exercice.ipynb", _sample("amelie"))
        for student, megabytes in (("bastien", 64), ("chloe", 200)):
            with archive.open(f"{student}/exercice.ipynb", "w") as member:
                for _ in range(megabytes):
                    member.write(bytes(MB))
    _declare_size(download, "bastien/exercice.ipynb", 1000)  # grossly: refused from headers
    _declare_size(download, "chloe/exercice.ipynb", MB)  # plausibly: inflated up to 1 MB only
    with zipfile.ZipFile(download) as archive:
        packed = archive_module.size_text(archive.getinfo("bastien/exercice.ipynb").compress_size)
    with _guarded(course, download), _bounded(megabytes=16):
        report = collect(course, ASSIGNMENT, download)
    assert report.filed == ["amelie"]
    reasons = _reasons(report)
    assert reasons["bastien/exercice.ipynb"] == [
        f"the zip announces 1000 bytes but holds {packed} compressed: not read"
    ]
    (chloe,) = [line.detail for line in report.problems if line.student == "chloe"]
    assert chloe.startswith("exercice.ipynb: cannot be read from the download (Bad CRC-32")


def test_bzip2_and_lzma_members_are_refused_before_inflating(course, tmp_path):
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w") as archive:
        add(archive, "amelie/exercice.ipynb", _sample("amelie"))
        info = zipfile.ZipInfo("bastien/exercice.ipynb")
        info.compress_type = zipfile.ZIP_BZIP2  # zipfile inflates it in one go: 1 to 10⁶
        with archive.open(info, "w") as member:
            for _ in range(64):
                member.write(bytes(MB))
        info = zipfile.ZipInfo("chloe/timestamp.txt")
        info.compress_type = zipfile.ZIP_LZMA
        archive.writestr(info, b"2026-11-20 16:00:00.000000 UTC")
        add(archive, "chloe/exercice.ipynb", _sample("chloe"))
    with zipfile.ZipFile(download) as archive:
        assert archive.getinfo("bastien/exercice.ipynb").compress_size < 1000
    with _guarded(course, download), _bounded(megabytes=16):
        report = collect(course, ASSIGNMENT, download)
    assert report.filed == ["amelie", "chloe"]
    reasons = _reasons(report)
    assert reasons["bastien/exercice.ipynb"] == [
        "compressed with bzip2, which cannot be read within limits: not read"
    ]
    assert reasons["chloe/timestamp.txt"] == [
        "compressed with lzma, which cannot be read within limits: not read"
    ]


def _many(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(count):
            archive.writestr(zipfile.ZipInfo(f"f{number}"), b"")
    return buffer.getvalue()


def _claim_files(data: bytes, count: int) -> bytes:
    """The zip with its end record announcing ``count`` files, whatever it lists."""
    patched = bytearray(data)
    end = patched.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", patched, end + 8, count, count)
    return bytes(patched)


def test_zips_of_very_many_files_are_not_parsed(course, tmp_path):
    limit = archive_module.MAX_NESTED_MEMBERS
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w") as archive:
        add(archive, "amelie/exercice.ipynb", _sample("amelie"))
        add(archive, "bastien/rendu.zip", _many(5 * limit))
        add(archive, "chloe/rendu.zip", _claim_files(_many(2 * limit), 1))
    with _guarded(course, download), _bounded(megabytes=16):
        report = collect(course, ASSIGNMENT, download)
    assert report.filed == ["amelie"]
    reasons = _reasons(report)
    assert reasons["bastien/rendu.zip"] == [
        f"holds {5 * limit} files, more than {limit}: not opened"
    ]
    assert reasons["chloe/rendu.zip"] == [f"holds more than {limit} files: not opened"]


def test_a_download_of_too_many_files_is_one_clear_error(course, tmp_path):
    count = archive_module.MAX_MEMBERS + 1
    download = tmp_path / "moodle.zip"
    download.write_bytes(_many(count))
    with _guarded(course, download), pytest.raises(CourseError) as error:
        collect(course, ASSIGNMENT, download)
    message = str(error.value)
    assert f"holds {count} files, more than {count - 1}: not read" in message
    assert "\n" not in message and not course.submitted_dir.exists()


def test_the_whole_download_is_read_within_one_budget(course, tmp_path, monkeypatch):
    """The real budget (4 GB) takes minutes to exhaust; the same code with a smaller one."""
    assert archive_module.MAX_DOWNLOAD_BYTES == 4 * GB
    first = ["amelie", "bastien", "chloe"]
    budget = sum(len(_sample(student)) for student in first) + 10
    monkeypatch.setattr(archive_module, "MAX_DOWNLOAD_BYTES", budget)
    download = moodle_zip(tmp_path / "moodle.zip", ASSIGNMENT, list(PEOPLE))
    report = _collect(course, download)
    assert report.filed == ["amelie-rochat", "bastien-favre", "chloe-dubois"]
    refused = [line for line in report.problems if line.detail.startswith("exercice.ipynb")]
    assert len(refused) == len(PEOPLE) - len(first)
    assert {line.detail for line in refused} == {
        f"exercice.ipynb: over the {archive_module.size_text(budget)} read from one download, "
        "not read"
    }
    assert sum(len(data) for data in _filed_bytes(course)) < budget + 1000


def test_a_notebook_nested_past_the_json_parser_does_not_stop_the_batch(course, tmp_path):
    download = _zip(
        tmp_path / "moodle.zip",
        {"amelie/exercice.ipynb": b"[" * 200_000, "bastien/exercice.ipynb": _sample("bastien")},
    )
    report = _collect(course, download)
    assert report.filed == ["amelie", "bastien"]
    (amelie,) = [line for line in report.lines if line.student == "amelie"]
    assert "is not a readable notebook: grading will score it 0" in amelie.detail


# -- 4. names that collide --------------------------------------------------------------------
def _folders(course: Course) -> list[str]:
    return (
        sorted(p.name for p in course.submitted_dir.iterdir())
        if course.submitted_dir.exists()
        else []
    )


def test_folders_differing_only_by_case_are_never_one_student(course, tmp_path):
    download = _zip(
        tmp_path / "rendus.zip",
        {
            "amelie/exercice.ipynb": _sample("amelie"),
            "Dupont/exercice.ipynb": _sample("bastien"),
            "dupont/exercice.ipynb": _sample("chloe"),
        },
    )
    report = _collect(course, download)
    assert report.filed == ["amelie"] and _folders(course) == ["amelie"]
    reasons = _reasons(report)
    for folder in ("Dupont/", "dupont/"):
        assert reasons[folder] == ["student ids Dupont and dupont differ only by case: none filed"]


def test_names_in_two_unicode_forms_are_never_one_student(course, tmp_path):
    nfc, nfd = "Am\u00e9lie", "Ame\u0301lie"
    download = _zip(
        tmp_path / "moodle.zip",
        {
            f"{nfc} Rochat_1001_assignsubmission_file_/exercice.ipynb": _sample("amelie"),
            f"{nfd} Rochat_2001_assignsubmission_file_/exercice.ipynb": _sample("bastien"),
            f"{nfc}/exercice.ipynb": _sample("chloe"),
            f"{nfd}/exercice.ipynb": _sample("dimitri"),
        },
    )
    report = _collect(course, download)
    assert report.filed == [] and _folders(course) == []
    details = {line.source: line.detail for line in report.problems}
    assert details[f"{nfc} Rochat (1001)"] == details[f"{nfd} Rochat (2001)"]
    assert (
        details[f"{nfc} Rochat (1001)"] == "several LMS entries give this student id: give a --map"
    )
    assert details[f"{nfc}/"] == details[f"{nfd}/"]
    assert details[f"{nfd}/"] == (
        "several LMS entries give this student id: give a --map "
        "(names that look the same, written with different characters)"
    )


def test_a_map_never_merges_two_entries_it_matches_by_name(course, tmp_path):
    nfc, nfd = "Am\u00e9lie Rochat", "Ame\u0301lie Rochat"
    download = _zip(
        tmp_path / "rendus.zip",
        {
            "Bastien Favre/exercice.ipynb": _sample("bastien"),
            "bastien favre/exercice.ipynb": _sample("gaelle"),
            f"{nfc}/exercice.ipynb": _sample("amelie"),
            f"{nfd}/exercice.ipynb": _sample("gaelle"),
            "Chloé Dubois/exercice.ipynb": _sample("chloe"),
        },
    )
    map_file = tmp_path / "map.csv"
    map_file.write_text(
        "student_id,lms_name\nbastien,Bastien Favre\namelie,Amélie Rochat\nchloe,Chloé Dubois\n",
        encoding="utf-8",
    )
    report = _collect(course, download, map_file=map_file)
    assert report.filed == ["chloe"] and _folders(course) == ["chloe"]
    shared = [line for line in report.problems if line.student in ("amelie", "bastien")]
    assert len(shared) == 4
    assert all(
        line.detail.startswith("several entries of the download match this student of the map")
        for line in shared
    )


def test_mapped_ids_differing_only_by_case_are_not_filed(course, tmp_path):
    download = _zip(
        tmp_path / "rendus.zip",
        {
            "Jean Dupont/exercice.ipynb": _sample("amelie"),
            "Marie Dupont/exercice.ipynb": _sample("bastien"),
        },
    )
    map_file = tmp_path / "map.csv"
    map_file.write_text(
        "student_id,lms_name\nDupont,Jean Dupont\ndupont,Marie Dupont\n", encoding="utf-8"
    )
    report = _collect(course, download, map_file=map_file)
    assert report.filed == [] and _folders(course) == []
    assert {line.detail for line in report.problems} == {
        "student ids Dupont and dupont differ only by case: none filed"
    }


def test_a_student_differing_by_case_from_one_collected_before_is_not_filed(course, tmp_path):
    first = _zip(tmp_path / "first.zip", {"Dupont/exercice.ipynb": _sample("amelie")})
    assert collect(course, ASSIGNMENT, first).filed == ["Dupont"]
    kept = _tree(course.submitted_dir)
    second = _zip(tmp_path / "second.zip", {"dupont/exercice.ipynb": _sample("bastien")})
    report = _collect(course, second, force=True)
    assert report.filed == [] and _folders(course) == ["Dupont"]
    assert [line.detail for line in report.problems] == [
        "submitted/ already holds Dupont, which differs only by case: not filed"
    ]
    assert _tree(course.submitted_dir) == kept


def test_a_student_s_notebooks_whose_names_differ_by_case_or_form_never_overwrite(course, tmp_path):
    release = course.release_dir / ASSIGNMENT
    shutil.copyfile(release / "exercice.ipynb", release / "\u00e9tude.ipynb")  # NFC, as released
    nfd = "e\u0301tude.ipynb"
    older, newer = datetime(2026, 11, 20, 16, 0), datetime(2026, 11, 20, 18, 0)
    download = tmp_path / "rendus.zip"
    with zipfile.ZipFile(download, "w") as archive:
        # amelie: her Mac wrote the accent apart; it is the released name all the same
        add(archive, "amelie/exercice.ipynb", _sample("amelie"))
        add(archive, f"amelie/{nfd}", _sample("gaelle"))
        # bastien: two spellings, two times: the newer is filed, the older reported
        add(archive, "bastien/Exercice.ipynb", _sample("gaelle"), older)
        add(archive, "bastien/exercice.ipynb", _sample("bastien"), newer)
        add(archive, "bastien/ÉTUDE.ipynb", _sample("bastien"))
        # chloe: two spellings, one time, different content: none of them is filed
        add(archive, "chloe/exercice.ipynb", _sample("chloe"))
        add(archive, "chloe/EXERCICE.ipynb", _sample("gaelle"))
        add(archive, "chloe/\u00e9tude.ipynb", _sample("chloe"))
        add(archive, f"chloe/{nfd}", _sample("gaelle"))
    report = _collect(course, download)

    assert report.filed == ["amelie", "bastien"]
    amelie = course.submitted_dir / "amelie" / ASSIGNMENT
    assert sorted(p.name for p in amelie.iterdir()) == sorted(
        ["exercice.ipynb", "\u00e9tude.ipynb", "timestamp.txt"]
    )
    assert (amelie / "\u00e9tude.ipynb").read_bytes() == _sample("gaelle")
    bastien = course.submitted_dir / "bastien" / ASSIGNMENT
    assert (bastien / "exercice.ipynb").read_bytes() == _sample("bastien")
    (filed,) = [line.detail for line in report.lines if line.student == "bastien"]
    assert "older copy Exercice.ipynb not filed" in filed
    assert "ÉTUDE.ipynb filed as \u00e9tude.ipynb" in filed
    refused = sorted(line.detail for line in report.problems if line.student == "chloe")
    assert refused == [
        "2 different exercice.ipynb with the same time: none filed; keep one",
        "2 different \u00e9tude.ipynb with the same time: none filed; keep one",
    ]


def test_a_zip_a_student_uploads_cannot_file_work_for_another(course, tmp_path):
    impostor = _zip_bytes({moodle_entry("bastien") + "exercice.ipynb": _sample("gaelle")})
    download = _zip(
        tmp_path / "rendus.zip",
        {"amelie/rendu.zip": impostor, "chloe/exercice.ipynb": _sample("chloe")},
    )
    report = _collect(course, download)
    assert report.filed == ["amelie", "chloe"] and _folders(course) == ["amelie", "chloe"]
    assert load_identities(course, ASSIGNMENT) == {}  # nobody got Bastien's Moodle id
    filed = course.submitted_dir / "amelie" / ASSIGNMENT / "exercice.ipynb"
    assert filed.read_bytes() == _sample("gaelle")


# -- 5. broken downloads ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "damage",
    ["empty", "text", "cut in half", "no end record"],
)
def test_a_download_that_is_not_a_zip_is_one_clear_error_and_loses_nothing(
    course, tmp_path, damage
):
    good = moodle_zip(tmp_path / "good.zip", ASSIGNMENT, ["amelie", "bastien"])
    assert collect(course, ASSIGNMENT, good).filed == ["amelie-rochat", "bastien-favre"]
    whole = good.read_bytes()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(
        {
            "empty": b"",
            "text": b"Rendus du cours\n",
            "cut in half": whole[: len(whole) // 2],
            "no end record": whole[: whole.rfind(b"PK\x05\x06")],
        }[damage]
    )
    with _guarded(course, bad):
        before = _tree(course.submitted_dir)
        with pytest.raises(CourseError) as error:
            collect(course, ASSIGNMENT, bad, force=True)
        assert _tree(course.submitted_dir) == before
    message = str(error.value)
    assert message.startswith(f"{bad} is not a readable zip file (") and "\n" not in message


def test_a_damaged_member_is_reported_and_the_others_are_filed(course, tmp_path):
    download = moodle_zip(tmp_path / "moodle.zip", ASSIGNMENT, ["amelie", "bastien", "chloe"])
    with zipfile.ZipFile(download) as archive:
        info = archive.getinfo(moodle_entry("bastien") + "exercice.ipynb")
    data = bytearray(download.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + 100
    data[start : start + 200] = bytes(200)
    download.write_bytes(bytes(data))
    report = _collect(course, download)
    assert report.filed == ["amelie-rochat", "chloe-dubois"]
    (problem,) = report.problems
    assert problem.student == "bastien-favre"
    assert problem.detail.startswith("exercice.ipynb: cannot be read from the download (")


def test_an_empty_zip_and_a_source_that_is_no_file_are_said_plainly(course, tmp_path):
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    report = _collect(course, empty)
    assert [(line.source, line.detail) for line in report.lines] == [
        ("(download)", "no file in the download")
    ]
    fifo = tmp_path / "download.zip"
    os.mkfifo(fifo)
    with pytest.raises(CourseError, match="is neither a zip file nor a folder"):
        collect(course, ASSIGNMENT, fifo)


def test_the_map_still_ties_several_moodle_ids_to_one_student(course, tmp_path):
    """Refusing entries matched by name must not refuse those the map names by LMS id."""
    download = _zip(
        tmp_path / "moodle.zip",
        {
            moodle_entry("amelie") + "exercice.ipynb": _sample("amelie"),
            "Amélie R_2001_assignsubmission_onlinetext_/onlinetext.html": b"<p>voir fichier</p>",
        },
    )
    map_file = write_map(tmp_path / "map.csv", ["amelie"])
    with map_file.open("a", encoding="utf-8") as handle:
        handle.write("amelie,2001,Amélie R\n")
    report = _collect(course, download, map_file=map_file)
    assert report.filed == ["amelie"]


def test_a_name_from_the_lms_reaches_formgrader_without_markup(course, tmp_path):
    """nbgrader's formgrader prints students' names unescaped: they are stored without it."""
    from nbgrader.api import Gradebook

    download = tmp_path / "moodle.zip"
    name = '<img src=x onerror="alert(1)"> Dupont & <b>Fils'  # no "/": it would be a folder
    with zipfile.ZipFile(download, "w") as archive:
        add(archive, f"{name}_4242_assignsubmission_file_/exercice.ipynb", _sample("amelie"))
    report = _collect(course, download)
    assert len(report.filed) == 1
    with Gradebook(course.db_url) as gb:
        student = gb.find_student(report.filed[0])
        stored = f"{student.first_name} {student.last_name}"
    assert not set('<>&"') & set(stored), stored
    assert "Dupont" in stored and "Fils" in stored
