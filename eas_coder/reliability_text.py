"""Plain-text rendering of a reliability report for the terminal."""

from __future__ import annotations

from eas_coder.reliability import ReliabilityReport, koo_li_label


def _num(value: float, digits: int = 2) -> str:
    return "–" if value != value else f"{value:.{digits}f}"


def render(report: ReliabilityReport) -> str:
    """A table per dimension with Koo & Li labels and a flag below the study's target."""
    form, target = report.target_form, report.target
    lines = [
        f"Reliability of {', '.join(report.coders)} — {report.level} level",
        f"Target: {form} ≥ {target:.2f}.  Labels: Koo & Li (2016) "
        "poor < .50 ≤ moderate < .75 ≤ good < .90 ≤ excellent.",
        "",
        f"{'dimension':<22} {'n':>4} {'drop':>4}  {form:>6} {'95% CI':>13}  {'label':<9} "
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
            f"{_num(main.value):>6} {ci:>13}  {koo_li_label(main.value):<9} "
            f"{_num(result.icc['ICC3'].value):>5} {_num(v['alpha_interval']):>6} "
            f"{_num(v['kappa_quadratic']):>6} {_num(v['pearson_r']):>5} "
            f"{_num(v['exact_agreement']):>5} {_num(v['within_one']):>5}  {flag}"
        )
        for pair in result.pairs:
            lines.append(
                f"    {' vs '.join(pair.coders):<30} n={pair.n_units:<4} "
                f"κ quad {_num(pair.values['kappa_quadratic'])}  "
                f"r {_num(pair.values['pearson_r'])}  "
                f"±{report.tolerance:g} {_num(pair.values['within_one'])}"
            )
    return "\n".join(lines)
