"""The sections of the methods report (eas_coder.methods_report), as plain ``Block``s, in the
order of GRRAS (Kottner et al. 2011); the statistics are read generically from the
reliability JSON (see methods_report's docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eas_coder.methods_text import GRRAS, LEVELS, NAMES, REFERENCES
from eas_coder.reliability import koo_li_label


@dataclass(frozen=True)
class Block:
    """One piece of the document: a heading, a paragraph or a table."""

    kind: str  # "h1", "h2", "p", "table"
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


# Here rather than in methods_report so that the renderers (methods_html, methods_pdf), which
# methods_report.write calls, need not import methods_report back: no import cycle.
@dataclass(frozen=True)
class MethodsReport:
    """The report's blocks and the JSON its numbers come from."""

    title: str
    blocks: tuple[Block, ...]
    data: dict[str, Any]


_OWN_KEYS = {"n_units", "n_dropped", "pairs", "bias", "dstudy"}
_TEST_SUFFIXES = ("_F", "_df1", "_df2", "_p")


def num(value: Any, digits: int = 2) -> str:
    """A number as the report prints it ("–" for missing)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def ci_text(pair: Any) -> str:
    """A ``[low, high]`` pair as the report prints it."""
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return ""
    return f"[{num(pair[0])}, {num(pair[1])}]"


def statistic_rows(dim: dict[str, Any], minimum_n: int) -> list[tuple[str, str, str, str]]:
    """(statistic, value, 95 % CI, label or test) for every number of one dimension."""
    rows = []
    small = isinstance(dim.get("n_units"), int) and dim["n_units"] < minimum_n
    for key, value in dim.items():
        base = next((key[: -len(s)] for s in _TEST_SUFFIXES if key.endswith(s)), None)
        if key in _OWN_KEYS or key.endswith("_ci95") or (base is not None and base in dim):
            continue
        if key.endswith("_label") and key[: -len("_label")] in dim:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | type(None)):
            continue
        label = dim.get(f"{key}_label")
        if not isinstance(label, str):
            label = ""
            if key.startswith("ICC") and isinstance(value, int | float):
                label = koo_li_label(float(value))
                if small:
                    label = f"too few units (n = {dim['n_units']})"
        if f"{key}_F" in dim:
            label = (
                label + f"; F({num(dim.get(f'{key}_df1'), 0)}, {num(dim.get(f'{key}_df2'), 0)}) = "
                f"{num(dim.get(f'{key}_F'))}, p = {num(dim.get(f'{key}_p'), 3)}"
            ).lstrip("; ")
        rows.append((NAMES.get(key, key), num(value), ci_text(dim.get(f"{key}_ci95")), label))
    return rows


def _name(design: dict[str, Any], key: str) -> str:
    return str(design.get("labels", {}).get(key, key))


def _short(key: str) -> str:
    return NAMES.get(key, key).split(":")[0]


def _pct(part: int, whole: int) -> str:
    return "–" if not whole else f"{100 * part / whole:.0f} %"


def _flags(data: dict[str, Any], design: dict[str, Any]) -> list[str]:
    form, target = data["target"]["form"], data["target"]["value"]
    out = []
    for key, dim in data["dimensions"].items():
        n, value = dim.get("n_units", 0), dim.get(form)
        if n < design["minimum_n"]:
            out.append(
                f"{_name(design, key)}: too few units (n = {n}; at least "
                f"{design['minimum_n']} are asked for) — "
                "the interval is too wide to say much."
            )
        if value is None or value < target:
            out.append(
                f"{_name(design, key)}: {form} {num(value)} is below the target of {target:.2f}."
            )
        for b in dim.get("bias", []):
            if b.get("flagged"):
                side = "higher" if (b["mean_difference"] or 0) > 0 else "lower"
                out.append(
                    f"{_name(design, key)}: {b['coder']} scores {side} than the others by "
                    f"{num(abs(b['mean_difference'] or 0))} on average "
                    f"(95 % CI {ci_text(b['mean_difference_ci95'])}, n = {b['n_units']})."
                )
    return out


def _dimension_blocks(key: str, dim: dict[str, Any], design: dict[str, Any]) -> list[Block]:
    blocks = [
        Block(
            "h3",
            f"{_name(design, key)} (n = {dim.get('n_units')}, "
            f"units dropped: {dim.get('n_dropped', 0)})",
        ),
        Block(
            "table",
            header=("Statistic", "Value", "95 % CI", "Label / test"),
            rows=tuple(statistic_rows(dim, design["minimum_n"])),
        ),
    ]
    if dim.get("bias"):
        blocks.append(
            Block(
                "table",
                header=("Coder", "n", "Mean difference from the others", "95 % CI", "Flag"),
                rows=tuple(
                    (
                        b["coder"],
                        str(b["n_units"]),
                        num(b["mean_difference"]),
                        ci_text(b["mean_difference_ci95"]),
                        "bias" if b["flagged"] else "",
                    )
                    for b in dim["bias"]
                ),
            )
        )
    d = dim.get("dstudy")
    if d:
        projected = ", ".join(f"{k} coders {num(v)}" for k, v in d["projected"].items())
        need = d.get("coders_for_target")
        units = d.get("units_for_ci_width")
        blocks.append(
            Block(
                "p",
                f"D-study ({d['form']} = {num(d['single'])}): projected ICC of the mean of "
                f"{projected} (Spearman–Brown); "
                + (f"{need} coder(s) reach the target {d['target']:.2f}; " if need else "")
                + (
                    f"{units} double-coded units give a 95 % CI of width {d['ci_width']:.2f} "
                    f"around {num(d['single'])} (Bonett 2002; this study has {d['n_units']})."
                    if units
                    else "units for a CI width: undefined at this ICC."
                ),
            )
        )
    if dim.get("pairs"):
        rows = []
        for p in dim["pairs"]:
            values = "; ".join(
                f"{_short(k)} {num(v)}"
                for k, v in p.items()
                if k not in ("coders", "n_units")
                and not k.endswith("_ci95")
                and isinstance(v, int | float | type(None))
                and not isinstance(v, bool)
            )
            rows.append((" vs ".join(p["coders"]), str(p.get("n_units")), values))
        blocks.append(Block("table", header=("Pair", "n", "Statistics"), rows=tuple(rows)))
    return blocks


def _paragraph(data: dict[str, Any], design: dict[str, Any], version: str) -> str:
    form, target = data["target"]["form"], data["target"]["value"]
    dims = data["dimensions"]
    values = [(k, d.get(form)) for k, d in dims.items() if d.get(form) is not None]
    k = len(data["coders"])
    text = (
        f"Inter-rater reliability was assessed on {design['double_coded']} of the "
        f"{design['videos']} videos ({_pct(design['double_coded'], design['videos'])}), each "
        f"coded independently by {'two' if k == 2 else 'two or more'} of {k} trained coders"
    )
    if design["blind"]:
        text += (
            ", blind to one another's segments and ratings (the coding software shows a coder "
            "only their own work on a video until every assigned coder has submitted it)."
        )
    else:
        text += "; blinding was not enforced by the software."
    text += (
        f" For each of the {len(dims)} dimensions of the {design['scheme']} we computed the "
        f"{NAMES.get(form, form).split(':')[0]} (McGraw & Wong, 1996) with its 95 % "
        "confidence interval, and labelled it after Koo and Li (2016)"
    )
    extra = [
        NAMES[s]
        for s in ("alpha_interval", "gwet_ac1", "kappa_quadratic")
        if any(d.get(s) is not None for d in dims.values())
    ]
    text += f"; we also report {', '.join(extra)}." if extra else "."
    if values:
        low, high = min(values, key=lambda x: x[1]), max(values, key=lambda x: x[1])
        text += (
            f" {form} ranged from {num(low[1])} ({_name(design, low[0])}) to "
            f"{num(high[1])} ({_name(design, high[0])})"
            f" against a target of {target:.2f}"
        )
        below = [_name(design, key) for key, v in values if v < target]
        text += f"; below target: {', '.join(below)}." if below else "; all met it."
    small = [
        _name(design, key) for key, d in dims.items() if d.get("n_units", 0) < design["minimum_n"]
    ]
    if small:
        text += f" Estimates for {', '.join(small)} rest on fewer than {design['minimum_n']} units."
    biased = sorted({b["coder"] for d in dims.values() for b in d.get("bias", []) if b["flagged"]})
    if biased:
        text += (
            f" A systematic difference from the other coders was found for {len(biased)} coder(s)."
        )
    return text + f" Analyses were run in EAS Coder {version}."


def sections(data: dict[str, Any], design: dict[str, Any], date: str, version: str) -> list[Block]:
    """Every block of the report after its title."""
    form, target = data["target"]["form"], data["target"]["value"]
    coders = data["coders"]
    blocks = [
        Block(
            "p",
            f"Study “{design['study']}”, EAS Coder {version}, {date}. Level: "
            f"{data['level']} ({LEVELS.get(data['level'], data['level'])}).",
        ),
        Block("h2", "1. Instrument"),
        Block("p", f"{design['scheme']}: " + "; ".join(design["dimensions"]) + "."),
        Block("h2", "2. Coders and units"),
        Block(
            "p",
            f"{len(coders)} coders: {', '.join(coders)}. The study holds "
            f"{design['videos']} videos; {design['rated']} were rated by these coders, "
            f"{design['double_coded']} by two or more "
            f"({_pct(design['double_coded'], design['videos'])} of all videos).",
        ),
        Block("h2", "3. Sampling"),
        Block(
            "p",
            "Videos were double-coded as assigned by the lab manager (EAS Coder can draw "
            "a seeded, timepoint-stratified random share). The number of double-coded videos "
            "needed for a chosen precision is given per dimension under Results "
            "(D-study, Bonett 2002).",
        ),
        Block("h2", "4. Rating process"),
        Block(
            "p",
            (
                "Coding was blind: a coder saw only their own segments and ratings of a video "
                "until "
                "they and every other coder assigned to it had submitted, and nobody's work on "
                "videos not assigned to them; the lab manager alone compared coders."
                if design["blind"]
                else "Blind coding was not enforced: the study has no lab-manager passphrase, so a "
                "coder could open other coders' work."
            )
            + (
                f" {design['seen_before']} coder–video pairs in these data were open to the coder "
                "under an older version's rule (other coders' work visible after submission)."
                if design["seen_before"]
                else ""
            )
            + " Each coder rated independently; consensus scores are kept apart and not used.",
        ),
        Block("h2", "5. Statistical analysis"),
        Block(
            "p",
            "Intraclass correlations in the six Shrout & Fleiss (1979) / McGraw & Wong "
            "(1996) forms with F tests and 95 % intervals; Cohen's κ (categories: the "
            "scheme's whole scale); Krippendorff's α; Pearson r; exact agreement and "
            "agreement within a tolerance; Bland–Altman limits; Gwet's AC1 and AC2 "
            "(linear, quadratic and ordinal weights) and Brennan–Prediger coefficients with "
            "t-based 95 % intervals (Gwet 2014), which resist the paradoxes of κ when scores "
            "pile up at one end of the scale; for units not rated by every coder, the "
            "one-way ICC over every unit rated at least twice (Searle 1971; Donner 1986). "
            "Per coder: the mean difference from the "
            "other coders on the same units with a t-based 95 % CI (flagged when it excludes "
            f"0). Target: {form} ≥ {target:.2f}; labels after Koo & Li (2016); fewer than "
            f"{design['minimum_n']} units are flagged as too few.",
        ),
        Block("h2", "6. Results"),
        Block(
            "table",
            header=("Dimension", "n", form, "95 % CI", "Label", "Flag"),
            rows=tuple(
                (
                    _name(design, key),
                    str(d.get("n_units")),
                    num(d.get(form)),
                    ci_text(d.get(f"{form}_ci95")),
                    d.get(f"{form}_label")
                    or (
                        f"too few units (n = {d.get('n_units')})"
                        if d.get("n_units", 0) < design["minimum_n"]
                        else koo_li_label(float("nan") if d.get(form) is None else d[form])
                    ),
                    "below target" if d.get(form) is None or d[form] < target else "",
                )
                for key, d in data["dimensions"].items()
            ),
        ),
    ]
    matching = data.get("segment_matching")
    if matching:
        blocks.append(
            Block(
                "p",
                f"Segments matched by overlap, both ends within ±{matching['tolerance_ms']} ms:",
            )
        )
        blocks.append(
            Block(
                "table",
                header=(
                    "Pair",
                    "Segments",
                    "Overlapping",
                    "Matched",
                    "Share",
                    "|Onset| ms",
                    "|Offset| ms",
                ),
                rows=tuple(
                    (
                        " vs ".join(p["coders"]),
                        " + ".join(map(str, p["segments"])),
                        str(p["overlapping"]),
                        str(p["matched"]),
                        num(p["matched_share"]),
                        num(p["mean_onset_difference_ms"], 0),
                        num(p["mean_offset_difference_ms"], 0),
                    )
                    for p in matching["pairs"]
                ),
            )
        )
    for key, dim in data["dimensions"].items():
        blocks.extend(_dimension_blocks(key, dim, design))
    notes = {
        k: v
        for k, v in data.items()
        if k not in ("coders", "level", "target", "dimensions", "segment_matching")
    }
    for key, value in notes.items():
        text = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
        blocks.append(Block("p", f"{key}: {text}"))
    flags = _flags(data, design)
    blocks.append(Block("h2", "7. Flags"))
    blocks.extend(Block("p", f"• {f}") for f in flags or ["None."])
    blocks.append(Block("h2", "8. For the methods section"))
    blocks.append(Block("p", _paragraph(data, design, version)))
    blocks.append(Block("h2", "GRRAS checklist (Kottner et al. 2011)"))
    blocks.append(Block("table", header=("Item", "Where"), rows=GRRAS))
    blocks.append(Block("h2", "References"))
    blocks.extend(Block("p", r) for r in REFERENCES)
    return blocks
