"""``eas-coder report reliability OUT.pdf|OUT.html``: the methods-section report."""

from __future__ import annotations

import argparse
from pathlib import Path

from eas_coder.cli_change import add_change_report_parser
from eas_coder.cli_support import UsageError, comparing_viewer, open_study, split_list


def cmd_report_reliability(args: argparse.Namespace) -> int:
    from eas_coder import methods_report  # numpy/scipy/fpdf2 only when needed

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise UsageError(f"{out.name}: name the report .pdf or .html (e.g. reliability.pdf)")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such folder to write the report in")
    with open_study(args) as study:
        viewer = comparing_viewer(args, study, "the reliability report (it compares coders)")
        report = methods_report.build(
            study, split_list(args.coders), args.level, split_list(args.dimensions), viewer
        )
    methods_report.write(report, out)
    print(f"Wrote {out}")
    return 0


def add_report_parser(sub: argparse._SubParsersAction, who: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``report reliability OUT`` and ``report change OUT``."""
    report = sub.add_parser("report", help="write a report (PDF or HTML)")
    kinds = report.add_subparsers(dest="kind", metavar="KIND", required=True)
    rel = kinds.add_parser(
        "reliability",
        help="methods-section report of inter-rater reliability (GRRAS), .pdf or .html",
        parents=[who],
    )
    rel.add_argument("out", metavar="OUT", help="e.g. reliability.pdf or reliability.html")
    rel.add_argument("--coders", metavar="A,B,...", help="coder names (default: all)")
    rel.add_argument("--level", choices=("session", "segment"), default="session")
    rel.add_argument("--dimensions", metavar="K1,K2", help="dimension keys (default: all)")
    rel.set_defaults(func=cmd_report_reliability)
    add_change_report_parser(kinds, who)
