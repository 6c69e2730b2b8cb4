"""The study the project comes from, as its Table 2 reports it: mother M001 before the group
(pre) and at follow-up, the EAS subscales with the lab's cut-offs (risk / non-risk / optimal),
and self-report measures beside them. Built through the command line only."""

from __future__ import annotations

import csv
from pathlib import Path

from eas_coder.cli import main

SCHEME = """
[scheme]
id = "lab-cutoffs"
name = "EAS with our lab's cut-offs"
version = "1"
bands_note = "Cut-offs from our lab's certified training (Vliegen, Luyten & Biringen 2009 bands)."

[[bands]]
key = "risk"
label = "Risk"

[[bands]]
key = "nonrisk"
label = "Non-Risk"

[[bands]]
key = "optimal"
label = "Optimal"

[[dimensions]]
key = "sensitivity"
label = "Sensitivity"
side = "adult"
min = 1
max = 7
step = 0.25
cutoffs = { nonrisk = 5.5, optimal = 7 }

[[dimensions]]
key = "structuring"
label = "Structuring"
side = "adult"
min = 1
max = 7
step = 0.25
cutoffs = { nonrisk = 5.0, optimal = 6.5 }

[[dimensions]]
key = "nonintrusiveness"
label = "Non-intrusiveness"
side = "adult"
min = 1
max = 7
step = 0.25
cutoffs = { nonrisk = 5.0, optimal = 6.5 }

[[dimensions]]
key = "nonhostility"
label = "Non-hostility"
side = "adult"
min = 1
max = 7
step = 0.25
cutoffs = { nonrisk = 5.0, optimal = 6.5 }

[[dimensions]]
key = "child_responsiveness"
label = "Child responsiveness"
side = "child"
min = 1
max = 7
step = 0.25
cutoffs = { nonrisk = 3.5, optimal = 6.0 }

[[dimensions]]
key = "child_involvement"
label = "Child involvement"
side = "child"
min = 1
max = 7
step = 0.25
cutoffs = { nonrisk = 3.5, optimal = 6.0 }
"""

# (dimension, pre, follow-up): M001's scores, each the mean of two coders' (Ana, Ben).
M001 = (
    ("sensitivity", 4.75, 6.5),
    ("structuring", 4.5, 6.0),
    ("nonintrusiveness", 5.0, 6.25),
    ("nonhostility", 5.5, 6.75),
    ("child_responsiveness", 4.0, 6.5),
    ("child_involvement", 4.25, 6.0),
)
# Self-report measures: (measure, pre, follow-up, direction)
MEASURES = (
    ("BDI", 27, 16, "lower-better"),
    ("PSI", 105, 115, "lower-better"),
    ("MAI", 80, 92, "higher-better"),
)


def build_paper_case(folder: Path) -> str:
    """The study file of the paper's case, made with `eas-coder` commands; returns --db."""
    scheme = folder / "lab-cutoffs.toml"
    scheme.write_text(SCHEME, encoding="utf-8")
    db = str(folder / "trial.sqlite")
    assert main(["--db", db, "init", "--scheme", str(scheme), "--name", "IPT-MB trial"]) == 0
    ratings = folder / "ratings.csv"
    with ratings.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["participant", "timepoint", "coder", "dimension", "score"])
        for key, pre, follow in M001:
            for timepoint, mean in (("follow-up", follow), ("pre", pre)):  # follow-up first
                out.writerow(["M001", timepoint, "Ana", key, mean - 0.25])
                out.writerow(["M001", timepoint, "Ben", key, mean + 0.25])
    assert main(["--db", db, "import-ratings", str(ratings)]) == 0
    assert main(["--db", db, "timepoints", "set", "pre", "follow-up"]) == 0
    measures = folder / "measures.csv"
    with measures.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["participant", "timepoint", "measure", "value", "direction"])
        for name, pre, follow, direction in MEASURES:
            out.writerow(["M001", "pre", name, pre, direction])
            out.writerow(["M001", "follow-up", name, follow, direction])
    assert main(["--db", db, "import-measures", str(measures)]) == 0
    return db
