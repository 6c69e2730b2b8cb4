"""``eas-coder import-segments`` and ``export-eaf``: segments from and to ELAN and BORIS.

Importing segments for a coder changes the study: it is the lab manager's, like ``import``
(``--manager`` in a study with a passphrase). Here ``--coder NAME`` names whose segments they
become, not who is asking. ``export-eaf`` shows coders' work: the lab manager's view, or a
coder's own blind view with ``--coder NAME``, as ``export``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eas_coder.cli_support import PROG, UsageError, open_study, require_manager, viewer_of
from eas_coder.timecode import clock

SHOWN_PROBLEMS = 100  # as import-ratings: a huge file must not print a million lines
SHOWN_SEGMENTS = 200


def _print_problems(source: str, problems: list[object]) -> None:
    print(f"{PROG}: error: {source}: {len(problems)} problem(s), nothing imported", file=sys.stderr)
    for problem in problems[:SHOWN_PROBLEMS]:
        print(f"  {problem}", file=sys.stderr)
    if len(problems) > SHOWN_PROBLEMS:
        print(f"  … and {len(problems) - SHOWN_PROBLEMS} more", file=sys.stderr)


def cmd_import_segments(args: argparse.Namespace) -> int:
    from eas_coder.exchange.segment_import import SegmentImportRejected, apply, preview

    with open_study(args) as study:
        # ``--coder`` after the command names the segments' coder (dest segments_coder);
        # one before it is who asks, and a coder may not import
        require_manager(args, study, "importing segments")
        plan = preview(
            study, Path(args.source), args.segments_coder, video=args.video, tier=args.tier,
            behaviour=args.behaviour, episode=args.episode,
        )  # fmt: skip
        for warning in plan.warnings:
            print(f"{PROG}: warning: {warning}", file=sys.stderr)
        if plan.problems:
            _print_problems(args.source, list(plan.problems))
            return 2
        try:
            result = apply(study, plan, dry_run=args.dry_run)
        except SegmentImportRejected as exc:
            _print_problems(args.source, list(exc.problems))
            return 2
    for p in plan.segments[:SHOWN_SEGMENTS]:
        frames = "" if p.first_frame is None else f"  frames {p.first_frame}–{p.last_frame}"
        print(
            f"  {p.video_label}  {clock(p.start_ms)}–{clock(p.end_ms)}{frames}  "
            f"{p.episode or '-'}  ({p.source})"
        )
    if len(plan.segments) > SHOWN_SEGMENTS:
        print(f"  … and {len(plan.segments) - SHOWN_SEGMENTS} more")
    verb = "Would import" if args.dry_run else "Imported"
    coder = plan.coder.name if plan.coder else args.segments_coder
    videos = len({p.video_id for p in plan.segments})
    print(
        f"{verb} {len(result.segments)} segment(s) for {coder} on {videos} video(s); "
        f"{result.skipped} already in the study"
    )
    return 0


def cmd_export_eaf(args: argparse.Namespace) -> int:
    from eas_coder.exchange.eaf_export import export_eaf
    from eas_coder.exchange.segment_import import find_video

    if len(args.targets) > 2:
        raise UsageError("give VIDEO OUT.eaf, or one FOLDER for every video")
    with open_study(args) as study:
        viewer = viewer_of(args, study, "export-eaf")
        video_ids = None
        if len(args.targets) == 2:
            video = find_video(study.videos.all(), args.targets[0])
            if video is None:
                raise UsageError(f"no video {args.targets[0]!r} (see `{PROG} videos list`)")
            video_ids = [video.id]
        out = Path(args.targets[-1])
        if video_ids is None and out.suffix.lower() == ".eaf":
            raise UsageError(f"{out}: name the video first (VIDEO OUT.eaf), or give a folder")
        written = export_eaf(study, out, video_ids, viewer)
    for path in written:
        print(f"Wrote {path}")
    if not viewer.manager:
        print(f"As {viewer.describe()}")
    return 0


def add_interchange_parsers(sub: argparse._SubParsersAction, who: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``import-segments`` and ``export-eaf``."""
    imp = sub.add_parser(
        "import-segments",
        help="import segment boundaries from ELAN (.eaf) or BORIS (.boris) files",
        description="Each annotation of the chosen ELAN tier, or each START/STOP pair of the "
        "chosen BORIS state behaviour, becomes a segment of the coder, on exact frames. "
        "A folder: every .eaf and .boris in it, matched to videos by file name.",
    )
    imp.add_argument("source", metavar="FILE_OR_FOLDER")
    imp.add_argument("--coder", dest="segments_coder", required=True, metavar="NAME",
                     help="the coder the segments belong to")  # fmt: skip
    imp.add_argument(
        "--manager",
        action="store_true",
        default=argparse.SUPPRESS,
        help="act as the lab manager (passphrase from $EAS_CODER_MANAGER_PASSPHRASE, else asked)",
    )
    imp.add_argument("--video", metavar="ID_OR_NAME", help="the video (default: by file name)")
    what = imp.add_mutually_exclusive_group()
    what.add_argument("--tier", metavar="T", help="ELAN tier (default: the coder's name)")
    what.add_argument("--behaviour", "--behavior", metavar="B[,B]", help="BORIS state behaviour(s)")
    imp.add_argument("--episode", metavar="LABEL", help="give every segment this episode label")
    imp.add_argument("--dry-run", action="store_true", help="check and list; write nothing")
    imp.set_defaults(func=cmd_import_segments)

    exp = sub.add_parser(
        "export-eaf",
        help="export segments and scores as ELAN .eaf (VIDEO OUT.eaf, or FOLDER for all)",
        parents=[who],
    )
    exp.add_argument(
        "targets",
        nargs="+",
        metavar="[VIDEO] OUT",
        help="a video id or name and an .eaf file, or a folder for every video",
    )
    exp.set_defaults(func=cmd_export_eaf)
