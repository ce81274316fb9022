"""`course collect`: every Moodle layout, the map, derived ids, and each bad case reported."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from grader.collect import collect, load_identities
from grader.collect.moodle import MoodleCollector, find_moodle_path, parse_moodle_path
from grader.collect.roster import LmsEntry, Roster, derive_student_id
from grader.course import CourseError
from tests.lms import (
    PEOPLE,
    SAMPLES,
    add,
    course_copy,
    digest,
    handed_in,
    moodle_entry,
    moodle_zip,
    write_map,
)

pytestmark = pytest.mark.unit


@pytest.fixture
def course(tmp_path):
    return course_copy(tmp_path / "course", "01-cluetrain", "06-strategie", "07-site-cafe")


def _stamp(course, student: str, assignment: str) -> str:
    return (course.submitted_dir / student / assignment / "timestamp.txt").read_text("utf-8")


def _stamp_of_sample(assignment: str, student: str) -> str:
    return f"{handed_in(assignment, student):%Y-%m-%d %H:%M:%S.%f} UTC"


def _lines(report, outcome: str) -> list:
    return [line for line in report.lines if line.outcome == outcome]


# -- names ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # Moodle 3.1-4.0 folders, 4.1+ folders, flat (old Moodle or folders unticked)
        (
            "Amélie Rochat_1001_assignsubmission_file_/exercice.ipynb",
            ("Amélie Rochat", "1001", "file", "exercice.ipynb"),
        ),
        (
            "Amélie Rochat_1001_assignsubmission_file/exercice.ipynb",
            ("Amélie Rochat", "1001", "file", "exercice.ipynb"),
        ),
        (
            "Amélie Rochat_1001_assignsubmission_file_exercice.ipynb",
            ("Amélie Rochat", "1001", "file", "exercice.ipynb"),
        ),
        (
            "Hugo Rey_1008_assignsubmission_onlinetext_/onlinetext.html",
            ("Hugo Rey", "1008", "onlinetext", "onlinetext.html"),
        ),
        (
            "Groupe A-Léa Blanc_77_assignsubmission_file_/sous/a.ipynb",
            ("Groupe A-Léa Blanc", "77", "file", "sous/a.ipynb"),
        ),
        (
            "Participant_1234_assignsubmission_file_/a.ipynb",
            ("Participant", "1234", "file", "a.ipynb"),
        ),
        ("amelie/exercice.ipynb", None),
        ("Amélie Rochat_1001_assignsubmission_file_", None),  # a folder, no file
    ],
)
def test_moodle_paths_in_every_layout(path, expected):
    found = parse_moodle_path(tuple(path.split("/")))
    assert (found and (found.name, found.lms_id, found.plugin, found.path)) == (expected or None)


@pytest.mark.parametrize(
    ("entry", "student"),
    [
        (LmsEntry("Amélie Rochat", "1001", moodle=True), "amelie-rochat"),
        (LmsEntry("Zoë  O'Neil-Bürki", "3", moodle=True), "zoe-o-neil-burki"),
        (LmsEntry("Participant", "1234", moodle=True), "participant-1234"),  # blind marking
        (LmsEntry("王芳", "88", moodle=True), "participant-88"),  # nothing Latin to keep
        (LmsEntry("amelie"), "amelie"),  # a plain folder that is a valid id stays as is
        (LmsEntry("Amélie R."), "amelie-r"),
    ],
)
def test_student_ids_derived_without_a_map(entry, student):
    assert derive_student_id(entry) == student


@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (";", True)])
def test_map_reads_comma_or_semicolon_with_or_without_bom(tmp_path, delimiter, bom):
    roster = Roster.load(write_map(tmp_path / "map.csv", ["amelie", "bastien"], delimiter, bom))
    assert roster.student_for(LmsEntry("whoever", "1002", moodle=True)) == "bastien"
    assert roster.student_for(LmsEntry("AMELIE  rochat", "9", moodle=True)) == "amelie"
    assert roster.student_for(LmsEntry("Inconnu", "999", moodle=True)) is None
    assert roster.student_for(LmsEntry("bastien")) == "bastien"  # plain folder named by id


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("name,id\nx,1\n", "needs a student_id column"),
        ("student_id,lms_id\n../etc,1\n", "line 2: student id '../etc' is not valid"),
        (
            "student_id,lms_id\namelie,1\nbastien,1\n",
            "lms_id '1' is given to both amelie and bastien",
        ),
        ("student_id,lms_id\namelie,12a\n", "lms_id '12a' is not a number"),
        ("student_id,lms_id,lms_name\namelie,,\n", "neither lms_id nor lms_name"),
    ],
)
def test_bad_maps_are_one_clear_error(tmp_path, text, phrase):
    path = tmp_path / "map.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CourseError, match=None) as error:
        Roster.load(path)
    assert phrase in str(error.value) and "\n" not in str(error.value)


# -- layouts ----------------------------------------------------------------------------------
def test_flat_moodle_zip_without_map_files_derived_ids_with_the_original_times(course, tmp_path):
    students = ["amelie", "bastien", "chloe"]
    download = moodle_zip(tmp_path / "moodle.zip", "07-site-cafe", students, layout="flat")
    before = digest(download)
    report = collect(course, "07-site-cafe", download)
    assert report.filed == ["amelie-rochat", "bastien-favre", "chloe-dubois"]
    assert report.problems == []
    for student in students:
        folder = course.submitted_dir / report.filed[students.index(student)] / "07-site-cafe"
        assert (folder / "exercice.ipynb").read_bytes() == (
            SAMPLES / "07-site-cafe" / student / "exercice.ipynb"
        ).read_bytes()
        # the zip holds Zurich wall-clock time; the timestamp is the original UTC instant
        assert (folder / "timestamp.txt").read_text() == _stamp_of_sample("07-site-cafe", student)
    assert digest(download) == before
    identities = load_identities(course, "07-site-cafe")
    assert identities["chloe-dubois"].lms_id == "1003"
    assert identities["chloe-dubois"].lms_name == "Chloé Dubois"
    with Gradebook(course.db_url, course.course_id) as gb:
        student = gb.find_student("amelie-rochat")
        assert (student.first_name, student.last_name) == ("Amélie", "Rochat")


def test_moodle_41_folders_with_a_map(course, tmp_path):
    students = ["amelie", "bastien", "chloe"]
    download = moodle_zip(tmp_path / "moodle.zip", "06-strategie", students, layout="folders41")
    report = collect(course, "06-strategie", download, write_map(tmp_path / "m.csv", students))
    assert report.filed == students and report.problems == []
    assert _stamp(course, "bastien", "06-strategie") == _stamp_of_sample("06-strategie", "bastien")


def test_plain_folders_in_a_wrapping_folder_keep_ids_and_timestamp_files(course, tmp_path):
    download = tmp_path / "rendus.zip"
    with zipfile.ZipFile(download, "w") as archive:
        for student in ("amelie", "bastien", "chloe"):
            for name in ("exercice.ipynb", "timestamp.txt"):
                data = (SAMPLES / "06-strategie" / student / name).read_bytes()
                add(archive, f"rendus/{student}/{name}", data)
    report = collect(course, "06-strategie", download)
    assert report.filed == ["amelie", "bastien", "chloe"] and report.problems == []
    # the folder's own timestamp.txt (nbgrader's) wins over the zip's time
    assert _stamp(course, "chloe", "06-strategie") == _stamp_of_sample("06-strategie", "chloe")
    assert load_identities(course, "06-strategie") == {}  # nothing came from Moodle


def test_a_loose_file_beside_the_student_folders_does_not_keep_the_wrapper(course, tmp_path):
    download = tmp_path / "rendus.zip"
    with zipfile.ZipFile(download, "w") as archive:
        for student in ("amelie", "bastien", "chloe"):
            data = (SAMPLES / "06-strategie" / student / "exercice.ipynb").read_bytes()
            add(archive, f"rendus/{student}/exercice.ipynb", data)
        add(archive, "rendus/consignes.txt", b"Rendre avant vendredi.")
    report = collect(course, "06-strategie", download)
    assert report.filed == ["amelie", "bastien", "chloe"]
    assert [(line.source, line.outcome) for line in report.problems] == [
        ("consignes.txt", "not filed")  # paths are reported inside the wrapper
    ]


def test_a_flat_moodle_download_inside_a_folder(course, tmp_path):
    download = tmp_path / "devoir.zip"
    with zipfile.ZipFile(download, "w") as archive:
        for student in ("amelie", "bastien"):
            data = (SAMPLES / "06-strategie" / student / "exercice.ipynb").read_bytes()
            add(archive, "devoir/" + moodle_entry(student, "flat") + "exercice.ipynb", data)
    report = collect(course, "06-strategie", download)
    assert report.filed == ["amelie-rochat", "bastien-favre"] and report.problems == []


def test_a_folder_of_submissions_is_read_in_place_and_never_changed(course):
    source = SAMPLES / "07-site-cafe"
    before = digest(source)
    report = collect(course, "07-site-cafe", source)
    assert report.filed == ["amelie", "bastien", "chloe"]
    assert digest(source) == before


# -- what goes wrong --------------------------------------------------------------------------
def _nested_zip(files: dict[str, bytes], moment: datetime | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as inner:
        for name, data in files.items():
            add(inner, name, data, moment)
    return buffer.getvalue()


def test_every_bad_case_is_reported_and_nothing_is_dropped_silently(course, tmp_path):
    sample = {s: (SAMPLES / "01-cluetrain" / s / "exercice.ipynb").read_bytes() for s in PEOPLE}
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w") as archive:
        add(archive, moodle_entry("amelie") + "exercice.ipynb", sample["amelie"])
        # two notebooks: the one with the released name is filed, the other reported
        add(archive, moodle_entry("bastien") + "exercice.ipynb", sample["bastien"])
        add(archive, moodle_entry("bastien") + "exercice (1).ipynb", sample["gaelle"])
        # a notebook and a file that is not one
        add(archive, moodle_entry("chloe") + "exercice.ipynb", sample["chloe"])
        add(archive, moodle_entry("chloe") + "notes.pdf", b"%PDF-1.4")
        # a zip inside the submission: opened, its notebook filed
        add(
            archive,
            moodle_entry("dimitri") + "rendu.zip",
            _nested_zip({"exercice.ipynb": sample["dimitri"]}),
        )
        # a broken notebook is filed all the same (grading tells the student)
        add(archive, moodle_entry("elodie") + "exercice.ipynb", sample["elodie"])
        # a broken zip inside, and a zip inside a zip
        add(archive, moodle_entry("florian") + "rendu.zip", b"PK\x03\x04 not really")
        add(archive, moodle_entry("florian") + "exercice_final.ipynb", sample["florian"])
        add(archive, moodle_entry("gaelle") + "archive.zip", _nested_zip({"plus.zip": b"PK"}))
        # online text only; a student the map does not know; a file outside any entry
        add(
            archive, "Hugo Rey_1008_assignsubmission_onlinetext_/onlinetext.html", b"<p>Bonjour</p>"
        )
        add(archive, "Inconnu Total_1099_assignsubmission_file_/exercice.ipynb", sample["amelie"])
        add(archive, "lisez-moi.txt", b"?")
        # system files
        add(archive, "__MACOSX/._x", b"")
        add(archive, moodle_entry("amelie") + ".ipynb_checkpoints/exercice-checkpoint.ipynb", b"{}")
    people = list(PEOPLE) + ["hugo"]
    roster = write_map(tmp_path / "map.csv", list(PEOPLE))
    with roster.open("a", encoding="utf-8") as handle:
        handle.write("hugo,1008,Hugo Rey\n")
    report = collect(course, "01-cluetrain", download, roster)

    assert report.filed == ["amelie", "bastien", "chloe", "dimitri", "elodie", "florian"]
    text = {line.student or line.source: [] for line in report.lines}
    for line in report.lines:
        text[line.student or line.source].append(f"{line.outcome}: {line.detail}")
    said = "\n".join(f"{key} | {' / '.join(values)}" for key, values in text.items())
    for phrase in (
        "bastien | filed: exercice.ipynb",
        "not filed: exercice (1).ipynb: extra notebook",
        "not filed: notes.pdf: not a notebook",
        "taken from inside rendu.zip",
        "is not a readable notebook: grading will score it 0",
        "not a readable zip",
        "exercice_final.ipynb filed as exercice.ipynb",
        "plus.zip: a zip inside a zip: not opened",
        "hugo | not filed: no notebook: online text only (onlinetext.html)",
        "Inconnu Total (1099) | not filed: not in the map: exercice.ipynb",
        "lisez-moi.txt | not filed: not inside a student's folder",
        "(system files) | ignored: 2 file(s)",
    ):
        assert phrase in said, (phrase, said)
    assert "gaelle | not filed: no notebook in this submission (archive.zip/plus.zip: a zip" in said
    assert set(people) - {"gaelle", "hugo"} == set(report.filed)
    # every file of the zip is accounted for: filed for its student, or named in the report
    by_lms_id = {lms_id: student for student, (_name, lms_id) in PEOPLE.items()}
    with zipfile.ZipFile(download) as archive:
        for name in archive.namelist():
            leaf = name.rsplit("/", 1)[-1]
            if leaf != "exercice.ipynb":
                assert leaf in said or name in said, name
                continue
            entry = find_moodle_path(tuple(name.split("/")))
            student = by_lms_id.get(entry.lms_id)
            if student is None:
                assert f"{entry.name} ({entry.lms_id}) | not filed" in said, name
            else:
                assert (course.submitted_dir / student / "01-cluetrain" / leaf).is_file(), name


def test_a_corrupt_zip_is_one_clear_error_and_nothing_is_filed(course, tmp_path):
    whole = moodle_zip(tmp_path / "whole.zip", "01-cluetrain", ["amelie", "bastien"])
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(CourseError, match="is not a readable zip file"):
        collect(course, "01-cluetrain", cut)
    assert not course.submitted_dir.exists()


def test_collecting_again_changes_nothing_and_other_content_needs_force(course, tmp_path):
    first = moodle_zip(tmp_path / "a.zip", "01-cluetrain", ["amelie", "bastien"])
    assert collect(course, "01-cluetrain", first).filed == ["amelie-rochat", "bastien-favre"]
    again = collect(course, "01-cluetrain", first)
    assert again.unchanged == ["amelie-rochat", "bastien-favre"] and again.filed == []

    changed = tmp_path / "b.zip"
    with zipfile.ZipFile(changed, "w") as archive:
        add(archive, moodle_entry("amelie") + "exercice.ipynb", b'{"cells": []}')
    kept = collect(course, "01-cluetrain", changed)
    assert [line.outcome for line in kept.problems] == ["kept"]
    target = course.submitted_dir / "amelie-rochat" / "01-cluetrain" / "exercice.ipynb"
    assert json.loads(target.read_text())["cells"]  # the first submission is still there
    forced = collect(course, "01-cluetrain", changed, force=True)
    assert forced.filed == ["amelie-rochat"]
    assert json.loads(target.read_text()) == {"cells": []}


def test_of_two_different_copies_the_newest_is_filed_and_a_tie_files_none(course, tmp_path):
    old, new = (SAMPLES / "01-cluetrain" / s / "exercice.ipynb" for s in ("gaelle", "amelie"))
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w") as archive:
        # amelie: her notebook, and an older copy inside a zip she also uploaded
        add(
            archive,
            moodle_entry("amelie") + "exercice.ipynb",
            new.read_bytes(),
            datetime(2026, 11, 20, 18, 0),
        )
        add(
            archive,
            moodle_entry("amelie") + "brouillon.zip",
            # zipped "later" by the student's clock, but uploaded earlier: the upload counts
            _nested_zip({"exercice.ipynb": old.read_bytes()}, datetime(2026, 11, 20, 19, 0)),
            datetime(2026, 11, 20, 17, 0),
        )
        # bastien: two different copies with the same time: no guess
        for folder, data in (("", old), ("v2/", new)):
            add(archive, moodle_entry("bastien") + folder + "exercice.ipynb", data.read_bytes())
    report = collect(course, "01-cluetrain", download)
    filed = course.submitted_dir / "amelie-rochat" / "01-cluetrain" / "exercice.ipynb"
    assert filed.read_bytes() == new.read_bytes()
    assert any(
        "older copy brouillon.zip/exercice.ipynb not filed" in line.detail for line in report.lines
    )
    assert report.filed == ["amelie-rochat"]
    assert [line.detail for line in report.problems] == [
        "2 different exercice.ipynb with the same time: none filed; keep one"
    ]


def test_two_participants_with_the_same_derived_id_are_not_guessed(course, tmp_path):
    download = tmp_path / "moodle.zip"
    notebook = (SAMPLES / "01-cluetrain" / "amelie" / "exercice.ipynb").read_bytes()
    with zipfile.ZipFile(download, "w") as archive:
        add(archive, "Amélie Rochat_1001_assignsubmission_file_/exercice.ipynb", notebook)
        add(archive, "Amelie Rochat_2044_assignsubmission_file_/exercice.ipynb", notebook)
    report = collect(course, "01-cluetrain", download)
    assert report.filed == []
    assert len(report.problems) == 2
    assert all("give a --map" in line.detail for line in report.problems)


def test_unknown_time_zone_and_missing_source_are_clear_errors(course, tmp_path):
    download = moodle_zip(tmp_path / "a.zip", "01-cluetrain", ["amelie"])
    with pytest.raises(CourseError, match="unknown time zone"):
        collect(course, "01-cluetrain", download, timezone="Mars/Olympus")
    with pytest.raises(CourseError, match="does not exist"):
        collect(course, "01-cluetrain", tmp_path / "nowhere.zip")


def test_the_moodle_collector_plugin_serves_nbgrader_zip_collect():
    plugin = MoodleCollector()
    path = "/c/downloaded/01/extracted/Amélie Rochat_1001_assignsubmission_file_/exercice.ipynb"
    assert plugin.collect(path) == {"student_id": "amelie-rochat", "file_id": "exercice.ipynb"}
    assert plugin.collect(path.replace(".ipynb", ".pdf")) is None
    assert plugin.collect(Path("/c/x/amelie/exercice.ipynb").as_posix()) is None
