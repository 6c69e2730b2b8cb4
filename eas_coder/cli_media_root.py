"""``eas-coder media-root``: the study's media root, where it is on this computer, and moving
stored video paths under it (eas_coder/media_roots.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from eas_coder import media_roots
from eas_coder.cli_support import UsageError, open_study, require_manager


def cmd_media_root(args: argparse.Namespace) -> int:
    """Show the media root; ``name NAME`` names it; ``move`` stores paths relative to it."""
    with open_study(args) as study:
        uid = study.videos.study_uid()
        if args.root and uid is not None:  # this run only (a script may set the variable)
            media_roots.remember_local_root(uid, Path(args.root))
        if args.action == "name":
            if args.name is None:
                raise UsageError('media-root name NAME: give the root\'s name ("" for none)')
            require_manager(args, study, "naming the media root")
            study.settings.set("media.root_name", args.name)
            print(f"Media root name: {args.name or '(none)'}")
            return 0
        if args.action == "move":
            require_manager(args, study, "moving video paths under the media root")
            done = study.videos.move_to_media_root()
            root = study.videos.media_root()
            print(
                f"Moved {len(done.moved)} path(s) under the media root {root}; "
                f"{len(done.outside)} outside it left as they are"
            )
            for stored in done.outside:
                print(f"  outside: {stored}")
            return 0
        name = study.videos.media_root_name()
        here = study.videos.media_root()
        under = sum(
            1
            for video in study.videos.all()
            if video.path is not None and media_roots.is_media_relative(video.path)
        )
        print(f"Media root name: {name or '(none)'}")
        print(f"On this computer: {here if here is not None else '(not set)'}")
        print(f"Videos stored relative to it: {under}")
    return 0


def add_media_root_parser(sub: argparse._SubParsersAction, who: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``media-root``."""
    parser = sub.add_parser(
        "media-root",
        help="the folder holding a shared study's videos, and where it is on this computer",
        parents=[who],
        epilog=f"${media_roots.ENV_VAR} also says where the media root is, for any command.",
    )
    parser.add_argument("action", nargs="?", choices=("show", "name", "move"), default="show")
    parser.add_argument("name", nargs="?", help='for "name": e.g. lab-videos ("" for none)')
    parser.add_argument(
        "--root", metavar="FOLDER", help="where the media root is on this computer (this run)"
    )
    parser.set_defaults(func=cmd_media_root)
