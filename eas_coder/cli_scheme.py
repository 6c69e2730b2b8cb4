"""``eas-coder scheme set FILE.toml`` / ``scheme versions``: the study's scheme versions.

Setting a scheme makes the study's next scheme version (the lab manager's decision); ratings
already given keep the version they were given under (store/schemes.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from eas_coder.cli_support import open_study, require_manager
from eas_coder.scheme import load_scheme


def cmd_scheme_set(args: argparse.Namespace) -> int:
    scheme = load_scheme(Path(args.file))  # every check a scheme file gets, before opening
    with open_study(args) as study:
        require_manager(args, study, "changing the coding scheme")
        before = study.scheme_revision
        number = study.set_scheme(scheme)
    if number == before:
        print(f"The study's scheme is already this one (version {number}); nothing changed.")
    else:
        print(
            f"Scheme {scheme.id!r} ({scheme.version}) is now version {number} of this study; "
            f"ratings given before keep version {before}."
        )
    return 0


def cmd_scheme_versions(args: argparse.Namespace) -> int:
    with open_study(args) as study:
        versions = study.scheme_versions()
        current = study.scheme_revision
    for v in versions:
        mark = "  (in force)" if v.number == current else ""
        print(
            f"{v.number:>3}  {v.scheme_id} version {v.label}  "
            f"{v.created_at:%Y-%m-%d %H:%M} UTC  {v.created_by}{mark}"
        )
    return 0


def add_scheme_parsers(sub: argparse._SubParsersAction, who: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``scheme set FILE`` and ``scheme versions``."""
    scheme = sub.add_parser("scheme", help="the study's coding scheme and its versions")
    actions = scheme.add_subparsers(dest="action", metavar="ACTION", required=True)
    set_ = actions.add_parser(
        "set",
        help="make a scheme file the study's next scheme version (lab manager)",
        parents=[who],
    )
    set_.add_argument("file", metavar="FILE.toml", help="the edited scheme file")
    set_.set_defaults(func=cmd_scheme_set)
    listed = actions.add_parser("versions", help="list the study's scheme versions", parents=[who])
    listed.set_defaults(func=cmd_scheme_versions)
