"""Moved and renamed video files found by content fingerprint and relinked (core and CLI)."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.cli_support import PASSPHRASE_ENV
from eas_coder.errors import StudyError
from eas_coder.location import from_string
from eas_coder.media.probe import fingerprint
from eas_coder.model import Video, VideoInfo
from eas_coder.relink import apply_plan, find_moved
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study

SIZES = (300_000, 310_000, 700_000)  # three "recordings"; 700 kB spans three samples


def _blob(path: Path, size: int, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def _info(path: Path) -> VideoInfo:
    return VideoInfo(1000, 25.0, 25, 320, 240, path.stat().st_size, fingerprint(path))


def _add(study: Study, code: str, path: Path) -> Video:
    return study.videos.add(code, "T1 pre", path, _info(path))


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Study]:
    """A study file in tmp_path with three videos in videos/, one with an angle and audio."""
    with Study.create(from_string(tmp_path / "study.sqlite"), load_scheme(), "S") as study:
        for index, size in enumerate(SIZES):
            _add(study, f"D{index + 1:03}", _blob(tmp_path / "videos" / f"d{index + 1}.mp4",
                                                  size, index))  # fmt: skip
        angle = _blob(tmp_path / "videos" / "d1-cam2.mp4", 200_000, 10)
        audio = _blob(tmp_path / "videos" / "d1.wav", 90_000, 11)
        study.attachments.attach(1, angle, "angle", 0, angle.stat().st_size, fingerprint(angle))
        study.attachments.attach(1, audio, "audio", 0, audio.stat().st_size, fingerprint(audio))
        yield study


def _move_and_rename(tmp_path: Path) -> dict[str, Path]:
    """Move videos/ into nested folders under archive/, renaming every file."""
    moved = {}
    for number, old in enumerate(sorted((tmp_path / "videos").iterdir())):
        new = (
            tmp_path / "archive" / "2026" / f"batch {number % 2}" / f"renamed-{number}{old.suffix}"
        )
        new.parent.mkdir(parents=True, exist_ok=True)
        old.rename(new)
        moved[old.name] = new
    (tmp_path / "videos").rmdir()
    return moved


def test_moved_and_renamed_files_are_found_and_relinked(lab: Study, tmp_path: Path) -> None:
    moved = _move_and_rename(tmp_path)
    # a copy in a hidden folder is not searched (no ambiguity from .Trash or .git)
    hidden = tmp_path / "archive" / ".Trash" / "d1.mp4"
    hidden.parent.mkdir()
    shutil.copy(moved["d1.mp4"], hidden)
    assert len(lab.check().missing_files) == 3
    plan = find_moved(lab, tmp_path / "archive")
    assert {m.status for m in plan.matches} == {"found"} and len(plan.matches) == 5
    assert plan.complete and not plan.ambiguous and not plan.not_found
    by_kind = {(m.missing.kind, m.missing.record_id): m.found for m in plan.matches}
    assert by_kind[("video", 1)] == moved["d1.mp4"]
    assert by_kind[("angle", 1)] == moved["d1-cam2.mp4"]
    assert by_kind[("audio", 2)] == moved["d1.wav"]

    outcome = apply_plan(lab, plan)
    assert len(outcome.relinked) == 5 and not outcome.refused
    report = lab.check()
    assert report.ok and not report.attachment_problems
    video = lab.videos.get(1)
    assert video.path == "archive/2026/batch 1/renamed-1.mp4"  # still relative to the study
    assert video.name == "d1.mp4"  # how sheets and people name it does not change
    assert lab.videos.file_of(video) == moved["d1.mp4"]
    angle, audio = lab.attachments.of_video(1)
    assert lab.attachments.file_of(angle) == moved["d1-cam2.mp4"]
    assert lab.attachments.file_of(audio) == moved["d1.wav"]
    # (the files carry no whole-file hash: their hashes and accuracy checks are recorded too)
    actions = [e.action for e in lab.audit_log(limit=20) if e.action.endswith(".relink")]
    assert sorted(actions) == ["attachment.relink"] * 2 + ["video.relink"] * 3
    entry = next(e for e in lab.audit_log(limit=20) if e.action == "video.relink")
    assert entry.old is not None and "videos/" in entry.old and "archive/" in (entry.new or "")


def test_a_different_file_with_the_same_name_is_not_accepted(lab: Study, tmp_path: Path) -> None:
    _move_and_rename(tmp_path)
    impostor = _blob(tmp_path / "elsewhere" / "d2.mp4", SIZES[1], 99)  # same name and size
    plan = find_moved(lab, tmp_path / "elsewhere")
    assert [m.status for m in plan.matches] == ["not found"] * 5
    assert plan.files_compared == 1 and not plan.complete
    assert not apply_plan(lab, plan).relinked
    old = lab.videos.file_of(lab.videos.get(2))
    with pytest.raises(StudyError) as refused:
        lab.videos.relink(2, impostor, fingerprint(impostor))
    assert str(impostor) in str(refused.value) and str(old) in str(refused.value)
    # the recorded fingerprint claimed for another file does not get past the size check
    other = _blob(tmp_path / "elsewhere" / "short.mp4", 1000, 5)
    with pytest.raises(StudyError, match="never accepted"):
        lab.videos.relink(2, other, lab.videos.get(2).fingerprint or "")
    with pytest.raises(StudyError, match="not a file"):
        lab.videos.relink(2, tmp_path / "nowhere.mp4", "0" * 32)
    angle = lab.attachments.of_video(1)[0]
    with pytest.raises(StudyError, match="cam2"):
        lab.attachments.relink(angle.id, impostor, fingerprint(impostor))
    assert lab.videos.get(2).path == "videos/d2.mp4"


def test_identical_copies_are_reported_not_guessed(lab: Study, tmp_path: Path) -> None:
    moved = _move_and_rename(tmp_path)
    copy = tmp_path / "archive" / "backup" / "d3 copy.mp4"
    copy.parent.mkdir()
    shutil.copy(moved["d3.mp4"], copy)
    plan = find_moved(lab, tmp_path / "archive")
    (ambiguous,) = plan.ambiguous
    assert ambiguous.missing.record_id == 3 and ambiguous.found is None
    assert set(ambiguous.candidates) == {moved["d3.mp4"], copy}
    assert "2 identical files" in ambiguous.describe() and str(copy) in ambiguous.describe()
    outcome = apply_plan(lab, plan)
    assert len(outcome.relinked) == 4
    assert lab.videos.get(3).path == "videos/d3.mp4"  # untouched
    assert [v.id for v in lab.check().missing_files] == [3]


def test_a_file_that_changed_size_is_searched_for(lab: Study, tmp_path: Path) -> None:
    original = tmp_path / "videos" / "d2.mp4"
    keep = tmp_path / "safe" / "d2-original.mp4"
    keep.parent.mkdir()
    shutil.copy(original, keep)
    original.write_bytes(b"re-encoded")  # someone overwrote the file in place
    plan = find_moved(lab, tmp_path)
    (match,) = plan.matches
    assert match.missing.problem == "changed size" and match.found == keep
    apply_plan(lab, plan)
    assert lab.videos.get(2).path == "safe/d2-original.mp4" and lab.check().ok


def test_video_without_a_fingerprint_is_refused_with_a_reason(lab: Study, tmp_path: Path) -> None:
    bare = _blob(tmp_path / "videos" / "old.mp4", 1234, 7)
    video = lab.videos.add("D009", "T1 pre", bare)  # added without probing: no fingerprint
    moved = tmp_path / "moved" / "old.mp4"
    moved.parent.mkdir()
    bare.rename(moved)
    plan = find_moved(lab, tmp_path / "moved")
    (match,) = plan.matches
    assert match.status == "not found" and "no fingerprint" in match.describe()
    with pytest.raises(StudyError, match="no fingerprint was recorded"):
        lab.videos.relink(video.id, moved, fingerprint(moved))
    with pytest.raises(StudyError, match="nothing to relink"):
        lab.videos.relink(lab.videos.add("D010", "T1 pre", None).id, moved, "0" * 32)


def test_a_file_changed_after_the_search_is_refused_on_apply(lab: Study, tmp_path: Path) -> None:
    moved = _move_and_rename(tmp_path)
    plan = find_moved(lab, tmp_path / "archive")
    _blob(moved["d2.mp4"], SIZES[1], 123)  # replaced between search and apply
    moved["d3.mp4"].unlink()
    outcome = apply_plan(lab, plan)
    assert len(outcome.relinked) == 3
    assert sorted(m.missing.record_id for m, _ in outcome.refused) == [2, 3]
    assert any("never accepted" in reason for _, reason in outcome.refused)


def test_a_stopped_search_is_not_applied(lab: Study, tmp_path: Path) -> None:
    _move_and_rename(tmp_path)
    calls: list[tuple[str, int, int]] = []
    plan = find_moved(lab, tmp_path, lambda *a: calls.append(a), stop=lambda: True)
    assert plan.stopped and not plan.complete
    with pytest.raises(StudyError, match="stopped"):
        apply_plan(lab, plan)
    with pytest.raises(StudyError, match="not a folder"):
        find_moved(lab, tmp_path / "no-such-folder")


def test_a_folder_of_500_files_is_searched_by_size_first(lab: Study, tmp_path: Path) -> None:
    _move_and_rename(tmp_path)
    shutil.rmtree(tmp_path / "archive")
    big = tmp_path / "lab-drive"
    targets = {}
    for index, size in enumerate(SIZES):
        targets[index + 1] = _blob(big / f"site {index}" / f"rec-{index}.mov", size, index)
        assert fingerprint(targets[index + 1]) == lab.videos.get(index + 1).fingerprint
    decoys = 0
    for number in range(497):
        folder = big / f"site {number % 7}" / f"day {number % 13}"
        # every 25th file has a video's size (so is compared), the rest are small
        size = SIZES[number % 3] if number % 25 == 0 else 100 + number
        decoys += number % 25 == 0
        _blob(folder / f"clip{number}.mp4", size, 1000 + number)
    plan = find_moved(lab, big)
    assert plan.files_seen == 500
    assert plan.files_compared == 3 + decoys  # only files of a recorded size were read
    videos = {m.missing.record_id: m.found for m in plan.matches if m.missing.kind == "video"}
    assert videos == targets
    assert [m.status for m in plan.matches if m.missing.kind != "video"] == ["not found"] * 2


# --- the command line ---------------------------------------------------------------------------


def test_cli_dry_run_changes_nothing(
    lab: Study, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moved = _move_and_rename(tmp_path)
    db = str(tmp_path / "study.sqlite")
    before = [v.path for v in lab.videos.all()], len(lab.audit_log())
    assert main(["--db", db, "relink", str(tmp_path / "archive"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"→ {moved['d1.mp4']}" in out and out.count("found:") == 5
    assert "Dry run: 5 of 5" in out and "nothing was changed" in out
    assert ([v.path for v in lab.videos.all()], len(lab.audit_log())) == before


def test_cli_relinks_and_reports_what_is_still_missing(
    lab: Study, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moved = _move_and_rename(tmp_path)
    moved["d3.mp4"].unlink()
    shutil.copy(moved["d2.mp4"], tmp_path / "archive" / "d2 again.mp4")
    db = str(tmp_path / "study.sqlite")
    assert main(["--db", db, "relink", str(tmp_path / "archive")]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert any(line.strip().startswith("not found:") and "D003" in line for line in lines)
    assert any(line.strip().startswith("ambiguous:") and "D002" in line for line in lines)
    assert "Relinked 3 of 5 missing file(s); 2 still missing." in out
    assert lab.videos.file_of(lab.videos.get(1)) == moved["d1.mp4"]
    # the rest turns up: everything found, exit 0; then nothing is missing, exit 0
    (tmp_path / "archive" / "d2 again.mp4").unlink()
    _blob(tmp_path / "usb" / "d3.mp4", SIZES[2], 2)
    assert main(["--db", db, "relink", str(tmp_path)]) == 0
    assert "Relinked 2 of 2 missing file(s)." in capsys.readouterr().out
    assert main(["--db", db, "relink", str(tmp_path)]) == 0
    assert "Nothing is missing" in capsys.readouterr().out
    assert lab.check().ok


def test_cli_bad_input_and_the_lab_manager(
    lab: Study, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _move_and_rename(tmp_path)
    db = str(tmp_path / "study.sqlite")
    assert main(["--db", db, "relink", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip()
    assert "nope: not a folder" in err and len(err.splitlines()) == 1
    lab.manager.set_passphrase("secret phrase")
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    assert main(["--db", db, "relink", str(tmp_path)]) == 2
    assert "for the lab manager" in capsys.readouterr().err
    assert main(["--db", db, "relink", str(tmp_path), "--coder", "Nobody"]) == 2
    capsys.readouterr()
    monkeypatch.setenv(PASSPHRASE_ENV, "secret phrase")
    assert main(["--db", db, "--manager", "relink", str(tmp_path)]) == 0
    assert "Relinked 5 of 5" in capsys.readouterr().out


# --- the store, on both backends ----------------------------------------------------------------


def test_store_relink_is_audited_and_checks_the_fingerprint(study: Study, tmp_path: Path) -> None:
    first = _blob(tmp_path / "a" / "rec.mp4", 5000, 1)
    video = _add(study, "D001", first)
    angle_file = _blob(tmp_path / "a" / "cam2.mp4", 6000, 2)
    angle = study.attachments.attach(video.id, angle_file, "angle", 0, 6000,
                                     fingerprint(angle_file))  # fmt: skip
    moved = tmp_path / "b" / "renamed.mp4"
    moved.parent.mkdir()
    first.rename(moved)
    relinked = study.videos.relink(video.id, moved, fingerprint(moved))
    assert study.videos.file_of(relinked) == moved.resolve()
    moved_angle = tmp_path / "b" / "angle.mp4"
    angle_file.rename(moved_angle)
    assert study.attachments.relink(angle.id, moved_angle, fingerprint(moved_angle)).path.endswith(
        "b/angle.mp4"
    )
    assert [e.action for e in study.audit_log(limit=2)] == ["attachment.relink", "video.relink"]
    stranger = _blob(tmp_path / "b" / "stranger.mp4", 5000, 3)
    with pytest.raises(StudyError, match="stranger.mp4"):
        study.videos.relink(video.id, stranger, fingerprint(stranger))
    assert study.videos.get(video.id).path == relinked.path
