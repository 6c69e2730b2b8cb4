"""``eas-coder relink FOLDER``: find moved or renamed video files by fingerprint and relink.

Exit status: 0 when every missing file was found (and relinked), 1 when some remain missing,
2 on bad input (as every command).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from eas_coder.cli_support import open_study, require_manager


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
