"""Importing segments from a BORIS project: START/STOP pairs of the chosen state behaviours
become segments on exact frames; broken projects are refused naming the event row, and
nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eas_coder.cli import main
from eas_coder.exchange.segment_import import SegmentImportRejected, import_segments, preview
from eas_coder.location import from_string
from eas_coder.media.frame_index import FrameIndex
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.exchange.segment_files import add_video, boris_project, h264, study_state

EVENTS: list[list[Any]] = [
    [0.5, "Mother", "Free play", "", "starts on the mat"],
    [1.25, "Child", "Look at mother", "", ""],  # a point event: never a segment
    [2.4, "Mother", "Free play", "", ""],
    [3.0, "", "Clean-up", "", ""],
    [4.0, "Child", "Look at mother", "", ""],
    [5.5, "", "Clean-up", "", ""],
]


@pytest.fixture(scope="module")
def video_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return h264(tmp_path_factory.mktemp("boris-video") / "M014_pre.mp4")


@pytest.fixture
def study(tmp_path: Path, video_file: Path) -> Iterator[tuple[Study, FrameIndex]]:
    with Study.create(from_string(tmp_path / "s.sqlite"), load_scheme(), "S") as s:
        s.coders.add("Ana")
        _, index = add_video(s, video_file, "M014")
        yield s, index


def test_state_events_become_segments(
    study: tuple[Study, FrameIndex], video_file: Path, tmp_path: Path
) -> None:
    s, index = study
    project = boris_project(tmp_path / "lab.boris", {"M014 pre": (video_file, EVENTS)})
    plan = preview(s, project, "Ana", behaviour="Free play, Clean-up")
    assert plan.problems == []
    assert [(p.episode, p.note) for p in plan.segments] == [
        ("free_play", "starts on the mat"),
        ("clean_up", ""),
    ]
    first = [index.index_at(ms) for ms in (500, 3000)]
    assert [p.first_frame for p in plan.segments] == first
    result = import_segments(s, project, "Ana", behaviour="Free play, Clean-up")
    stored = s.segments.all()
    assert len(result.segments) == 2 and [g.episode for g in stored] == ["free_play", "clean_up"]
    assert stored[0].start_ms == index.time_ms(index.index_at(500))
    assert stored[1].end_ms == index.time_ms(index.index_at(5500))  # the frame at STOP is out


@pytest.mark.parametrize(
    ("events", "behaviour", "named"),
    [
        (EVENTS[:-1], "Clean-up", "row 4"),  # START without its STOP
        (EVENTS, "Tidy up", "Free play, Clean-up, Structured task"),  # unknown behaviour
        (EVENTS, "Look at mother", "point event"),
        ([*EVENTS, [6.5, "", "Structured task", "", ""], [7.5, "", "Structured task", "", ""]],
         "Structured task", "row 7"),  # past the video's end (6 s)
        (EVENTS, None, "choose one with --behaviour"),
    ],
)  # fmt: skip
def test_bad_projects_are_refused_naming_the_row(
    study: tuple[Study, FrameIndex],
    video_file: Path,
    tmp_path: Path,
    events: list[list[Any]],
    behaviour: str | None,
    named: str,
) -> None:
    s, _ = study
    project = boris_project(tmp_path / "lab.boris", {"M014 pre": (video_file, events)})
    before = study_state(s)
    with pytest.raises(SegmentImportRejected) as caught:
        import_segments(s, project, "Ana", behaviour=behaviour)
    assert named in str(caught.value)
    assert study_state(s) == before


def test_truncated_json_and_unknown_media_on_the_command_line(
    study: tuple[Study, FrameIndex],
    video_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    s, _ = study
    db = str(s.location.path)
    project = boris_project(tmp_path / "lab.boris", {"obs": (Path("/old/disk/tape7.mp4"), EVENTS)})
    text = project.read_text(encoding="utf-8")
    broken = tmp_path / "broken.boris"
    broken.write_text(text[: len(text) // 2], encoding="utf-8")
    before = study_state(s)
    cmd = ["--db", db, "import-segments", "--coder", "Ana", "--behaviour", "Free play"]
    assert main([*cmd, str(broken)]) == 2
    err = capsys.readouterr().err
    assert "broken.boris" in err and "line" in err and "not complete" in err
    assert main([*cmd, str(project)]) == 2
    assert "tape7.mp4" in capsys.readouterr().err  # no video of that name: say which
    assert study_state(s) == before
    video = s.videos.all()[0]
    assert main([*cmd, str(project), "--video", str(video.id)]) == 0
    assert "Imported 1 segment(s)" in capsys.readouterr().out
    assert [g.episode for g in s.segments.all()] == ["free_play"]
