"""``eas-coder relink FOLDER``: find moved or renamed video files by fingerprint and relink
those whose whole content is the recorded one.

Exit status: 0 when every missing file was found (and relinked), 1 when some remain missing,
2 on bad input (as every command).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from eas_coder.cli_support import asking_password, open_study, require_manager


def cmd_relink(args: argparse.Namespace) -> int:
    """Search FOLDER for the study's missing files; relink those found unless --dry-run."""
    from eas_coder.relink import apply_plan, find_moved  # OpenCV loads only when needed

    with open_study(args) as study:
        require_manager(args, study, "relinking video files")
        plan = find_moved(study, Path(args.folder))
        if not plan.matches:
            print("Nothing is missing: every video and attached file is where the study says.")
            return 0
        print(
            f"Searched {plan.folder} ({plan.files_seen} files) for "
            f"{len(plan.matches)} missing file(s):"
        )
        for match in plan.matches:
            print(f"  {match.status + ':':<11} {match.describe()}")
        if plan.unreadable:
            print(
                f"  ({len(plan.unreadable)} folder(s) or file(s) could not be read, e.g. "
                f"{plan.unreadable[0]})"
            )
        found, total = len(plan.found), len(plan.matches)
        if args.dry_run:
            print(
                f"Dry run: {found} of {total} missing file(s) would be relinked; "
                "nothing was changed."
            )
            return 0 if plan.complete else 1
        if not found:
            print(f"Nothing relinked; {total} file(s) still missing.")
            return 1
        outcome = apply_plan(study, plan)
    for match, reason in outcome.refused:
        print(f"  refused:    {match.missing.label}: {reason}")
    for match, note in outcome.notes:
        print(f"  note:       {match.missing.label}: {note}")
    left = total - len(outcome.relinked)
    print(
        f"Relinked {len(outcome.relinked)} of {total} missing file(s)"
        + (f"; {left} still missing." if left else ".")
    )
    return 0 if left == 0 else 1


def add_relink_parser(sub: argparse._SubParsersAction, who: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``relink`` as a command."""
    relink = sub.add_parser(
        "relink",
        help="find moved or renamed video files in FOLDER (by content) and relink them",
        parents=[who],
    )
    relink.add_argument("folder", metavar="FOLDER", help="searched with its subfolders")
    relink.add_argument("--dry-run", action="store_true", help="report; change nothing")
    relink.set_defaults(func=cmd_relink)


def cmd_merge(args: argparse.Namespace) -> int:
    """Bring a coder's offline copy of the study into this one (adds only; conflicts listed)."""
    from eas_coder.location import from_string
    from eas_coder.merge import merge_study
    from eas_coder.store.study import Study

    with open_study(args) as study:
        require_manager(args, study, "merging a study copy")
        source = from_string(args.other)
        opened = asking_password(source, lambda where: Study.open(where, backup=False))
        with opened as other:
            report = merge_study(study, other, dry_run=args.dry_run)
    verb = "would be" if args.dry_run else "were"
    for name in report.coders_added:
        print(f"coder {name} {'would be ' if args.dry_run else ''}added")
    for label in report.unmatched_videos:
        print(f"not in this study (no video with the same content): {label}")
    for conflict in report.conflicts:
        print(f"conflict: {conflict}")
    for refusal in report.refused:  # the study's own rules said no: never counted
        print(f"refused: {refusal}")
    print(
        f"{report.segments_added} segment(s) and {report.ratings_added} rating(s) {verb} "
        f"merged; {report.unchanged} already here; {len(report.conflicts)} conflict(s) left "
        f"as they are here; {len(report.refused)} refused"
    )
    return 1 if report.conflicts or report.refused else 0


def add_merge_parser(sub: argparse._SubParsersAction, who: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``merge`` as a command."""
    merge = sub.add_parser(
        "merge",
        help="bring a coder's offline copy of the study into this one",
        parents=[who],
    )
    merge.add_argument("other", metavar="OTHER_STUDY_FILE")
    merge.add_argument("--dry-run", action="store_true", help="report only; change nothing")
    merge.set_defaults(func=cmd_merge)
