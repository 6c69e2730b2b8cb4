"""A methods-section report of a study's reliability, laid out after GRRAS (Kottner et al.
2011, Guidelines for Reporting Reliability and Agreement Studies): the instrument, coders and
units, sampling, the rating process (blind coding), the statistics with their confidence
intervals and labels, the flags, and a paragraph to paste into a paper.

The statistics are read from ``ReliabilityReport.to_json()`` generically — every number a
dimension carries is shown, with its ``<key>_ci95`` interval, its ``<key>_label`` (else a
Koo & Li label for an ICC) and its F test (``<key>_F``, ``_df1``, ``_df2``, ``_p``) when the
JSON has them — so statistics added to the JSON appear here without a change. The document
is plain data (``Block``s); ``methods_html`` and ``methods_pdf`` draw it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eas_coder import __version__
from eas_coder.errors import StudyError
from eas_coder.methods_sections import MethodsReport as MethodsReport  # re-exported
from eas_coder.methods_sections import sections
from eas_coder.reliability import Level, compute
from eas_coder.store.settings import DEFAULTS
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer

Progress = Callable[[str, int, int], None]


def _minimum_n(study: Study) -> int:
    """The study's small-sample minimum if it has such a setting, else 10."""
    key = next((k for k in DEFAULTS if k.startswith("reliability.") and "min" in k), None)
    try:
        return int(study.settings.get(key)) if key else 10
    except (TypeError, ValueError):
        return 10


def _design(study: Study, data: dict[str, Any], viewer: Viewer | None) -> dict[str, Any]:
    coders = {c.name: c.id for c in study.coders.all()}
    chosen = [coders[n] for n in data["coders"] if n in coders]
    ratings = study.ratings.all()
    if viewer is not None:
        ratings = viewer.only_visible(ratings)
    by_video: dict[int, set[int]] = {}
    for r in ratings:
        if r.coder_id in chosen:
            by_video.setdefault(r.video_id, set()).add(r.coder_id)
    videos = study.videos.all()
    seen = sum(len(study.assignments.seen_by(cid) & set(by_video)) for cid in chosen)
    return {
        "study": study.info.name,
        "scheme": f"{study.scheme.name} (version {study.scheme.version})",
        "dimensions": [
            f"{d.label} ({d.scale.minimum:g}–{d.scale.maximum:g}, step {d.scale.step:g})"
            for d in study.scheme.dimensions
        ],
        "labels": {d.key: d.label for d in study.scheme.dimensions},
        "videos": len(videos),
        "rated": len(by_video),
        "double_coded": sum(1 for ids in by_video.values() if len(ids) >= 2),
        "blind": study.manager.has_passphrase(),
        "seen_before": seen,
        "minimum_n": _minimum_n(study),
    }


def build(
    study: Study,
    coders: Sequence[str] | None = None,
    level: Level = "session",
    dimensions: Sequence[str] | None = None,
    viewer: Viewer | None = None,
    progress: Progress | None = None,
) -> MethodsReport:
    """Compute the reliability and lay out the methods report."""
    say = progress or (lambda what, done, total: None)
    say("Computing reliability…", 0, 3)
    data = compute(study, coders, level, dimensions, viewer).to_json()
    say("Describing the design…", 1, 3)
    design = _design(study, data, viewer)
    say("Laying out the report…", 2, 3)
    title = f"Inter-rater reliability — {design['study']}"
    blocks = sections(data, design, _dt.date.today().isoformat(), __version__)
    say("Report ready", 3, 3)
    return MethodsReport(title, tuple(blocks), data | {"design": design})


def write(report: MethodsReport, path: Path) -> None:
    """Write the report as PDF (``.pdf``) or HTML (``.html``, ``.htm``); the file is written
    whole to a temporary name first, so a failure leaves no half-written report."""
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise StudyError(f"{path.name}: a report is written as .pdf or .html; name it so")
    partial = path.with_name(f".{path.name}.partial")
    try:
        if suffix == ".pdf":
            from eas_coder.methods_pdf import render_pdf  # fpdf2 only when a PDF is asked for

            render_pdf(report, partial)
        else:
            from eas_coder.methods_html import render_html

            partial.write_text(render_html(report), encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
