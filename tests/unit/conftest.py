"""Unit-test fixtures."""

from __future__ import annotations

import pytest

from exercises import answers


@pytest.fixture
def clean_answers(monkeypatch, tmp_path):
    """An empty answer store, no notebook hints in the environment, a scratch working dir."""
    answers.forget_session()
    for name in ("COURSE_NOTEBOOK", "JPY_SESSION_NAME", "NBGRADER_EXECUTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    answers.forget_session()
