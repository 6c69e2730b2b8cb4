"""The accuracy check on real files made with ffmpeg: what each kind of trouble looks like."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from eas_coder.errors import VideoUnreadable
from eas_coder.media.accuracy import VideoAccuracy, check_video
from tests.media.damaged_files import (
    damaged_tail_mp4,
    empty_file,
    intact_mp4,
    rotated_mp4,
    start_offset_mkv,
    truncated_mp4,
    variable_rate_mkv,
)
from tests.support import shared_clip


def test_an_intact_recording_has_no_findings(tmp_path: Path) -> None:
    found = check_video(intact_mp4(tmp_path / "ok.mp4", seconds=2.0))
    assert (found.frames, found.header_frames, found.decodable_frames) == (50, 50, 50)
    assert found.duration_ms == found.header_duration_ms == 2000
    assert found.audio == "present" and found.audio_peak_dbfs is not None
    assert not found.damaged and found.problems == [] and found.mark == ""
    assert "Every frame listed in the file can be decoded." in found.describe()


def test_the_first_50_kb_of_an_mp4_is_truncated(tmp_path: Path) -> None:
    found = check_video(truncated_mp4(tmp_path / "cut.mp4"))
    assert found.truncated and found.damaged and found.missing_bytes > 0
    assert found.header_frames == 100 and found.frames < 5
    assert found.mark.startswith("truncated")
    assert "its header says 00:04.000 (100 frames)" in found.problems[0]


def test_an_mp4_cut_before_its_index_is_truncated_not_just_unreadable(tmp_path: Path) -> None:
    whole = tmp_path / "slow.mp4"  # the index (moov) at the end, as cameras write it
    intact_mp4(tmp_path / "fast.mp4", seconds=2.0)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(tmp_path / "fast.mp4"), "-c",
                    "copy", str(whole)], check=True, timeout=60)  # fmt: skip
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[:50_000])
    found = check_video(cut)
    assert found.unreadable and found.truncated and found.damaged
    assert found.mark == "truncated"
    assert "truncated" in found.problems[0] and "missing at the end" in found.problems[0]


def test_a_zero_length_file_is_unreadable_and_a_missing_one_raises(tmp_path: Path) -> None:
    found = check_video(empty_file(tmp_path / "empty.mp4"))
    assert found.unreadable == "the file is empty" and found.damaged
    assert found.describe() == "Problem: the file cannot be read: the file is empty."
    with pytest.raises(VideoUnreadable, match="file not found"):
        check_video(tmp_path / "gone.mp4")


def test_a_damaged_tail_is_found_by_decoding_the_last_frames(tmp_path: Path) -> None:
    found = check_video(damaged_tail_mp4(tmp_path / "tail.mp4"))
    assert found.frames == 50 and not found.truncated  # the index still lists them all
    assert 0 < found.unreadable_tail < 50 and found.damaged
    assert found.decodable_frames == 50 - found.unreadable_tail
    assert "damaged end" in found.mark
    assert f"coding stops at frame {found.decodable_frames - 1}" in found.describe()


def test_silent_and_absent_audio(tmp_path: Path) -> None:
    silent = check_video(intact_mp4(tmp_path / "silent.mp4", seconds=1.0, audio="silent"))
    assert silent.audio == "silent" and silent.audio_peak_dbfs is None  # all zero
    assert silent.mark == "audio silent" and not silent.damaged
    assert "the audio track is silent" in silent.describe()
    mute = check_video(intact_mp4(tmp_path / "none.mp4", seconds=1.0, audio="none"))
    assert mute.audio == "absent" and mute.problems == [] and "no audio track" in mute.notes


def test_variable_rate_rotation_and_start_offset_are_notes(tmp_path: Path) -> None:
    vfr = check_video(variable_rate_mkv(tmp_path / "vfr.mkv"))
    assert vfr.variable_rate and vfr.mark == "VFR" and not vfr.damaged
    turned = check_video(rotated_mp4(tmp_path / "turned.mp4"))
    assert turned.rotation == 90 and turned.mark == "rotated 90°"
    late = check_video(start_offset_mkv(tmp_path / "late.mkv"))
    assert late.start_offset_ms == pytest.approx(2000, abs=1)
    assert not late.truncated, "Matroska's duration counts from 0, not from the first frame"
    assert late.mark == "starts late" and "2.000 s, not 0" in late.describe()
    real = check_video(shared_clip("asl-milk.mkv"))  # starts at 33 ms, no frame count
    assert real.frames == 51 and real.header_frames is None and not real.damaged
    assert real.start_offset_ms == pytest.approx(33, abs=1)


def test_json_round_trip_and_newer_keys_ignored(tmp_path: Path) -> None:
    found = check_video(truncated_mp4(tmp_path / "cut.mp4"))
    assert VideoAccuracy.from_json(found.to_json()) == found
    newer = found.to_json()[:-1] + ', "from_a_newer_version": 1}'
    assert VideoAccuracy.from_json(newer) == found
    with pytest.raises(ValueError, match="JSON object"):
        VideoAccuracy.from_json("[1, 2]")
