"""`eas-coder timepoints`: show and set the order; the lab manager's in a study with a
passphrase; a list leaving out a recorded timepoint is refused, naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study

PASSPHRASE = "manager-secret-1"


@pytest.fixture
def three_timepoints(tmp_path: Path) -> Path:
    db = tmp_path / "t.sqlite"
    with Study.create(from_string(db), load_scheme("eas-direct"), "T") as study:
        study.coders.add("Ana")
        for tp in ("follow-up", "post", "pre"):
            study.videos.add("M1", tp, None)
    return db


def test_show_set_and_refuse(three_timepoints: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(three_timepoints)
    assert main(["--db", db, "timepoints"]) == 0
    assert "No order set" in capsys.readouterr().out
    assert main(["--db", db, "timepoints", "set", "pre", "follow-up"]) == 2
    err = capsys.readouterr().err
    assert "'post'" in err and "leaves out" in err and "nothing was changed" in err
    assert main(["--db", db, "timepoints", "set", "Pre", "post", "pre"]) == 2
    assert "named twice" in capsys.readouterr().err
    assert main(["--db", db, "timepoints", "set", "PRE", "post", "follow-up", "6 months"]) == 0
    assert "pre → post → follow-up → 6 months" in capsys.readouterr().out
    with Study.open(from_string(three_timepoints)) as study:
        assert study.timepoints.order() == ["pre", "post", "follow-up", "6 months"]
        study.videos.add("M2", "12 months", None)  # recorded after the order was set
        assert study.timepoints.ordered()[-1] == "12 months"
        assert study.timepoints.unlisted() == ["12 months"]
        assert study.audit_log(1)[0].action == "video.add"
    assert main(["--db", db, "timepoints"]) == 0
    assert "Not in the order" in capsys.readouterr().out


def test_only_the_lab_manager_sets_the_order(
    three_timepoints: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Study.open(from_string(three_timepoints)) as study:
        study.manager.set_passphrase(PASSPHRASE)
    db = str(three_timepoints)
    order = ["timepoints", "set", "pre", "post", "follow-up"]
    assert main(["--db", db, "--coder", "Ana", *order]) == 2
    assert "for the lab manager" in capsys.readouterr().err
    assert main(["--db", db, *order]) == 2
    monkeypatch.setenv("EAS_CODER_MANAGER_PASSPHRASE", PASSPHRASE)
    assert main(["--db", db, "--manager", *order]) == 0
    assert main(["--db", db, "--manager", "measures", "set-direction", "BDI", "lower"]) == 0
    with Study.open(from_string(three_timepoints)) as study:
        assert study.timepoints.order() == ["pre", "post", "follow-up"]
        assert study.audit_log(2)[1].action == "timepoints.set"
