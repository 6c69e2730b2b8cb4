"""``eas-coder coders rename | retire | unretire | delete``: the lab manager's coder jobs of
File ▸ Coders… on the command line (store/coders.py does the work and the audit)."""

from __future__ import annotations

import argparse
from typing import Any

from eas_coder.cli_support import open_study, require_manager


def cmd_coders_rename(args: argparse.Namespace) -> int:
    with open_study(args) as study:
        require_manager(args, study, "renaming coders")
        old = study.coders.get(args.name).name
        coder = study.coders.rename(old, args.new_name)
    print(f"Renamed {old} to {coder.name}")
    return 0


def cmd_coders_retire(args: argparse.Namespace) -> int:
    with open_study(args) as study:
        require_manager(args, study, "retiring coders")
        coder = study.coders.retire(args.name)
    print(f"Retired {coder.name}: their work stays in every export and in reliability")
    return 0


def cmd_coders_unretire(args: argparse.Namespace) -> int:
    with open_study(args) as study:
        require_manager(args, study, "bringing coders back")
        coder = study.coders.unretire(args.name)
    print(f"{coder.name} is active again")
    return 0


def cmd_coders_delete(args: argparse.Namespace) -> int:
    with open_study(args) as study:
        require_manager(args, study, "deleting coders")
        name = study.coders.get(args.name).name
        study.coders.delete(name)  # refused, naming it, when the coder has any work
    print(f"Deleted {name}")
    return 0


def add_coder_parsers(coders_sub: Any, who: argparse.ArgumentParser) -> None:
    """Add rename, retire, unretire and delete under ``eas-coder coders``."""
    rename = coders_sub.add_parser("rename", help="give a coder another name", parents=[who])
    rename.add_argument("name", metavar="NAME")
    rename.add_argument("new_name", metavar="NEW_NAME")
    rename.set_defaults(func=cmd_coders_rename)
    for action, text, func in (
        ("retire", "retire a coder (their work is kept)", cmd_coders_retire),
        ("unretire", "make a retired coder active again", cmd_coders_unretire),
        ("delete", "delete a coder who has no work at all", cmd_coders_delete),
    ):
        command = coders_sub.add_parser(action, help=text, parents=[who])
        command.add_argument("name", metavar="NAME")
        command.set_defaults(func=func)
