"""The lab manager's coder jobs in the store (issue 23, item 2): rename, retire and bring
back, delete only a coder without work, passphrases; each one audited transaction, on SQLite
and PostgreSQL; a second process sees the change."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from eas_coder.errors import Conflict, StudyError
from eas_coder.exchange.export import export_study
from eas_coder.model import VideoInfo
from eas_coder.store.study import Study

INFO = VideoInfo(
    duration_ms=60_000, fps=30.0, frame_count=1800, width=320, height=240,
    file_size=1234, fingerprint="ab" * 16,
)  # fmt: skip


def _rated(study: Study, name: str = "Ana") -> tuple[int, int]:
    video = study.videos.add("D001", "T1 pre", None, INFO)
    coder = study.coders.add(name)
    study.assignments.add(video.id, coder.id)
    study.ratings.set(video.id, coder.id, "sensitivity", 5.5)
    return video.id, coder.id


def test_rename_keeps_the_work_and_refuses_a_taken_name(study: Study) -> None:
    video_id, ana = _rated(study)
    study.coders.add("Ben")
    decomposed = unicodedata.normalize("NFD", "José")
    renamed = study.coders.rename(ana, f"  {decomposed}  ")
    assert renamed.name == "José" and unicodedata.is_normalized("NFC", renamed.name)
    assert [r.coder_id for r in study.ratings.all(video_id=video_id)] == [ana]
    with pytest.raises(Conflict, match="'Ben' already exists"):
        study.coders.rename("José", "ben")  # one identity, typed otherwise
    with pytest.raises(StudyError, match="missing"):
        study.coders.rename("José", "   ")
    assert study.coders.get(ana).name == "José"  # refused: nothing changed
    entry = study.audit_log(limit=1)[0]
    assert entry.action == "coder.rename" and entry.entity_id == ana
    assert (json.loads(entry.old or ""), json.loads(entry.new or "")) == (
        {"name": "Ana"},
        {"name": "José"},
    )


def test_retire_keeps_ratings_and_exports_and_can_be_undone(study: Study, tmp_path: Path) -> None:
    video_id, ana = _rated(study)
    retired = study.coders.retire("Ana")
    assert not retired.active
    (standing,) = study.coders.standings()
    assert standing.retired_at is not None and standing.has_work
    assert standing.work_text() == "1 assignment, 1 rating"
    assert [r.score for r in study.ratings.all(video_id=video_id)] == [5.5]
    if study.location.is_sqlite:  # the export is the same on both; once is enough
        written = export_study(study, tmp_path / "out.csv")
        ratings = next(p for p in written if "Ratings" in p.name)
        with ratings.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [(r["coder"], r["dimension"], r["score"]) for r in rows] == [
            ("Ana", "sensitivity", "5.5")
        ]
    with pytest.raises(StudyError, match="retired already"):
        study.coders.retire(ana)
    assert study.coders.unretire(ana).active
    assert study.coders.standings()[0].retired_at is None
    actions = [e.action for e in study.audit_log(limit=2)]
    assert actions == ["coder.unretire", "coder.retire"]


def test_a_coder_with_work_is_never_deleted_one_without_may_be(study: Study) -> None:
    _video, ana = _rated(study)
    with pytest.raises(Conflict, match="Ana has 1 assignment, 1 rating.*retire them instead"):
        study.coders.delete(ana)
    assert [c.name for c in study.coders.all()] == ["Ana"]
    typo = study.coders.add("Bne")
    study.coders.delete(typo.id)
    assert [c.name for c in study.coders.all()] == ["Ana"]
    entry = study.audit_log(limit=1)[0]
    assert (entry.action, entry.entity_id, json.loads(entry.old or "")) == (
        "coder.delete",
        typo.id,
        {"name": "Bne"},
    )


def test_set_and_clear_a_coders_passphrase(study: Study) -> None:
    study.coders.add("Ana")
    study.coders.set_passphrase("Ana", "correct horse")
    assert study.coders.standings()[0].has_passphrase
    assert study.coders.verify("Ana", "correct horse")
    assert not study.coders.verify("Ana", "wrong horse!")
    study.coders.set_passphrase("Ana", None)
    assert not study.coders.standings()[0].has_passphrase
    assert study.coders.verify("Ana", "anything")


def test_a_second_process_sees_the_new_coder(study: Study) -> None:
    study.coders.add("Ana")
    study.coders.add("Ben")
    study.coders.retire("Ben")
    where = study.location.url.render_as_string(hide_password=False)
    listed = subprocess.run(
        [sys.executable, "-m", "eas_coder", "--db", where, "coders", "list"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    lines = [line.split(None, 1)[1] for line in listed.stdout.splitlines()]
    assert lines == ["Ana", "Ben  (inactive)"]
