"""Scheme versions: a study's scheme is numbered from 1, and editing it makes a new version.

Every rating records the version it was given under (``rating.scheme_version``), so a score
keeps meaning what it meant when it was given, and exports and reliability say which version
each score used. The newest version is the one in force and is also ``study.scheme_toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eas_coder.errors import StudyError
from eas_coder.scheme import Scheme, parse_scheme
from eas_coder.store.tables import (
    ItemDraftRow,
    RatingRow,
    SchemeVersionRow,
    SegmentRow,
    StudyRow,
)
from eas_coder.store.unit import StudyDb


@dataclass(frozen=True)
class SchemeVersion:
    """One version of a study's scheme."""

    number: int
    scheme_id: str
    label: str  # the file's own [scheme] version
    created_at: datetime
    created_by: str
    # the scheme's TOML text: merge compares versions by it (a label can stay the same)
    scheme_toml: str = field(default="", repr=False, compare=False)


class SchemeChanged(StudyError):
    """The scheme was changed (by the lab manager, maybe elsewhere) since this study was
    opened: a score checked against the old one is not saved."""


def current_number(session: Session) -> int:
    """The version in force (1 for a study whose versions table is still empty)."""
    return int(session.scalar(select(func.max(SchemeVersionRow.number))) or 1)


def require_current(session: Session, revision: int) -> int:
    """``revision`` if it is still the version in force, else SchemeChanged."""
    now = current_number(session)
    if now != revision:
        raise SchemeChanged(
            f"the lab manager changed the coding scheme to version {now} after this study was "
            f"opened (version {revision}); nothing was saved. Reopen the study and try again"
        )
    return now


def require_known(session: Session, number: int) -> int:
    """``number`` if the study has that scheme version, else StudyError."""
    if not 1 <= number <= current_number(session):
        raise StudyError(f"this study has no scheme version {number}")
    return number


def record_first(session: Session, scheme: Scheme, actor: str) -> None:
    """Version 1, when a study is created."""
    session.add(
        SchemeVersionRow(
            number=1,
            scheme_id=scheme.id,
            label=scheme.version,
            scheme_toml=scheme.source_text,
            created_by=actor,
        )
    )


def versions(db: StudyDb) -> list[SchemeVersion]:
    """Every version of the study's scheme, oldest first."""
    with db.read() as session:
        rows = session.scalars(select(SchemeVersionRow).order_by(SchemeVersionRow.number))
        return [
            SchemeVersion(r.number, r.scheme_id, r.label, r.created_at, r.created_by, r.scheme_toml)
            for r in rows
        ]


def _orphans(session: Session, scheme: Scheme) -> list[str]:
    """What stored work the new scheme would no longer name (each with how much)."""
    problems: list[str] = []
    counts = session.execute(
        select(RatingRow.dimension, func.count()).group_by(RatingRow.dimension)
    )
    known = set(scheme.keys)
    for key, count in counts:
        if key not in known:
            problems.append(f"dimension {key!r} ({count} stored score(s))")
    drafts = session.execute(
        select(ItemDraftRow.dimension, func.count()).group_by(ItemDraftRow.dimension)
    )
    for key, count in drafts:
        if key not in known:
            problems.append(f"dimension {key!r} ({count} unfinished item draft(s))")
    # items are stored with ratings and with drafts (items typed while others are missing)
    item_rows = [
        *session.execute(
            select(RatingRow.dimension, RatingRow.items).where(RatingRow.items.is_not(None))
        ),
        *session.execute(select(ItemDraftRow.dimension, ItemDraftRow.items)),
    ]
    missing_items: dict[tuple[str, str], int] = {}
    for key, items in item_rows:
        if key not in known:
            continue
        have = {i.key for i in scheme.dimension(key).items}
        for item in items or {}:
            if item not in have:
                missing_items[(key, item)] = missing_items.get((key, item), 0) + 1
    problems += [
        f"item {i!r} of {k!r} ({n} stored score(s))" for (k, i), n in missing_items.items()
    ]
    if scheme.episodes:
        episodes = set(scheme.episode_keys())
        used = session.execute(
            select(SegmentRow.episode, func.count())
            .where(SegmentRow.episode.is_not(None))
            .group_by(SegmentRow.episode)
        )
        problems += [f"episode {e!r} ({n} segment(s))" for e, n in used if e not in episodes]
    return problems


def save_scheme_version(db: StudyDb, scheme: Scheme) -> int:
    """Check ``scheme`` and make it the study's next version, in one audited transaction;
    returns the version number in force afterwards (unchanged when the text is the same).

    The scheme is re-read from its TOML text with every check a new scheme file gets (the
    size limits included), and refused when it would no longer name a dimension, item or
    episode that stored work uses. Callers check that the lab manager asks.
    """
    if not scheme.source_text.strip():
        raise StudyError("a scheme version is stored as its TOML text; this scheme has none")
    checked = parse_scheme(scheme.source_text, source=f"scheme {scheme.id!r}", strict=True)
    with db.write() as session:
        study = db.require(session, StudyRow, 1, "study")
        number = current_number(session)
        if study.scheme_toml == checked.source_text:
            return number
        problems = _orphans(session, checked)
        if problems:
            raise StudyError(
                "the new scheme leaves out what stored work uses: "
                + "; ".join(problems)
                + ". Keep them in the scheme (you may relabel them); nothing was changed"
            )
        if session.get(SchemeVersionRow, 1) is None:  # a study from before versions
            record_first(session, parse_scheme(study.scheme_toml, strict=False), "")
        old = {"version": number, "scheme_id": study.scheme_id, "label": study.scheme_version}
        session.add(
            SchemeVersionRow(
                number=number + 1,
                scheme_id=checked.id,
                label=checked.version,
                scheme_toml=checked.source_text,
                created_by=db.actor,
            )
        )
        study.scheme_id, study.scheme_version = checked.id, checked.version
        study.scheme_toml = checked.source_text
        new = {"version": number + 1, "scheme_id": checked.id, "label": checked.version}
        db.audit(session, "scheme.version", "study", 1, old, new)
        return number + 1
