"""The sheets about the data: Reliability, Codebook and About; and the whole export plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from eas_coder import __version__, reliability
from eas_coder.errors import StudyError
from eas_coder.exchange.change import MeasureData, change_sheet, measures_sheet
from eas_coder.exchange.frames import FRAMES_NOTE, missing_notes, video_frames
from eas_coder.exchange.long_sheet import ratings_sheet
from eas_coder.exchange.reader import TIMEPOINT_ROW
from eas_coder.exchange.rows_source import StudyRows
from eas_coder.exchange.sheets import Column, ExportData, ExportOptions, Sheet
from eas_coder.exchange.wide_sheets import segments_sheet, sessions_sheet
from eas_coder.scheme_text import scheme_rows
from eas_coder.stats import ICC_FORMS
from eas_coder.stats.icc import IccResult
from eas_coder.store.export_rows import coded_pairs, people_and_videos, row_counts
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer

# A coder's export leaves reliability out: it compares coders, which is the lab manager's view.
NOT_FOR_CODERS = "not computed: reliability compares coders; only the lab manager's export has it"


def reliability_sheet(study: Study, data: ExportData, viewer: Viewer | None = None) -> Sheet:
    """The reliability table (session level) with Koo & Li labels and target flags."""
    sheet = Sheet(
        "Reliability",
        [
            Column("dimension", "Dimension key"),
            Column("n_units", "Videos rated by every chosen coder", "integer"),
            Column(
                "n_dropped", "Videos missing a coder's score (left out of ICC and kappa)", "integer"
            ),
            Column("form", "ICC form of the study's target (McGraw & Wong / Shrout & Fleiss)"),
            Column("icc", "ICC of that form", "number"),
            Column("ci95_low", "Lower bound of its 95% confidence interval", "number"),
            Column("ci95_high", "Upper bound of its 95% confidence interval", "number"),
            Column(
                "label",
                "Koo & Li (2016): poor < .50 <= moderate < .75 <= good < .90; "
                "'too few units (n = …)' below the study's reliability.min_n",
            ),
            Column("icc_f", "F ratio of that ICC form's test (ICC = 0)", "number"),
            Column("icc_df1", "Its numerator degrees of freedom", "number"),
            Column("icc_df2", "Its denominator degrees of freedom", "number"),
            Column("icc_p", "Its p value", "number"),
            Column("below_target", "yes when the ICC is below the study's target"),
            Column("kappa_quadratic", "Cohen's kappa, quadratic weights (two coders)", "number"),
            Column("alpha_interval", "Krippendorff's alpha, interval", "number"),
            Column("gwet_ac1", "Gwet's AC1 (2014), unweighted", "number"),
            Column("gwet_ac2_ordinal", "Gwet's AC2, ordinal weights", "number"),
            Column("bp_quadratic", "Brennan–Prediger, quadratic weights", "number"),
            Column("exact_agreement", "Share of videos with identical scores", "number"),
            Column("within_tolerance", "Share of videos within the study's tolerance", "number"),
            *_form_columns(),
        ],
    )
    if viewer is not None and not viewer.manager:
        sheet.rows.append([NOT_FOR_CODERS] + [None] * (len(sheet.columns) - 1))
        return sheet
    names = [c.name for c in data.coders]
    try:
        report = reliability.compute(study, names or None, "session")
    except StudyError as exc:
        sheet.rows.append([f"not computed: {exc}"] + [None] * (len(sheet.columns) - 1))
        return sheet

    def clean(value: float) -> float | None:
        # NaN, and an infinite F (no variance within videos), are empty cells
        return None if value != value or abs(value) == float("inf") else round(value, 6)

    for key, result in report.dimensions.items():
        main = result.icc[report.target_form]
        sheet.rows.append(
            [
                key,
                result.n_units,
                result.n_dropped,
                report.target_form,
                clean(main.value),
                clean(main.ci[0]),
                clean(main.ci[1]),
                result.quality,
                clean(main.f),
                clean(main.df1),
                clean(main.df2),
                clean(main.p),
                "yes" if result.flagged(report.target_form, report.target) else "no",
                clean(result.values["kappa_quadratic"]),
                clean(result.values["alpha_interval"]),
                clean(result.values["gwet_ac1"]),
                clean(result.values["gwet_ac2_ordinal"]),
                clean(result.values["bp_quadratic"]),
                clean(result.values["exact_agreement"]),
                clean(result.values["within_one"]),
                *(clean(value) for form in ICC_FORMS for value in _form_values(result.icc[form])),
            ]
        )
    return sheet


# Every ICC form with its interval and F test, as in `reliability --json` (issue 19); the
# names are lower case: SPSS reads variable names without regard to case.
_FORM_NAMES = {
    "ICC1": "ICC(1,1), one-way random, single coder",
    "ICC2": "ICC(2,1), two-way random, absolute agreement, single coder",
    "ICC3": "ICC(3,1), two-way mixed, consistency, single coder",
    "ICC1k": "ICC(1,k), one-way random, mean of the coders",
    "ICC2k": "ICC(2,k), two-way random, absolute agreement, mean of the coders",
    "ICC3k": "ICC(3,k), two-way mixed, consistency, mean of the coders",
}


def _form_columns() -> list[Column]:
    columns = []
    for form in ICC_FORMS:
        name, what = form.lower(), _FORM_NAMES[form]
        columns += [
            Column(name, what, "number"),
            Column(f"{name}_ci95_low", f"Lower bound of the 95% CI of {form}", "number"),
            Column(f"{name}_ci95_high", f"Upper bound of the 95% CI of {form}", "number"),
            Column(f"{name}_f", f"F ratio of the test of {what} (ICC = 0)", "number"),
            Column(f"{name}_df1", f"Numerator degrees of freedom of {form}'s F test", "number"),
            Column(f"{name}_df2", f"Denominator degrees of freedom of {form}'s F test", "number"),
            Column(f"{name}_p", f"p value of {form}'s F test", "number"),
        ]
    return columns


def _form_values(result: IccResult) -> tuple[float, ...]:
    return (result.value, *result.ci, result.f, result.df1, result.df2, result.p)


def codebook_sheet(data: ExportData, sheets: list[Sheet]) -> Sheet:
    """Every column of every sheet with its meaning, then the scheme the scores were given
    under (dimensions, ranges, bands and cut-offs)."""
    book = Sheet(
        "Codebook",
        [
            Column("sheet", "Sheet name"),
            Column("column", "Column name"),
            Column("meaning", "What the column holds"),
        ],
    )
    for sheet in sheets:
        for column in sheet.columns:
            book.rows.append([sheet.name, column.name, column.meaning])
    book.rows.append(["", "", ""])
    book.rows.append(["Frames", "segment_start_frame, segment_end_frame", FRAMES_NOTE])
    for what, which in missing_notes(data.frames, {v.id: v.label for v in data.videos}):
        book.rows.append(["Frames", what, which])
    book.rows.append(["", "", ""])
    # the scheme in force, its versions, zones, derive rules and cut-off sources (scheme_text)
    for what, text in scheme_rows(data.scheme, data.scheme_versions):
        book.rows.append(["Scheme", what, text])
    return book


ARCHIVED_ROW = "archived video"  # an About row per archived video in the export


def about_sheet(study: Study, data: ExportData, viewer: Viewer | None = None) -> Sheet:
    """Where the data came from (and, for a coder's export, whose view it is)."""
    about = Sheet("About", [Column("item", "What"), Column("value", "Value")])
    info = study.info
    about.rows.extend(
        [
            ["study", info.name],
            ["exported at (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")],
            ["EAS Coder version", __version__],
            ["database", study.location.display()],
            ["scheme", f"{info.scheme_id} version {info.scheme_version}"],
            ["filters", data.options.describe()],
        ]
    )
    # The study's timepoint order, one row each: an import into an empty study sets it.
    about.rows.extend([f"{TIMEPOINT_ROW} {n}", label] for n, label in
                      enumerate(data.timepoint_order, start=1))  # fmt: skip
    # Archived videos (removed while coded, issue 23) keep their work in every sheet: say which.
    about.rows.extend([ARCHIVED_ROW, f"{v.label} (video {v.id}, {v.name or 'no file'}), archived "
                       f"{v.archived_at:%Y-%m-%d %H:%M} UTC; its work is included"]
                      for v in data.videos if v.archived_at is not None)  # fmt: skip
    if viewer is not None and not viewer.manager:
        about.rows.append(["seen as", viewer.describe()])
    return about


def build_sheets(
    study: Study,
    options: ExportOptions | None = None,
    progress: Callable[[str], None] | None = None,
    viewer: Viewer | None = None,
) -> list[Sheet]:
    """Every sheet of the export, in workbook order.

    ``viewer`` (default: everything) limits every per-coder value to what that person may
    see under blind coding: ratings, segments, and the means, bands, changes and consensus
    made from them.
    """
    options = options or ExportOptions()
    for name in options.coders:
        study.coders.get(name)  # unknown names fail here, by name
    videos = study.videos.all()
    unknown = sorted(set(options.timepoints) - {v.timepoint for v in videos})
    if unknown:
        raise StudyError(f"no videos at timepoint(s) {', '.join(map(repr, unknown))}")
    missing = sorted(set(options.video_ids) - {v.id for v in videos})
    if missing:
        raise StudyError(f"no video with id {', '.join(map(str, missing))} in this study")
    consensus = {
        (c.video_id, c.dimension): c.score for c in study.consensus.all() if c.segment_id is None
    }
    # the ratings and segments are not loaded: the sheets stream them while they are written
    snapshot = people_and_videos(study)
    coded_pairs_seen = coded_pairs(study)
    if viewer is not None and not viewer.manager:
        coded_pairs_seen = {(v, c) for v, c in coded_pairs_seen if viewer.sees(v, c)}
        # An agreed score says what the others gave: shown only where all of it may be seen.
        consensus = {key: score for key, score in consensus.items() if viewer.sees_all(key[0])}
    data = ExportData(snapshot, study.scheme, options, {}, consensus,
                      timepoint_order=tuple(study.timepoints.order()),
                      weighting=str(study.settings.get("scores.segment_weighting")),
                      scheme_versions=tuple(
                          (v.number, f"{v.scheme_id} version {v.label}, in force from "
                           f"{v.created_at:%Y-%m-%d %H:%M} UTC")
                          for v in study.scheme_versions()),
                      drafts=tuple(d for d in study.item_drafts.all()  # a coder: their own only
                                   if viewer is None or viewer.manager
                                   or (viewer.coder is not None and d.coder_id == viewer.coder.id)),
                      source=StudyRows(study, viewer), counts=row_counts(study),
                      )  # fmt: skip
    measures = MeasureData.of(study)  # BDI, PSI, ... beside the EAS (issue 22)
    # Frame numbers only for videos with exported segments: a file-less study reads no file.
    coded = {v for v, _c in coded_pairs_seen} & {v.id for v in data.videos}
    frames = video_frames(study, [v for v in data.videos if v.id in coded], progress=progress)
    data = replace(data, frames=frames)
    sheets = []
    builders: list[Callable[[], Sheet]] = [
        lambda: ratings_sheet(data),
        lambda: sessions_sheet(data),
        lambda: change_sheet(data, measures),
        lambda: measures_sheet(data, measures),
        lambda: segments_sheet(data),
        lambda: reliability_sheet(study, data, viewer),
    ]
    for build in builders:
        sheets.append(build())
        if progress:
            progress(f"prepared {sheets[-1].name}")
    sheets.append(codebook_sheet(data, sheets))
    sheets.append(about_sheet(study, data, viewer))
    return sheets
