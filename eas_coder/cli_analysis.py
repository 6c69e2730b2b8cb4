"""Command-line commands for analysis: reliability, review, sample, settings, export, import.

Blind coding (a study with a lab-manager passphrase): what compares coders or changes the
study is the lab manager's (``--manager``); the export is also open to a coder's own view
(``--coder NAME``). A study without a passphrase is open to everyone, as before, except that
``--coder NAME`` asks for that coder's own blind view (export, reliability, disagreements).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eas_coder.cli_support import (
    PROG,
    UsageError,
    checked_id,
    comparing_viewer,
    open_study,
    require_manager,
    split_list,
    viewer_of,
)
from eas_coder.timecode import clock

# the first problems of a rejected sheet are listed; the count says how many there are
SHOWN_PROBLEMS = 100


def cmd_reliability(args: argparse.Namespace) -> int:
    from eas_coder import reliability, reliability_text  # numpy/scipy only when needed

    with open_study(args) as study:
        viewer = comparing_viewer(args, study, "reliability (it compares coders)")
        report = reliability.compute(
            study, split_list(args.coders), args.level, split_list(args.dimensions), viewer
        )
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(reliability_text.render(report))
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    from eas_coder.sampling import draw_and_assign

    coders = split_list(args.coders) or []
    if len(coders) < 2:
        raise UsageError("name the two (or more) coders who double-code the sample: --coders A,B")
    with open_study(args) as study:
        require_manager(args, study, "drawing the reliability sample")
        result = draw_and_assign(study, coders, args.share, args.seed, not args.no_stratify)
        labels = {v.id: v.label for v in study.videos.all()}
    made = result.made
    for video_id in sorted({a.video_id for a in made}):
        print(f"Assigned {labels[video_id]}")
    if result.left_out:
        print(
            f"Left out {len(result.left_out)} videos whose other coders' work a named coder "
            "could already see (an earlier version showed it): "
            + ", ".join(v.label for v in result.left_out)
        )
    print(f"{len(made)} new assignments (share {args.share:g}, seed {args.seed})")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from eas_coder.store.settings import DEFAULTS

    with open_study(args) as study:
        if args.key and args.value is not None:
            require_manager(args, study, "changing a setting")
            try:
                value = json.loads(args.value)
            except json.JSONDecodeError:
                value = args.value  # a bare word such as ICC3
            study.settings.set(args.key, value)
        for key in [args.key] if args.key else list(DEFAULTS):
            print(f"{key} = {json.dumps(study.settings.get(key))}")
    return 0


def _video_ids(value: str | None) -> tuple[int, ...]:
    parts = split_list(value) or []
    if not all(part.isdigit() for part in parts):
        raise UsageError(f"--videos takes video ids (see `videos list`), not {value!r}")
    return tuple(checked_id(int(part), "--videos", "video") for part in parts)


def cmd_export(args: argparse.Namespace) -> int:
    from eas_coder.exchange.export import export_study
    from eas_coder.exchange.sheets import ExportOptions

    options = ExportOptions(
        coders=tuple(split_list(args.coders) or ()),
        timepoints=tuple(split_list(args.timepoints) or ()),
        video_ids=_video_ids(args.videos),
        coder_codes=args.coder_codes,
    )
    with open_study(args) as study:
        viewer = viewer_of(args, study, "export")
        written = export_study(study, Path(args.out), args.format, options, viewer=viewer)
    for path in written:
        print(f"Wrote {path}")
    if not viewer.manager:
        print(f"As {viewer.describe()}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from eas_coder.exchange.importer import ImportRejected, import_ratings

    with open_study(args) as study:
        require_manager(args, study, "importing ratings")
        try:
            plan, summary = import_ratings(
                study, Path(args.file), dry_run=args.dry_run,
                allow_new=args.allow_new, encoding=args.encoding,
            )  # fmt: skip
        except ImportRejected as exc:
            print(
                f"{PROG}: error: {args.file}: {len(exc.problems)} problem(s), nothing imported",
                file=sys.stderr,
            )
            for problem in exc.problems[:SHOWN_PROBLEMS]:
                print(f"  {problem}", file=sys.stderr)
            hidden = len(exc.problems) - SHOWN_PROBLEMS
            if hidden > 0:  # a million bad rows must not print a million lines
                print(f"  … and {hidden} more", file=sys.stderr)
            return 2
    if summary is None:
        verb = "Would import" if args.dry_run else "Imported"
        print(f"{verb} {len(plan.ratings)} ratings; {plan.skipped} rows already in the study")
        return 0
    verb = "Would import" if args.dry_run else "Imported"
    print(
        f"{verb} {summary.ratings} ratings ({summary.coders} new coders, "
        f"{summary.participants} participants, {summary.videos} videos, "
        f"{summary.segments} segments); {plan.skipped} rows already in the study"
    )
    if args.dry_run:  # every identity it would create, for the person to check by eye
        for kind, made in (
            ("coder", summary.new_coders),
            ("participant", summary.new_participants),
            ("video", summary.new_videos),
        ):
            for name in made:
                print(f"  new {kind}: {name}")
    return 0


def cmd_disagreements(args: argparse.Namespace) -> int:
    from eas_coder.review import disagreements

    with open_study(args) as study:
        viewer = comparing_viewer(args, study, "disagreements (it compares coders)")
        found = disagreements(study, split_list(args.coders), args.level, args.min, viewer)
        labels = {v.id: v.label for v in study.videos.all()}
    if not found:
        print("No disagreements of that size.")
    for d in found:
        where = labels[d.video_id] + ("" if d.start_ms is None else f" @ {clock(d.start_ms)}")
        scores = ", ".join(f"{name} {score:g}" for name, score in d.scores.items())
        agreed = "" if d.consensus is None else f"  consensus {d.consensus:g}"
        print(f"{d.size:>4g}  {where:<32} {d.dimension:<22} {scores}{agreed}")
    return 0


def cmd_consensus(args: argparse.Namespace) -> int:
    video_id = checked_id(args.video, "VIDEO_ID", "video")
    with open_study(args) as study:
        require_manager(args, study, "recording a consensus score")
        video = study.videos.get(video_id)
        result = study.consensus.set(video.id, args.dimension, args.score, note=args.note)
    print(f"Consensus for {video.label}, {result.dimension}: {result.score:g}")
    return 0
