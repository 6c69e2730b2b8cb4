"""A small study with awkward text for the export and import tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study

HYPERLINK = '=HYPERLINK("http://x","y")'
AT_SUM = "@SUM(A1)"


@pytest.fixture
def rated_study(tmp_path: Path) -> Iterator[Study]:
    """Two coders, two dyads at two timepoints, segments with formula-like notes."""
    with Study.create(from_string(tmp_path / "src.sqlite"), load_scheme("eas-demo"), "Src") as s:
        ana, ben = s.coders.add("Ana"), s.coders.add("+Ben")  # a name a spreadsheet would evaluate
        for p_index, participant in enumerate(("M01", "M02")):
            for t_index, timepoint in enumerate(("T1 pre", "T2 follow-up")):
                video = s.videos.add(participant, timepoint, None, name=f"{participant}_t{t_index}")
                for coder in (ana, ben):
                    note = HYPERLINK if coder is ana else AT_SUM
                    seg = s.segments.add(video.id, coder.id, 0, 90_500, "free_play", note)
                    for k, key in enumerate(s.scheme.keys):
                        base = 2 + k * 0.5 + t_index * 1.5 + p_index * 0.5
                        s.ratings.set(video.id, coder.id, key, base, segment_id=seg.id)
                        s.ratings.set(video.id, coder.id, key, base + (0.5 if coder is ben else 0))
        first = s.videos.all()[0]
        s.consensus.set(first.id, "sensitivity", 2.5, note="agreed in review")
        yield s
