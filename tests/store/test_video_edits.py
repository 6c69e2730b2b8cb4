"""The lab manager's changes to videos (issue 23 item 3): edit, remove or archive, restore,
relink one picked file; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from eas_coder.errors import Conflict, StudyError
from eas_coder.exchange.meta_sheets import ARCHIVED_ROW, build_sheets
from eas_coder.media.probe import fingerprint, full_hash
from eas_coder.model import Video, VideoInfo
from eas_coder.relink import relink_video
from eas_coder.sampling import plan_sample
from eas_coder.store.study import Study


def _blob(path: Path, seed: int, size: int = 2_000_000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def _add(study: Study, code: str, timepoint: str, path: Path) -> Video:
    info = VideoInfo(1000, 25.0, 25, 320, 240, path.stat().st_size, fingerprint(path))
    return study.videos.add(code, timepoint, path, info, full_hash=full_hash(path))


def _actions(study: Study) -> list[str]:
    return [entry.action for entry in study.audit_log()]


def test_edit_changes_dyad_timepoint_and_name_audited(study: Study, tmp_path: Path) -> None:
    video = _add(study, "M001_pre", "T?", _blob(tmp_path / "M001_pre.mp4", 1))
    edited = study.videos.edit(video.id, participant="M001", timepoint="pre", name="M001 pre")
    assert (edited.participant_code, edited.timepoint, edited.name) == ("M001", "pre", "M001 pre")
    entry = study.audit_log()[0]
    assert entry.action == "video.edit"
    old, new = json.loads(str(entry.old)), json.loads(str(entry.new))
    assert old == {"participant": "M001_pre", "timepoint": "T?", "name": "M001_pre.mp4"}
    assert new == {"participant": "M001", "timepoint": "pre", "name": "M001 pre"}


def test_edit_refuses_duplicates_and_bad_input_writing_nothing(
    study: Study, tmp_path: Path
) -> None:
    first = _add(study, "D1", "pre", _blob(tmp_path / "a.mp4", 1))
    second = _add(study, "D1", "post", _blob(tmp_path / "b.mp4", 2))
    before = study.audit_log()
    with pytest.raises(Conflict, match="dyad D1 already has a video at timepoint 'pre'"):
        study.videos.edit(second.id, timepoint="PRE")
    with pytest.raises(Conflict, match="the name 'A.MP4' is already taken by video .*'a.mp4'"):
        study.videos.edit(second.id, name="A.MP4")
    with pytest.raises(StudyError, match="the timepoint label .* is missing"):
        study.videos.edit(second.id, timepoint="   ")
    with pytest.raises(StudyError, match="dyad code is longer than 100"):
        study.videos.edit(second.id, participant="x" * 101)
    assert study.audit_log() == before
    assert study.videos.get(second.id) == second and study.videos.get(first.id) == first


def test_uncoded_video_is_deleted_coded_one_archived_and_restored(
    study: Study, tmp_path: Path
) -> None:
    coder = study.coders.add("Ana")
    bare = _add(study, "D1", "pre", _blob(tmp_path / "a.mp4", 1))
    coded = _add(study, "D2", "pre", _blob(tmp_path / "b.mp4", 2))
    study.assignments.add(bare.id, coder.id)
    study.assignments.add(coded.id, coder.id)
    segment = study.segments.add(coded.id, coder.id, 0, 500, None)
    dimension = study.scheme.dimensions[0]
    study.ratings.set(
        coded.id, coder.id, dimension.key, dimension.scale.minimum, segment_id=segment.id
    )

    assert study.videos.remove(bare.id) == "deleted"
    assert bare.id not in {v.id for v in study.videos.all()}
    assert _actions(study)[0] == "video.remove"

    assert study.videos.remove(coded.id) == "archived"
    assert _actions(study)[0] == "video.archive"
    assert [v.id for v in study.videos.in_use()] == []
    assert [v.id for v in study.videos.archived()] == [coded.id]
    # the work stays, in the database and in the exports, marked on the About sheet
    assert study.ratings.all(video_id=coded.id) and study.segments.all(video_id=coded.id)
    assert next(s for s in build_sheets(study) if s.name == "Sessions").rows
    data_rows = [r for s in build_sheets(study) if s.name == "About" for r in s.rows]
    marked = [r for r in data_rows if r[0] == ARCHIVED_ROW]
    assert len(marked) == 1 and "D2 · pre" in marked[0][1] and "work is included" in marked[0][1]
    # it leaves assignment and the reliability sample
    other = study.coders.add("Ben")
    with pytest.raises(StudyError, match="archived: restore it"):
        study.assignments.add(coded.id, other.id)
    assert plan_sample(study, ["Ben"], 1.0, 1).drawn == []
    with pytest.raises(StudyError, match="already archived"):
        study.videos.remove(coded.id)

    restored = study.videos.restore(coded.id)
    assert restored.archived_at is None and _actions(study)[0] == "video.restore"
    assert [v.id for v in study.videos.in_use()] == [coded.id]


def test_relink_one_picked_file_needs_the_same_whole_content(study: Study, tmp_path: Path) -> None:
    original = _blob(tmp_path / "old" / "a.mp4", 1)
    video = _add(study, "D1", "pre", original)
    moved = tmp_path / "new" / "renamed.mp4"
    moved.parent.mkdir()
    original.rename(moved)
    # same size and fingerprint samples, one byte changed between them: refused
    changed = tmp_path / "changed.mp4"
    data = bytearray(moved.read_bytes())
    data[500_000] ^= 0xFF  # between the first and the middle sample
    changed.write_bytes(bytes(data))
    assert fingerprint(changed) == video.fingerprint
    with pytest.raises(StudyError, match="content differs"):
        relink_video(study, video.id, changed)
    assert study.videos.get(video.id).path == video.path
    relink_video(study, video.id, moved)
    assert study.videos.file_of(study.videos.get(video.id)) == moved.resolve()
    assert "video.relink" in _actions(study)
