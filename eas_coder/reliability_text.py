"""Plain-text rendering of a reliability report for the terminal."""

from __future__ import annotations

from eas_coder.reliability import DimensionResult, ReliabilityReport
from eas_coder.reliability_design import f_text
from eas_coder.reliability_extras import bias_lines, dstudy_line


def _num(value: float, digits: int = 2) -> str:
    return "–" if value != value else f"{value:.{digits}f}"


def render(report: ReliabilityReport) -> str:
    """A table per dimension with Koo & Li labels and a flag below the study's target."""
    form, target = report.target_form, report.target
    lines = [
        f"Reliability of {', '.join(report.coders)} — {report.level} level",
        f"Target: {form} ≥ {target:.2f}.  Labels: Koo & Li (2016) "
        "poor < .50 ≤ moderate < .75 ≤ good < .90 ≤ excellent; "
        f"below {report.min_n} units: too few units.",
        "",
        f"{'dimension':<22} {'n':>4} {'drop':>4}  {form:>6} {'95% CI':>13}  {'label':<21} "
        f"{'ICC3':>5} {'α int':>6} {'κ quad':>6} {'r':>5} {'exact':>5} "
        f"{'±' + format(report.tolerance, 'g'):>5}  flag",
    ]
    for result in report.dimensions.values():
        main = result.icc[form]
        ci = f"[{_num(main.ci[0])}, {_num(main.ci[1])}]"
        v = result.values
        flag = "BELOW TARGET" if result.flagged(form, target) else ""
        lines.append(
            f"{result.label:<22} {result.n_units:>4} {result.n_dropped:>4}  "
            f"{_num(main.value):>6} {ci:>13}  {result.quality:<21} "
            f"{_num(result.icc['ICC3'].value):>5} {_num(v['alpha_interval']):>6} "
            f"{_num(v['kappa_quadratic']):>6} {_num(v['pearson_r']):>5} "
            f"{_num(v['exact_agreement']):>5} {_num(v['within_one']):>5}  {flag}"
        )
        lines += _detail_lines(result)
        for pair in result.pairs:
            lines.append(
                f"    {' vs '.join(pair.coders):<30} n={pair.n_units:<4} "
                f"κ quad {_num(pair.values['kappa_quadratic'])}  "
                f"r {_num(pair.values['pearson_r'])}  "
                f"±{report.tolerance:g} {_num(pair.values['within_one'])}  "
                f"AC1 {_num(pair.values['gwet_ac1'])}  "
                f"AC2 ord {_num(pair.values['gwet_ac2_ordinal'])}"
            )
    if report.segment_matching is not None:  # why segment units met, or did not
        lines += ["", *report.segment_matching.lines()]
    if report.scheme_versions:
        used = ", ".join(map(str, report.scheme_versions))
        lines += ["", f"Scheme version(s) of the scores used: {used}"]
    if report.notes:
        lines += ["", *(f"Note: {note}" for note in report.notes)]
    return "\n".join(lines)


def _ci(result: DimensionResult, key: str) -> str:
    low, high = result.intervals.get(key, (float("nan"), float("nan")))
    return f"{_num(result.values[key])} [{_num(low)}, {_num(high)}]"


def _detail_lines(result: DimensionResult) -> list[str]:
    """The F tests of every ICC form (one-way: ICC1, ICC1k; two-way: the other four), the
    chance-corrected coefficients with their 95% CIs, flagged coder bias, the D-study line
    and the dimension's notes."""
    lines = [
        f"    F tests: one-way {f_text(result.icc['ICC1'])} (ICC1, ICC1k, "
        f"n = {result.icc.n_for('ICC1')}); two-way {f_text(result.icc['ICC2'])} "
        "(ICC2, ICC3, ICC2k, ICC3k)",
        f"    AC1 {_ci(result, 'gwet_ac1')}  AC2 ord {_ci(result, 'gwet_ac2_ordinal')}  "
        f"AC2 quad {_ci(result, 'gwet_ac2_quadratic')}  BP quad {_ci(result, 'bp_quadratic')}",
    ]
    if result.scale == "ordinal":
        lines.append(
            f"    Ordinal (zones): read α ordinal {_num(result.values['alpha_ordinal'])} and "
            "AC2 ordinal; the ICC assumes equal distances between zones"
        )
    if result.sources:  # session level: where the session scores came from
        counts = ", ".join(f"{n} {source}" for source, n in result.sources.items())
        lines.append(f"    Session scores: {counts}")
    flagged = [b for b in result.bias if b.flagged]  # only flagged coders: keep it short
    if flagged:
        lines.append(f"    Bias: {'; '.join(bias_lines(flagged))}")
    if result.dstudy is not None:
        lines.append(f"    {dstudy_line(result.dstudy)}")
    return lines + [f"    Note: {note}" for note in result.notes]
