"""Builders for the interchange tests: real videos made with ffmpeg, an .eaf in the layout
ELAN 6 writes (several tiers, a reference tier, a time-subdivision tier with unaligned time
slots, a controlled vocabulary), and a BORIS project in the JSON layout BORIS saves."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from eas_coder.media.frame_index import FrameIndex, read_frame_index
from eas_coder.model import VideoInfo
from eas_coder.store.study import Study
from tests.support import need_tool


def make_video(path: Path, fps: str, seconds: float, codec: list[str]) -> Path:
    """A small video with no audio (fast to make and to index)."""
    ffmpeg = need_tool("ffmpeg")
    command = [ffmpeg, "-v", "error", "-y", "-f", "lavfi"]
    command += ["-i", f"testsrc2=size=160x120:rate={fps}", "-t", str(seconds), *codec]
    subprocess.run([*command, str(path)], check=True, timeout=120)
    return path


def h264(path: Path, fps: str = "30000/1001", seconds: float = 6.0) -> Path:
    """An H.264 MP4 at a rate that is not a whole number by default (29.97)."""
    codec = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "30"]
    return make_video(path, fps, seconds, codec)


def mpeg2(path: Path, seconds: float = 4.0) -> Path:
    """An MPEG-2 program stream (.mpg) at 25 fps, with B-frames."""
    return make_video(path, "25", seconds, ["-c:v", "mpeg2video", "-bf", "2", "-q:v", "5"])


def add_video(study: Study, path: Path, participant: str) -> tuple[int, FrameIndex]:
    """Register a video with its real timing, as `videos add` would."""
    from eas_coder.media.probe import fingerprint

    index = read_frame_index(path)
    info = VideoInfo(
        duration_ms=index.duration_ms,
        fps=index.fps,
        frame_count=index.frame_count,
        width=index.width,
        height=index.height,
        file_size=path.stat().st_size,
        fingerprint=fingerprint(path),
    )
    return study.videos.add(participant, "T1", path, info, name=path.name).id, index


def study_state(study: Study) -> tuple[Any, ...]:
    """Everything an import could change: segments, ratings, coders, videos, audit rows."""
    snap = study.load()
    return (snap.segments, snap.ratings, snap.coders, snap.videos, len(study.audit_log()))


# --- ELAN ---------------------------------------------------------------------------------

_CONSTRAINTS = """\
    <CONSTRAINT DESCRIPTION="Time subdivision of parent annotation's time interval, no time gaps allowed within this interval" STEREOTYPE="Time_Subdivision"/>
    <CONSTRAINT DESCRIPTION="Symbolic subdivision of a parent annotation. Annotations refering to the same parent are ordered" STEREOTYPE="Symbolic_Subdivision"/>
    <CONSTRAINT DESCRIPTION="1-1 association with a parent annotation" STEREOTYPE="Symbolic_Association"/>
    <CONSTRAINT DESCRIPTION="Time alignable annotations within the parent annotation's time interval, gaps are allowed" STEREOTYPE="Included_In"/>
"""  # noqa: E501


def elan_file(
    path: Path,
    media: Path | str,
    episodes: list[tuple[int, int, str]],
    gaze: list[tuple[int, int, str]] = (),  # type: ignore[assignment]
    bad_xml: bool = False,
) -> Path:
    """An .eaf as ELAN 6 writes it: tier "Episodes" (controlled vocabulary) with a child
    reference tier "Episode notes" and a time-subdivision tier "Utterances" whose inner
    boundaries are unaligned time slots, and an independent tier "Mother gaze"."""
    slots: list[str] = []
    counter = 0

    def slot(value: int | None) -> str:
        nonlocal counter
        counter += 1
        time = "" if value is None else f' TIME_VALUE="{value}"'
        slots.append(f'        <TIME_SLOT TIME_SLOT_ID="ts{counter}"{time}/>')
        return f"ts{counter}"

    aid = 0

    def next_id() -> str:
        nonlocal aid
        aid += 1
        return f"a{aid}"

    cve = {"Free play": "cveid_1", "Structured task": "cveid_2", "Clean-up": "cveid_3"}
    episode_xml, notes_xml, utter_xml, gaze_xml = [], [], [], []
    for n, (start, end, value) in enumerate(episodes):
        a1, a2 = slot(start), slot(end)
        ident = next_id()
        ref = f' CVE_REF="{cve[value]}"' if value in cve else ""
        episode_xml.append(
            f'        <ANNOTATION>\n            <ALIGNABLE_ANNOTATION ANNOTATION_ID="{ident}"'
            f' TIME_SLOT_REF1="{a1}" TIME_SLOT_REF2="{a2}"{ref}>\n'
            f"                <ANNOTATION_VALUE>{escape(value)}</ANNOTATION_VALUE>\n"
            "            </ALIGNABLE_ANNOTATION>\n        </ANNOTATION>"
        )
        notes_xml.append(
            f'        <ANNOTATION>\n            <REF_ANNOTATION ANNOTATION_ID="{next_id()}"'
            f' ANNOTATION_REF="{ident}">\n'
            f"                <ANNOTATION_VALUE>note {n + 1}: mother on the phone"
            "</ANNOTATION_VALUE>\n"
            "            </REF_ANNOTATION>\n        </ANNOTATION>"
        )
        # Time subdivision: the parent's span in three parts, the inner boundaries unaligned
        inner = [a1, slot(None), slot(None), a2]
        for k in range(3):
            utter_xml.append(
                "        <ANNOTATION>\n            <ALIGNABLE_ANNOTATION"
                f' ANNOTATION_ID="{next_id()}" TIME_SLOT_REF1="{inner[k]}"'
                f' TIME_SLOT_REF2="{inner[k + 1]}">\n'
                f"                <ANNOTATION_VALUE>utterance {k + 1}</ANNOTATION_VALUE>\n"
                "            </ALIGNABLE_ANNOTATION>\n        </ANNOTATION>"
            )
    for start, end, value in gaze:
        a1, a2 = slot(start), slot(end)
        gaze_xml.append(
            f'        <ANNOTATION>\n            <ALIGNABLE_ANNOTATION ANNOTATION_ID="{next_id()}"'
            f' TIME_SLOT_REF1="{a1}" TIME_SLOT_REF2="{a2}">\n'
            f"                <ANNOTATION_VALUE>{escape(value)}</ANNOTATION_VALUE>\n"
            "            </ALIGNABLE_ANNOTATION>\n        </ANNOTATION>"
        )
    url = media if isinstance(media, str) else media.resolve().as_uri()
    relative = (
        "" if isinstance(media, str) else f" RELATIVE_MEDIA_URL={quoteattr('./' + media.name)}"
    )
    cv_entries = "\n".join(
        f'        <CV_ENTRY_ML CVE_ID="{ident}">\n'
        f'            <CVE_VALUE DESCRIPTION="" LANG_REF="und">{escape(value)}</CVE_VALUE>\n'
        "        </CV_ENTRY_ML>"
        for value, ident in cve.items()
    )

    def tier(attrs: str, body: list[str]) -> str:
        inside = "\n".join(body)
        return f"    <TIER {attrs}>\n{inside}\n    </TIER>" if body else f"    <TIER {attrs}/>"

    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-03-05T14:22:10+01:00" FORMAT="3.0" VERSION="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
        <MEDIA_DESCRIPTOR MEDIA_URL={quoteattr(url)} MIME_TYPE="video/mp4"{relative}/>
        <PROPERTY NAME="URN">urn:nl-mpi-tools-elan-eaf:0b5a3b0e-8f4e-4c5b-9d55-1c1f1d0b7a11</PROPERTY>
        <PROPERTY NAME="lastUsedAnnotationId">{aid}</PROPERTY>
    </HEADER>
    <TIME_ORDER>
{chr(10).join(slots)}
    </TIME_ORDER>
{tier('LINGUISTIC_TYPE_REF="episode" PARTICIPANT="M014" TIER_ID="Episodes"', episode_xml)}
{tier('LINGUISTIC_TYPE_REF="comment" PARENT_REF="Episodes" PARTICIPANT="M014" TIER_ID="Episode notes"', notes_xml)}
{tier('LINGUISTIC_TYPE_REF="utterance" PARENT_REF="Episodes" TIER_ID="Utterances"', utter_xml)}
{tier('LINGUISTIC_TYPE_REF="default-lt" PARTICIPANT="mother" TIER_ID="Mother gaze"', gaze_xml)}
    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONTROLLED_VOCABULARY_REF="EAS episodes" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="episode" TIME_ALIGNABLE="true"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="comment" TIME_ALIGNABLE="false"/>
    <LINGUISTIC_TYPE CONSTRAINTS="Time_Subdivision" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="utterance" TIME_ALIGNABLE="true"/>
    <LANGUAGE LANG_DEF="http://cdb.iso.org/lg/CDB-00130975-001" LANG_ID="und" LANG_LABEL="undetermined (und)"/>
{_CONSTRAINTS}    <CONTROLLED_VOCABULARY CV_ID="EAS episodes">
        <DESCRIPTION LANG_REF="und"/>
{cv_entries}
    </CONTROLLED_VOCABULARY>
</ANNOTATION_DOCUMENT>
"""  # noqa: E501
    if bad_xml:
        text = text.replace("</TIME_ORDER>", "</TIME_ORDR>", 1)
    path.write_text(text, encoding="utf-8")
    return path


# --- BORIS --------------------------------------------------------------------------------


def boris_project(path: Path, observations: dict[str, tuple[Path, list[list[Any]]]]) -> Path:
    """A BORIS project file (as BORIS 8 saves it): ethogram in behaviors_conf, one MEDIA
    observation per video with events [time, subject, behaviour, modifier, comment]."""
    ethogram = {
        "0": _behaviour("State event", "f", "Free play"),
        "1": _behaviour("State event", "c", "Clean-up"),
        "2": _behaviour("Point event", "l", "Look at mother"),
        "3": _behaviour("State event", "s", "Structured task"),
    }
    obs: dict[str, Any] = {}
    for name, (media, events) in observations.items():
        file = str(media)
        obs[name] = {
            "file": {"1": [file], **{str(k): [] for k in range(2, 9)}},
            "type": "MEDIA",
            "date": "2024-03-05T14:30:00",
            "description": "",
            "time offset": 0.0,
            "events": events,
            "observation time interval": [0, 0],
            "independent_variables": {},
            "visualize_spectrogram": False,
            "visualize_waveform": False,
            "media_creation_date_as_offset": False,
            "media_scan_sampling_duration": 0,
            "image_display_duration": 1,
            "close_behaviors_between_videos": False,
            "media_info": {
                "length": {file: 6.0},
                "fps": {file: 29.97},
                "hasVideo": {file: True},
                "hasAudio": {file: False},
                "offset": {"1": 0.0},
            },
        }
    project = {
        "time_format": "hh:mm:ss",
        "project_date": "2024-03-05T14:00:00",
        "project_name": "EAS episodes",
        "project_description": "",
        "project_format_version": "7.0",
        "subjects_conf": {
            "0": {"key": "1", "name": "Mother", "description": ""},
            "1": {"key": "2", "name": "Child", "description": ""},
        },
        "behaviors_conf": ethogram,
        "observations": obs,
        "behavioral_categories": [],
        "independent_variables": {},
        "coding_map": {},
        "behaviors_coding_map": [],
        "converters": {},
    }
    path.write_text(json.dumps(project, indent=1), encoding="utf-8")
    return path


def _behaviour(kind: str, key: str, code: str) -> dict[str, str]:
    return {
        "type": kind,
        "key": key,
        "code": code,
        "description": "",
        "color": "",
        "category": "",
        "modifiers": "",
        "excluded": "",
        "coding map": "",
    }
