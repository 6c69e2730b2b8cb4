"""What each study setting is called in the Study Settings dialog, and the sentence under it
saying what it does. One entry per key of ``store.settings.DEFAULTS``: the dialog is built
from that table, and a test fails when a key is added there without a sentence here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SettingText:
    """The group a setting is shown in, its label (with an ``&`` shortcut) and its sentence."""

    group: str
    label: str
    sentence: str
    unit: str = ""  # shown after a number ("ms")


RELIABILITY = "Reliability"
CODING = "Coding"
STUDY = "Backups and media"
TIMEPOINTS = "Timepoints"
GROUP_ORDER = (RELIABILITY, CODING, TIMEPOINTS, STUDY)  # a group not named here comes last
LEFT_GROUPS = (RELIABILITY, TIMEPOINTS)  # the dialog's left column; the others on the right

TEXTS: dict[str, SettingText] = {
    "reliability.target_form": SettingText(
        RELIABILITY,
        "Target &form",
        "The intraclass correlation compared with the target: ICC2 (two-way random, "
        "single coder) for most designs; the k forms are for averaged scores.",
    ),
    "reliability.target": SettingText(
        RELIABILITY,
        "Reliability &target",
        "The ICC each dimension should reach (0 to 1, e.g. 0.70): the report and the drift "
        "view mark every value below it.",
    ),
    "reliability.tolerance": SettingText(
        RELIABILITY,
        "Agreement &within",
        "Two coders' scores this close count as agreeing in the report's agreement column "
        "(in scale points; 1 means within one point).",
        "points",
    ),
    "reliability.min_n": SettingText(
        RELIABILITY,
        "Minimum &units",
        "Below this many double-coded units a reliability value is labelled \u201ctoo few "
        "units\u201d instead of good or poor.",
    ),
    "reliability.boundary_tolerance_ms": SettingText(
        RELIABILITY,
        "Segment &boundary tolerance",
        "Two coders' segments are the same episode when they overlap and both ends lie "
        "within this many milliseconds of each other.",
        "ms",
    ),
    "reliability.ci_width": SettingText(
        RELIABILITY,
        "Planned C&I width",
        "The full width of the 95 % confidence interval of the ICC the lab plans for: the "
        "reliability sample says how many double-coded videos reach it.",
    ),
    "coding.self_assign": SettingText(
        CODING,
        "Coders may take &unassigned videos",
        "When on, a coder may start an unassigned video themselves (asked first, and "
        "audited); when off, only the lab manager assigns videos.",
    ),
    "scores.segment_weighting": SettingText(
        CODING,
        "Segment &weighting",
        "A session score without a session rating is the mean of the coder's segment "
        "scores: \u201cnone\u201d counts each segment once, \u201cduration\u201d weights it "
        "by its length. Exports and reliability say which was used.",
    ),
    "videos.name_pattern": SettingText(
        CODING,
        "Video &name pattern",
        "How Add Videos reads the dyad and timepoint from a file name, e.g. "
        "{dyad}_{timepoint} or {timepoint}/{dyad} (* stands for any text). Empty: it "
        "guesses from parts such as M001, pre, post, T1 or visit3.",
    ),
    "backups.keep": SettingText(
        STUDY,
        "Backups &kept",
        "How many backups of a study file are kept (one is taken each time the study is "
        "opened; the oldest go first). Server studies are backed up by the server.",
    ),
    "media.root_name": SettingText(
        STUDY,
        "&Media root name",
        "The name of the folder that holds a shared study's videos (e.g. lab-videos): "
        "video paths inside it are stored relative to it, and each workstation says where "
        "that folder is on its own disk. Empty: no media root.",
    ),
}


def text_of(key: str) -> SettingText:
    """The entry of ``key``; a setting added to the store without one still gets a row (the
    test of this table fails until its sentence is written)."""
    return TEXTS.get(key) or SettingText(STUDY, key, f"(The setting {key}.)")
