"""Several study settings saved at once (the Study Settings dialog, issue 23 item 1): all or
none, only changed values written, each change audited."""

from __future__ import annotations

import json

import pytest

from eas_coder.errors import StudyError
from eas_coder.store.settings import CHOICES, DEFAULTS, problem
from eas_coder.store.study import Study


def test_set_many_writes_changes_in_one_audited_transaction(study: Study) -> None:
    before = len(study.audit_log())
    changed = study.settings.set_many(
        {"reliability.target": 0.8, "backups.keep": 10, "coding.self_assign": True}
    )
    assert changed == ["reliability.target", "coding.self_assign"]  # backups.keep as it was
    values = study.settings.all()
    assert values["reliability.target"] == 0.8 and values["coding.self_assign"] is True
    assert list(values) == list(DEFAULTS)
    entries = study.audit_log()[: len(study.audit_log()) - before]
    assert [(e.action, json.loads(e.new or "")) for e in reversed(entries)] == [
        ("setting.set", {"reliability.target": 0.8}),
        ("setting.set", {"coding.self_assign": True}),
    ]


def test_one_bad_value_saves_none(study: Study) -> None:
    with pytest.raises(StudyError, match=r"reliability.min_n must be a whole number from 2"):
        study.settings.set_many({"reliability.target": 0.9, "reliability.min_n": 1})
    assert study.settings.get("reliability.target") == DEFAULTS["reliability.target"]
    with pytest.raises(StudyError, match="unknown setting 'no.such'"):
        study.settings.set_many({"no.such": 1})


def test_problem_names_what_is_allowed() -> None:
    assert problem("reliability.target", 0.5) is None
    assert problem("reliability.target", 1.5) == "must be a number from 0 to 1, not 1.5"
    assert problem("backups.keep", True) == "must be a whole number from 1 to 100, not True"
    for key, words in CHOICES.items():
        assert DEFAULTS[key] in words
        assert problem(key, "nonsense") is not None
