"""Media roots (issue 23 item 7): paths stored relative to a study's media root, resolved
by each workstation against its own folder; one shared PostgreSQL study, two processes with
different media roots, the same first frame."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest

from eas_coder import media_roots
from eas_coder.cli import main
from eas_coder.errors import StudyError
from eas_coder.location import Location, from_string
from eas_coder.media.probe import full_hash, probe
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.support import ffmpeg_video

ROOT_NAME = "lab-videos"


def test_one_function_resolves_every_stored_form(tmp_path: Path) -> None:
    root, study_dir = tmp_path / "mnt" / "lab" / "videos", tmp_path / "study"
    assert media_roots.resolve("{media}/clips/D1 pre.mp4", study_dir, root) == (
        root / "clips" / "D1 pre.mp4"
    )
    assert media_roots.resolve("clips/a.mp4", study_dir, root) == study_dir / "clips" / "a.mp4"
    assert media_roots.resolve("/abs/a.mp4", study_dir, root) == Path("/abs/a.mp4")
    # stored with forward slashes, joined part by part: a Windows workstation's Z:\videos
    parts = media_roots.relative_part("{media}/clips/D1 pre.mp4").parts
    assert PureWindowsPath("Z:\\videos").joinpath(*parts) == PureWindowsPath(
        "Z:\\videos\\clips\\D1 pre.mp4"
    )
    unset = media_roots.resolve("{media}/clips/a.mp4", study_dir, None)
    assert not unset.is_absolute()
    assert "has not been told where" in str(media_roots.unresolved_reason("{media}/a", None))
    root.mkdir(parents=True)
    inside = root / "clips" / "b.mp4"
    assert media_roots.store_form(inside, study_dir, root) == "{media}/clips/b.mp4"
    assert media_roots.store_form(tmp_path / "x.mp4", None, root) == (tmp_path / "x.mp4").as_posix()


def test_root_name_is_a_checked_study_setting(sqlite_study: Study) -> None:
    with pytest.raises(StudyError, match="media.root_name must be a short name"):
        sqlite_study.settings.set("media.root_name", "../etc")
    sqlite_study.settings.set("media.root_name", ROOT_NAME)
    assert sqlite_study.videos.media_root_name() == ROOT_NAME


def test_move_to_media_root_is_one_audited_all_or_nothing_change(
    sqlite_study: Study, tmp_path: Path
) -> None:
    study = sqlite_study
    root = tmp_path / "videos"
    (root / "clips").mkdir(parents=True)
    inside = ffmpeg_video(root / "clips" / "D1.mp4", seconds=0.5, audio=False)
    outside = shutil.copy(inside, tmp_path / "elsewhere.mp4")
    a = study.videos.add("D1", "pre", inside, probe(inside))
    b = study.videos.add("D2", "pre", Path(outside), probe(Path(outside)), allow_duplicate=True)
    old_paths = {a.path, b.path}
    with pytest.raises(StudyError, match="no media root yet"):
        study.videos.move_to_media_root()
    study.settings.set("media.root_name", ROOT_NAME)
    with pytest.raises(StudyError, match="not been told where the media root is"):
        study.videos.move_to_media_root()
    assert {v.path for v in study.videos.all()} == old_paths  # nothing half-written
    media_roots.remember_local_root(str(study.videos.study_uid()), root)
    try:
        done = study.videos.move_to_media_root()
        assert done.moved == ((a.path, "{media}/clips/D1.mp4"),)
        assert done.outside == (b.path,)
        assert study.videos.get(a.id).path == "{media}/clips/D1.mp4"
        assert study.videos.file_of(study.videos.get(a.id)) == root / "clips" / "D1.mp4"
        assert study.audit_log()[0].action == "video.media_root"
        # new videos inside the root are stored relative to it from now on
        new = shutil.copy(inside, root / "clips" / "D3.mp4")
        c = study.videos.add("D3", "pre", Path(new), probe(Path(new)), allow_duplicate=True)
        assert c.path == "{media}/clips/D3.mp4"
    finally:
        media_roots.remember_local_root(str(study.videos.study_uid()), None)


def test_cli_names_the_root_and_moves_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.sqlite"
    root = tmp_path / "videos"
    root.mkdir()
    clip = ffmpeg_video(root / "D1.mp4", seconds=0.5, audio=False)
    with Study.create(from_string(db), load_scheme(), "S") as study:
        study.videos.add("D1", "pre", clip, probe(clip))
    assert main(["--db", str(db), "media-root", "name", ROOT_NAME]) == 0
    assert main(["--db", str(db), "media-root", "move", "--root", str(root)]) == 0
    assert "Moved 1 path(s)" in capsys.readouterr().out
    with Study.open(from_string(db)) as study:
        assert study.videos.all()[0].path == "{media}/D1.mp4"


# The second workstation: its own process, its own media root, given as a script would.
_WORKSTATION = """
import hashlib, json, sys
from pathlib import Path
from eas_coder import media_roots
from eas_coder.location import from_string
from eas_coder.media.exact_frames import first_frame
from eas_coder.store.study import Study

url, root, how = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
with Study.open(from_string(url), "workstation") as study:
    if how == "remembered":  # as the window does, from its per-study setting
        media_roots.remember_local_root(study.videos.study_uid(), root)
    video = study.videos.all()[0]
    path = study.videos.file_of(video)
    frame = first_frame(path)
    pixels = hashlib.sha256(frame.tobytes()).hexdigest()
    print(json.dumps({"stored": video.path, "path": str(path), "shape": list(frame.shape),
                      "pixels": pixels}))
"""


def test_shared_study_plays_from_two_workstations_with_different_roots(
    server_location: Location, tmp_path: Path
) -> None:
    clip = ffmpeg_video(tmp_path / "made.mp4", seconds=1.0)
    roots = [tmp_path / "mnt" / "lab" / "videos", tmp_path / "Z" / "videos"]
    for root in roots:
        (root / "clips").mkdir(parents=True)
        shutil.copy(clip, root / "clips" / "D014 pre.mp4")
    with Study.create(server_location, load_scheme(), "Shared", actor="manager") as study:
        study.settings.set("media.root_name", ROOT_NAME)
        media_roots.remember_local_root(str(study.videos.study_uid()), roots[0])
        try:
            file = roots[0] / "clips" / "D014 pre.mp4"
            study.videos.add("D014", "pre", file, probe(file), full_hash=full_hash(file))
        finally:
            media_roots.remember_local_root(str(study.videos.study_uid()), None)
    url = server_location.url.render_as_string(hide_password=False)
    seen = []
    for root, how in zip(roots, ("environment", "remembered"), strict=True):
        env = dict(os.environ)
        env.pop(media_roots.ENV_VAR, None)
        if how == "environment":
            env[media_roots.ENV_VAR] = str(root)
        done = subprocess.run(
            [sys.executable, "-c", _WORKSTATION, url, str(root), how],
            capture_output=True, text=True, timeout=300, env=env, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        seen.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert seen[0]["stored"] == seen[1]["stored"] == "{media}/clips/D014 pre.mp4"
    assert seen[0]["path"] == str(roots[0] / "clips" / "D014 pre.mp4")
    assert seen[1]["path"] == str(roots[1] / "clips" / "D014 pre.mp4")
    assert seen[0]["shape"] == [240, 320, 3]
    assert seen[0]["pixels"] == seen[1]["pixels"]  # the first frame, pixel for pixel
    assert hashlib.sha256(b"").hexdigest() != seen[0]["pixels"]
