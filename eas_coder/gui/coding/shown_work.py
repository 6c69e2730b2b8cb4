"""How a coder's work is named on screen: one timeline track per coder (their own first and
editable, the others blind coding lets them see), a segment's episode label and its title
over the rating panel."""

from __future__ import annotations

from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.timeline.tracks import TimelineSegment, TimelineTrack
from eas_coder.model import Segment
from eas_coder.timecode import clock

OWN_COLOUR = "#4f8bd6"
OTHER_COLOURS = ("#d98e48", "#6aa86a", "#a77bc9", "#c96b7b")


def coder_tracks(session: CodingSession, mine: list[Segment]) -> list[TimelineTrack]:
    """The signed-in coder's track of ``mine`` (editable while they may code), then one per
    other coder whose work the viewer may see."""
    tracks = []
    if session.coder is not None:
        tracks.append(
            TimelineTrack(
                session.coder.name,
                tuple(
                    TimelineSegment(s.start_ms, s.end_ms, segment_label(session, s), s.id)
                    for s in mine
                ),
                OWN_COLOUR,
                editable=session.can_code() and not session.is_locked(),
            )
        )
    others = session.others_segments()  # (blind coding: most often none)
    names = {c.id: c.name for c in session.study.coders.all()} if others else {}
    for n, (coder_id, theirs) in enumerate(sorted(others.items())):
        tracks.append(
            TimelineTrack(
                names.get(coder_id, str(coder_id)),
                tuple(
                    TimelineSegment(s.start_ms, s.end_ms, segment_label(session, s), s.id)
                    for s in theirs
                ),
                OTHER_COLOURS[n % len(OTHER_COLOURS)],
            )
        )
    return tracks


def segment_label(session: CodingSession, segment: Segment) -> str:
    """The label of a segment's episode ("" without one; the key if the scheme lost it)."""
    if segment.episode is None:
        return ""
    for episode in session.study.scheme.episodes:
        if episode.key == segment.episode:
            return episode.label
    return segment.episode


def segment_title(mine: list[Segment], segment: Segment, session: CodingSession) -> str:
    """ "Segment 2 · 0:01:05–0:01:12 · Episode": the rating panel's title for a segment,
    numbered in ``mine`` (the coder's segments of the video, in order)."""
    number = [s.id for s in mine].index(segment.id) + 1
    label = segment_label(session, segment)
    span = f"{clock(segment.start_ms)}–{clock(segment.end_ms)}"
    return f"Segment {number} · {span}" + (f" · {label}" if label else "")
