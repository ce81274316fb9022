"""The cached metadata validator used while a batch runs nbgrader's preprocessors."""

from __future__ import annotations

import copy

import jsonschema
import pytest

from grader.grade import steps

pytestmark = pytest.mark.unit

SCHEMA = {
    "type": "object",
    "properties": {"grade_id": {"type": "string"}, "points": {"type": "number"}},
    "required": ["grade_id"],
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    "instance",
    [{"points": 1}, {"grade_id": 3}, {"grade_id": "q1", "extra": True}, "not an object"],
)
def test_invalid_metadata_raises_what_jsonschema_raises(instance):
    with pytest.raises(jsonschema.ValidationError) as expected:
        jsonschema.validate(instance, SCHEMA)
    with pytest.raises(jsonschema.ValidationError) as ours:
        steps._validate(instance, copy.deepcopy(SCHEMA))
    assert ours.value.message == expected.value.message


def test_a_schema_loaded_again_reuses_its_validator():
    steps._validate({"grade_id": "q1"}, copy.deepcopy(SCHEMA))
    count = len(steps._VALIDATORS)
    steps._validate({"grade_id": "q2", "points": 2}, copy.deepcopy(SCHEMA))
    assert len(steps._VALIDATORS) == count
    with pytest.raises(jsonschema.ValidationError):  # a cached success is per instance
        steps._validate({"grade_id": "q1", "points": "two"}, copy.deepcopy(SCHEMA))
