"""Angles and audio attached to a video: offsets, fingerprints, checks — both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from eas_coder.errors import Conflict, StudyError
from eas_coder.media.probe import fingerprint
from eas_coder.store.study import Study


def test_attach_retime_detach_and_check(study: Study, tmp_path: Path) -> None:
    main = tmp_path / "mother.mp4"
    other = tmp_path / "infant.mp4"
    audio = tmp_path / "recorder.wav"
    for file, size in ((main, 10), (other, 20), (audio, 30)):
        file.write_bytes(b"x" * size)
    video = study.videos.add("D001", "T1 pre", main)
    angle = study.attachments.attach(
        video.id, other, "angle", -1000, other.stat().st_size, fingerprint(other)
    )
    sound = study.attachments.attach(video.id, audio, "audio", 250, audio.stat().st_size)
    assert [a.kind for a in study.attachments.of_video(video.id)] == ["angle", "audio"]
    assert angle.fingerprint == fingerprint(other) and angle.offset_ms == -1000
    with pytest.raises(Conflict):
        study.attachments.attach(video.id, other, "angle")
    with pytest.raises(Conflict):
        study.attachments.attach(video.id, main, "angle")
    with pytest.raises(StudyError, match="'angle' or 'audio'"):
        study.attachments.attach(video.id, tmp_path / "x.mp4", "subtitle")
    with pytest.raises(StudyError, match="more than a day"):
        study.attachments.set_offset(angle.id, 10**10)
    assert study.attachments.set_offset(angle.id, -980).offset_ms == -980
    assert study.check().ok
    other.write_bytes(b"y" * 21)
    audio.unlink()
    problems = study.check().attachment_problems
    assert any("changed size" in p and "infant.mp4" in p for p in problems)
    assert any("missing attached audio" in p for p in problems)
    assert not study.check().ok
    study.attachments.detach(sound.id)
    assert [a.id for a in study.attachments.of_video(video.id)] == [angle.id]
    actions = [e.action for e in study.audit_log()]
    assert {"attachment.add", "attachment.offset", "attachment.remove"} <= set(actions)
