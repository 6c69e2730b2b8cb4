"""``eas-coder coders rename | retire | unretire | delete`` (issue 23, item 2): the lab
manager's coder jobs on the command line, refusals in one line with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.location import from_string
from eas_coder.store.study import Study


def test_rename_retire_unretire_delete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "lab.sqlite")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "coders", "add", "Ana", "Ben", "Bne"]) == 0
    with Study.open(from_string(db), backup=False) as study:
        video = study.videos.add("M01", "pre", None)
        study.assignments.add(video.id, study.coders.get("Ben").id)
    capsys.readouterr()
    assert main(["--db", db, "coders", "rename", "ana", "Ana Silva"]) == 0
    assert capsys.readouterr().out == "Renamed Ana to Ana Silva\n"
    assert main(["--db", db, "coders", "retire", "Ben"]) == 0
    assert main(["--db", db, "coders", "delete", "Bne"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "coders", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["   1  Ana Silva", "   2  Ben  (inactive)"]
    # Ben has work: never deleted; the refusal says why and what to do instead
    assert main(["--db", db, "coders", "delete", "Ben"]) == 2
    err = capsys.readouterr().err
    assert "Ben has 1 assignment" in err and "retire them instead" in err
    assert err.count("\n") == 1
    assert main(["--db", db, "coders", "unretire", "Ben"]) == 0
    assert main(["--db", db, "coders", "rename", "Ben", "ana silva"]) == 2
    assert "already exists" in capsys.readouterr().err
    with Study.open(from_string(db), backup=False) as study:
        actions = [e.action for e in study.audit_log(limit=4)]
    assert actions == ["coder.unretire", "coder.delete", "coder.retire", "coder.rename"]


def test_a_retired_coder_cannot_sign_in_on_the_command_line_or_in_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The window no longer offers a retired coder at sign-in; neither do --coder and
    eas_coder.open_study(coder=...) (before, both let them in as if active)."""
    import eas_coder
    from eas_coder.cli_support import UsageError

    db = str(tmp_path / "lab.sqlite")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "coders", "add", "Ben"]) == 0
    with Study.open(from_string(db), backup=False) as study:
        video = study.videos.add("M01", "pre", None)
        study.assignments.add(video.id, study.coders.get("Ben").id)
    assert main(["--db", db, "coders", "retire", "Ben"]) == 0
    capsys.readouterr()
    out = tmp_path / "ben.csv"
    assert main(["--db", db, "--coder", "Ben", "export", str(out), "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "Ben is retired" in err and "unretire" in err
    assert not list(tmp_path.glob("ben*.csv"))  # nothing written
    with pytest.raises(UsageError, match="Ben is retired"):
        eas_coder.open_study(db, coder="Ben")
    assert main(["--db", db, "coders", "unretire", "Ben"]) == 0
    with eas_coder.open_study(db, coder="Ben") as study:  # active again: in
        assert "Ben" in study.seen_as
