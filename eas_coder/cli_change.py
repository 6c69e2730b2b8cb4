"""Command-line commands for change over time (issue 22): the study's order of timepoints,
other measures (BDI, PSI, ...) and the change report.

    eas-coder timepoints                        # the order, and timepoints it leaves out
    eas-coder timepoints set pre post follow-up # lab manager
    eas-coder measures                          # measures and which way is better
    eas-coder measures set-direction BDI lower-better
    eas-coder import-measures FILE [--dry-run] [--replace]
    eas-coder report change [--participant M001] OUT.pdf|OUT.html

Changing the study is the lab manager's in a study with a passphrase (as other commands);
the report gives a coder (``--coder``) only what blind coding lets them see.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eas_coder.cli_support import PROG, UsageError, open_study, require_manager, viewer_of
from eas_coder.store.measures import DIRECTIONS, parse_direction

SHOWN_PROBLEMS = 100  # as cli_analysis: a long list says how many more


def cmd_timepoints(args: argparse.Namespace) -> int:
    with open_study(args) as study:
        if getattr(args, "labels", None):
            require_manager(args, study, "setting the order of timepoints")
            study.timepoints.set(args.labels)
        order, left_out = study.timepoints.order(), study.timepoints.unlisted()
        recorded = study.timepoints.recorded()
    if order:
        print("Timepoints in order: " + " → ".join(order))
    elif recorded:
        print(
            "No order set; the order first recorded is used: " + " → ".join(recorded) + ". "
            f'Set it with `{PROG} timepoints set "pre" "post" "follow-up"`'
        )
    else:
        print(f'No timepoints yet; set the order with `{PROG} timepoints set "pre" "follow-up"`')
    if left_out:
        print(
            "Not in the order (placed last, in the order recorded): " + ", ".join(left_out)
            + f"; name them with `{PROG} timepoints set`"
        )  # fmt: skip
    return 0


def cmd_measures(args: argparse.Namespace) -> int:
    with open_study(args) as study:
        if getattr(args, "name", None):
            try:
                higher = parse_direction(args.direction)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            require_manager(args, study, "setting a measure's direction")
            changed = study.measures.set_direction(args.name, higher)
            print(f"{changed.name}: {changed.direction}")
            return 0
        measures = study.measures.all()
        counts: dict[str, int] = {}
        for value in study.measures.values():
            counts[value.measure] = counts.get(value.measure, 0) + 1
    if not measures:
        print(f"No measures yet; import them with `{PROG} import-measures FILE`.")
    for m in measures:
        print(f"{m.name:<20} {m.direction:<14} {counts.get(m.name, 0)} values")
    return 0


def cmd_import_measures(args: argparse.Namespace) -> int:
    from eas_coder.exchange.importer import ImportRejected
    from eas_coder.exchange.measures_import import import_measures

    with open_study(args) as study:
        require_manager(args, study, "importing measures")
        try:
            plan, summary = import_measures(
                study, Path(args.file), args.dry_run, args.replace, args.encoding
            )
        except ImportRejected as exc:
            print(
                f"{PROG}: error: {args.file}: {len(exc.problems)} problem(s), nothing imported",
                file=sys.stderr,
            )
            for problem in exc.problems[:SHOWN_PROBLEMS]:
                print(f"  {problem}", file=sys.stderr)
            if len(exc.problems) > SHOWN_PROBLEMS:
                print(f"  … and {len(exc.problems) - SHOWN_PROBLEMS} more", file=sys.stderr)
            return 2
    verb = "Would import" if args.dry_run else "Imported"
    print(
        f"{verb} {summary.added} values ({summary.replaced} replaced, "
        f"{len(summary.new_measures)} new measures); {plan.skipped} rows already in the study"
    )
    for name in summary.new_measures:
        print(f"  new measure: {name}")
    return 0


def cmd_report_change(args: argparse.Namespace) -> int:
    from eas_coder import change_report  # scipy/fpdf2 only when needed

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise UsageError(f"{out.name}: name the report .pdf or .html (e.g. change.pdf)")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such folder to write the report in")
    with open_study(args) as study:
        viewer = viewer_of(args, study, "the change report")
        report = change_report.build(study, args.participant, viewer)
    change_report.write(report, out)
    print(f"Wrote {out}")
    return 0


def add_change_parsers(sub: argparse._SubParsersAction, who: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``timepoints``, ``measures`` and ``import-measures``."""
    tps = sub.add_parser(
        "timepoints", help="show or set the order of timepoints (pre → follow-up)", parents=[who]
    )
    tps.set_defaults(func=cmd_timepoints)
    tps_sub = tps.add_subparsers(dest="action", metavar="ACTION")
    t_set = tps_sub.add_parser(
        "set",
        help="set the order (lab manager); every timepoint videos or measures are at must be named",
        parents=[who],
    )
    t_set.add_argument("labels", nargs="+", metavar="TIMEPOINT", help="in order, first to last")
    t_set.set_defaults(func=cmd_timepoints)

    measures = sub.add_parser(
        "measures", help="list other measures (BDI, PSI, ...) or set their direction", parents=[who]
    )
    measures.set_defaults(func=cmd_measures)
    m_sub = measures.add_subparsers(dest="action", metavar="ACTION")
    m_dir = m_sub.add_parser(
        "set-direction", help="say whether higher or lower is better (lab manager)", parents=[who]
    )
    m_dir.add_argument("name", metavar="MEASURE", help="e.g. BDI (a new name adds the measure)")
    m_dir.add_argument("direction", metavar="DIRECTION", help=" or ".join(DIRECTIONS))
    m_dir.set_defaults(func=cmd_measures)

    imp = sub.add_parser(
        "import-measures",
        help="import other measures' values (xlsx, csv) beside the EAS",
        parents=[who],
    )
    imp.add_argument(
        "file",
        metavar="FILE",
        help="columns: participant, timepoint, measure, value [, direction]; "
        'an .xlsx is read from its "Measures" sheet, else its first',
    )
    imp.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    imp.add_argument(
        "--replace", action="store_true", help="change stored values the file gives otherwise"
    )
    imp.add_argument("--encoding", metavar="NAME", help="a CSV file's encoding, e.g. cp1252")
    imp.set_defaults(func=cmd_import_measures)


def add_change_report_parser(
    kinds: argparse._SubParsersAction,  # type: ignore[type-arg]
    who: argparse.ArgumentParser,
) -> None:
    """Register ``report change``."""
    change = kinds.add_parser(
        "change",
        help="change from the first timepoint to the last, per participant and for the study "
        "(.pdf or .html)",
        parents=[who],
    )
    change.add_argument("out", metavar="OUT", help="e.g. change.pdf or change.html")
    change.add_argument("--participant", metavar="CODE", help="one participant (default: all)")
    change.set_defaults(func=cmd_report_change)
