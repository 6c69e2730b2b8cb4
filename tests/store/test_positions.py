"""Each coder's last position in each video (issue 23 item 8a): kept per coder and video,
updated in place, refused when nonsense; on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from eas_coder.errors import StudyError
from eas_coder.media.probe import fingerprint
from eas_coder.model import Video, VideoInfo
from eas_coder.store.study import Study


def _video(study: Study, tmp_path: Path, code: str) -> Video:
    path = tmp_path / f"{code}.mp4"
    path.write_bytes(random.Random(code).randbytes(4096))
    info = VideoInfo(60_000, 25.0, 1500, 320, 240, path.stat().st_size, fingerprint(path))
    return study.videos.add(code, "T1", path, info)


def test_each_coder_keeps_their_own_place_in_each_video(study: Study, tmp_path: Path) -> None:
    ana, ben = study.coders.add("Ana"), study.coders.add("Ben")
    first, second = _video(study, tmp_path, "D01"), _video(study, tmp_path, "D02")
    assert study.positions.get(first.id, ana.id) is None  # never opened: from the start
    study.positions.remember(first.id, ana.id, 12_345)
    study.positions.remember(first.id, ben.id, 40_000)
    study.positions.remember(second.id, ana.id, 0)
    study.positions.remember(first.id, ana.id, 23_456)  # left again later: updated in place
    assert study.positions.get(first.id, ana.id) == 23_456
    assert study.positions.get(first.id, ben.id) == 40_000
    assert study.positions.get(second.id, ana.id) == 0
    assert study.positions.get(second.id, ben.id) is None
    # a place on the tape is not work: the audit log stays free of it
    assert not [e for e in study.audit_log() if "position" in e.entity]


def test_a_nonsense_position_is_refused_and_nothing_written(study: Study, tmp_path: Path) -> None:
    ana = study.coders.add("Ana")
    video = _video(study, tmp_path, "D01")
    for bad in (-1, 2.5, True):
        with pytest.raises(StudyError, match="whole number of ms"):
            study.positions.remember(video.id, ana.id, bad)  # type: ignore[arg-type]
    assert study.positions.get(video.id, ana.id) is None
