"""Blind coding that holds at every door (issue 14, item 4), on a study shaped like the demo.

A coder sees another coder's work on a video only when both are assigned to it, both have
submitted it, and so has every other coder assigned to it; the lab manager sees all. A coder
who is not assigned to a video sees nobody's work on it. The reliability sample never gives a
coder a video whose other coders' work they could already have seen; a video is only coded
by a coder assigned to it (self-assignment is a study setting, audited); a coder's
passphrase, when set, is asked at sign-in; the audit log names coder and computer login.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from alembic import command

from eas_coder.cli import main
from eas_coder.cli_support import CODER_PASSPHRASE_ENV, PASSPHRASE_ENV
from eas_coder.errors import StudyError
from eas_coder.location import Location, from_string
from eas_coder.reliability import compute
from eas_coder.review import disagreements
from eas_coder.scheme import load_scheme
from eas_coder.store.database import alembic_config, make_engine
from eas_coder.store.study import Study
from eas_coder.store.unit import os_user
from eas_coder.viewer import Viewer

PASSPHRASE = "lab-secret-42"
A, B, C = "Coder A", "Coder B", "Coder C"
# The demo's shape: A codes and submits all eight tapes, B double-codes four (in progress),
# C is assigned two tapes and has coded nothing.
DOUBLE_CODED = (0, 1, 4, 5)
C_ASSIGNED = (2, 4)
# Tapes every assigned coder has submitted and C is not assigned: the demo's leak.
LEAKED = (3, 6, 7)


def make_demo_like(path: Path, passphrase: str | None = PASSPHRASE) -> Path:
    """The demo-like study in a SQLite file (see ``build_demo_like``)."""
    build_demo_like(from_string(path), passphrase)
    return path


def build_demo_like(where: Location, passphrase: str | None = PASSPHRASE) -> None:
    """Eight videos v0..v7; A: one segment and session scores on each, all submitted; B the
    same on the double-coded four, none submitted; C assigned v2 and v4, nothing coded."""
    with Study.create(where, load_scheme("eas-demo"), "Demo-like") as study:
        a, b, c = study.coders.add_many([A, B, C])
        videos = [
            study.videos.add(f"D00{n // 2 + 1}", ("T1 pre", "T2 post")[n % 2], None, name=f"v{n}")
            for n in range(8)
        ]
        for n, video in enumerate(videos):
            for coder in (a, b) if n in DOUBLE_CODED else (a,):
                study.assignments.add(video.id, coder.id)
                seg = study.segments.add(video.id, coder.id, 0, 1_000, "free_play", "seen it")
                for key in study.scheme.keys:
                    study.ratings.set(video.id, coder.id, key, 5, segment_id=seg.id)
                    study.ratings.set(video.id, coder.id, key, 6 if coder is a else 3)
            study.assignments.submit(video.id, a.id)
        for n in C_ASSIGNED:
            study.assignments.add(videos[n].id, c.id)
        if passphrase:
            study.manager.set_passphrase(passphrase)


@pytest.fixture(autouse=True)
def _nobody_at_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """No passphrases from the environment, and stdin is not a terminal (nobody to ask)."""
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    monkeypatch.delenv(CODER_PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())


@pytest.fixture
def demo_like(tmp_path: Path) -> Path:
    return make_demo_like(tmp_path / "demo-like.sqlite")


def _ids(study: Study) -> tuple[list[int], dict[str, int]]:
    return [v.id for v in study.videos.all()], {c.name: c.id for c in study.coders.all()}


def _csv_ratings(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# --- what a coder sees ----------------------------------------------------------------------


def test_an_unassigned_coder_sees_nobodys_submitted_work(demo_like: Path) -> None:
    with Study.open(from_string(demo_like)) as study:
        videos, coders = _ids(study)
        as_c = Viewer(study.coders.get(C), study.assignments.all())
        for n in LEAKED:  # every assigned coder submitted, but C is not one of them
            assert not as_c.sees(videos[n], coders[A]), f"C sees A's work on v{n}"
            assert not as_c.sees_all(videos[n])
        seen = {(r.video_id, r.coder_id) for r in as_c.only_visible(study.ratings.all())}
        assert seen == set()
        assert Viewer.everyone().sees(videos[3], coders[A])


def test_a_coder_sees_the_others_only_after_submitting_too(demo_like: Path) -> None:
    with Study.open(from_string(demo_like)) as study:
        videos, coders = _ids(study)
        v2 = videos[2]  # A submitted; C assigned, not yet
        assert not Viewer(study.coders.get(C), study.assignments.all()).sees(v2, coders[A])
        study.ratings.set(v2, coders[C], "sensitivity", 4)
        study.assignments.submit(v2, coders[C])
        as_c = Viewer(study.coders.get(C), study.assignments.all())
        assert as_c.sees(v2, coders[A]) and as_c.sees_all(v2)
        # B is not assigned to v2: still nothing there for B
        as_b = Viewer(study.coders.get(B), study.assignments.all())
        assert not as_b.sees(v2, coders[A]) and not as_b.sees(v2, coders[C])


def test_cli_export_as_an_unassigned_coder_holds_no_other_coders_work(
    demo_like: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "c.csv"
    assert main(["--db", str(demo_like), "--coder", C, "export", str(out)]) == 0
    ratings = _csv_ratings(tmp_path / "c-Ratings.csv")
    leaked = sorted({r["video"] for r in ratings if r["coder"] != C})
    assert leaked == [], f"Coder C's export holds others' scores on {leaked}"
    assert main(["--db", str(demo_like), "--coder", B, "export", str(tmp_path / "b.csv")]) == 0
    b_rows = _csv_ratings(tmp_path / "b-Ratings.csv")
    assert {r["coder"] for r in b_rows} == {B}  # B submitted nothing: only B's own work


def test_a_backup_opened_as_a_study_keeps_the_rule(
    demo_like: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup (here one an earlier version took: schema 0006) opened with --db is a study
    like any other: C's export from it holds no other coder's work."""
    folder = tmp_path / "backups"
    folder.mkdir()
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert main(["--db", str(demo_like), "--manager", "backup", str(folder)]) == 0
    (backup,) = folder.iterdir()
    _as_made_by_an_earlier_version(from_string(backup))
    monkeypatch.delenv(PASSPHRASE_ENV)
    out = tmp_path / "c.csv"
    assert main(["--db", str(backup), "--coder", C, "export", str(out)]) == 0
    assert {r["coder"] for r in _csv_ratings(tmp_path / "c-Ratings.csv")} <= {C}


def test_reliability_and_disagreements_apply_the_same_rule_to_a_coder(tmp_path: Path) -> None:
    path = make_demo_like(tmp_path / "open.sqlite", passphrase=None)
    with Study.open(from_string(path)) as study:
        as_b = Viewer(study.coders.get(B), study.assignments.all())
        report = compute(study, [A, B], viewer=as_b)
        assert all(d.n_units == 0 for d in report.dimensions.values())
        assert disagreements(study, [A, B], minimum=0.0, viewer=as_b) == []
        assert disagreements(study, [A, B], minimum=0.0)  # the manager's view has them


def test_cli_reliability_with_coder_in_an_open_study_is_the_coders_view(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(make_demo_like(tmp_path / "open.sqlite", passphrase=None))
    assert main(["--db", db, "--coder", B, "disagreements", "--coders", f"{A},{B}"]) == 0
    assert "No disagreements" in capsys.readouterr().out
    assert main(["--db", db, "disagreements", "--coders", f"{A},{B}"]) == 0
    assert "No disagreements" not in capsys.readouterr().out


# --- the reliability sample -----------------------------------------------------------------


def _as_made_by_an_earlier_version(location: Location) -> None:
    """Take the study back to schema 0006 (before this rule), as an older EAS Coder left it."""
    engine = make_engine(location)
    try:
        config = alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0006_rating_version")
    finally:
        engine.dispose()


def _arg(location: Location) -> str:
    if location.path is not None:
        return str(location.path)
    return location.url.render_as_string(hide_password=False)


def test_sample_never_gives_a_coder_a_video_whose_work_they_could_see(
    db_location: Location, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a study an earlier version ran, C could see A's submitted work on v3, v6, v7 (the
    old rule showed it to every coder); a sample of every video must not give C those."""
    build_demo_like(db_location)
    _as_made_by_an_earlier_version(db_location)
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    db = _arg(db_location)
    argv = ["--db", db, "--manager", "sample", "--coders", f"{A},{C}", "--share", "1"]
    assert main(argv) == 0
    with Study.open(db_location) as study:
        videos, coders = _ids(study)
        given = {a.video_id for a in study.assignments.all(coders[C])}
    leaked = sorted(f"v{videos.index(v)}" for v in given if videos.index(v) in LEAKED)
    assert leaked == [], f"the sample gave C videos whose scores C could see: {leaked}"
    assert given == {videos[n] for n in range(8) if n not in LEAKED}
    out = capsys.readouterr().out
    assert "Left out 3 videos" in out and "D002 · T2 post" in out


def test_sample_on_a_study_blind_from_the_start_may_give_submitted_videos(tmp_path: Path) -> None:
    """Under this rule an unassigned coder never saw anything: A's submitted tapes are the
    usual reliability sample for a second coder."""
    from eas_coder.sampling import assign_sample

    path = make_demo_like(tmp_path / "new.sqlite")
    with Study.open(from_string(path)) as study:
        assign_sample(study, [A, C], 1.0, seed=3)
        videos, coders = _ids(study)
        assert {a.video_id for a in study.assignments.all(coders[C])} == set(videos)


# --- no silent self-assignment --------------------------------------------------------------


def test_submitting_an_unassigned_video_does_not_assign_it(demo_like: Path) -> None:
    with Study.open(from_string(demo_like)) as study:
        videos, coders = _ids(study)
        study.ratings.set(videos[3], coders[C], "sensitivity", 4)
        with pytest.raises(StudyError, match="not assigned"):
            study.assignments.submit(videos[3], coders[C])
        assert [a.coder_id for a in study.assignments.of_video(videos[3])] == [coders[A]]


def test_self_assignment_is_refused_unless_the_study_allows_it_and_always_audited(
    demo_like: Path,
) -> None:
    with Study.open(from_string(demo_like)) as study:
        videos, coders = _ids(study)
        assert study.settings.get("coding.self_assign") is False
        with pytest.raises(StudyError, match="not assigned"):
            study.assignments.claim(videos[3], coders[C])
        assert [a.coder_id for a in study.assignments.of_video(videos[3])] == [coders[A]]
        refused = study.audit_log(limit=1)[0]
        assert (refused.action, refused.entity_id) == ("assignment.refused", videos[3])
        study.settings.set("coding.self_assign", True)
        made = study.assignments.claim(videos[3], coders[C])
        assert (made.video_id, made.coder_id) == (videos[3], coders[C])
        claimed = study.audit_log(limit=1)[0]
        assert claimed.action == "assignment.add" and '"self_assigned": true' in str(claimed.new)
        with pytest.raises(StudyError, match="true or false"):
            study.settings.set("coding.self_assign", "yes")


# --- passphrases and the audit log ----------------------------------------------------------


def test_a_coder_with_a_passphrase_is_asked_for_it_on_the_command_line(
    demo_like: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with Study.open(from_string(demo_like)) as study:
        study.coders.set_passphrase(A, "ana-only-7")
        assert study.coders.has_passphrase(A) and not study.coders.has_passphrase(B)
        assert study.coders.verify(A, "ana-only-7") and not study.coders.verify(A, "guess")
        stored = " ".join(str(e.new) for e in study.audit_log())
        assert "ana-only-7" not in stored
    out = tmp_path / "a.csv"
    assert main(["--db", str(demo_like), "--coder", A, "export", str(out)]) == 2
    assert CODER_PASSPHRASE_ENV in capsys.readouterr().err and not out.exists()
    monkeypatch.setenv(CODER_PASSPHRASE_ENV, "wrong-one")
    assert main(["--db", str(demo_like), "--coder", A, "export", str(out)]) == 2
    assert "wrong passphrase for Coder A" in capsys.readouterr().err
    monkeypatch.setenv(CODER_PASSPHRASE_ENV, "ana-only-7")
    assert main(["--db", str(demo_like), "--coder", A, "export", str(out)]) == 0
    # B has none: nothing to ask
    assert main(["--db", str(demo_like), "--coder", B, "export", str(tmp_path / "b.csv")]) == 0


def test_the_lab_manager_sets_a_coders_passphrase_from_stdin(
    demo_like: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_like)
    monkeypatch.setattr("sys.stdin", io.StringIO("bens-phrase-1\n"))
    assert main(["--db", db, "coders", "passphrase", B]) == 2
    assert "add --manager" in capsys.readouterr().err
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.setattr("sys.stdin", io.StringIO("bens-phrase-1\n"))
    assert main(["--db", db, "--manager", "coders", "passphrase", B]) == 0
    assert "Set the passphrase of Coder B" in capsys.readouterr().out
    with Study.open(from_string(db)) as study:
        assert study.coders.verify(B, "bens-phrase-1")
        entry = study.audit_log(limit=1)[0]
        assert entry.action == "coder.passphrase" and "bens-phrase-1" not in str(entry.new)
        assert "lab manager" in entry.actor and os_user() in entry.actor
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["--db", db, "--manager", "coders", "passphrase", B, "--clear"]) == 0
    with Study.open(from_string(db)) as study:
        assert not study.coders.has_passphrase(B)


def test_the_audit_log_names_the_signed_in_coder_and_the_login(demo_like: Path) -> None:
    with Study.open(from_string(demo_like)) as study:
        videos, coders = _ids(study)
        study.coders.act_as(study.coders.get(C))
        study.segments.add(videos[2], coders[C], 0, 500)
        entry = study.audit_log(limit=1)[0]
        assert C in entry.actor and os_user() in entry.actor
        study.coders.act_as(None, manager=True)
        study.settings.set("coding.self_assign", True)
        assert study.audit_log(limit=1)[0].actor.startswith("lab manager")
