"""blind coding that holds: a passphrase per coder, and who could already see whose work

Revision ID: 0007_blind_coding
Revises: 0006_rating_version
Create Date: 2026-12-02

Before this revision every coder saw all coders' work on a video as soon as every coder
assigned to it had submitted, whether or not they were assigned themselves. The
``seen_work`` table keeps who could have seen what that way, replayed from the audit log
(and the current assignments, should the log miss a step), so the reliability sample never
gives a coder a video whose scores they may already know. Counted conservatively: every
coder existing now could have looked while the video was complete.
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0007_blind_coding"
down_revision = "0006_rating_version"
branch_labels = None
depends_on = None

_assignment = sa.table(
    "assignment",
    sa.column("id", sa.Integer),
    sa.column("video_id", sa.Integer),
    sa.column("coder_id", sa.Integer),
    sa.column("status", sa.String),
)
_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("new", sa.Text),
)
_coder = sa.table("coder", sa.column("id", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table("coder") as batch:
        batch.add_column(sa.Column("passphrase_hash", sa.String(length=300), nullable=True))
    seen = op.create_table(
        "seen_work",
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["video_id"], ["video.id"],
                                name=op.f("fk_seen_work_video_id_video"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"],
                                name=op.f("fk_seen_work_coder_id_coder"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("video_id", "coder_id", name=op.f("pk_seen_work")),
    )  # fmt: skip
    rows = _seen_under_the_old_rule(op.get_bind())
    if rows:
        op.bulk_insert(seen, rows)


def _seen_under_the_old_rule(conn: sa.Connection) -> list[dict[str, int]]:
    """(video, coder) pairs: the video was at some time complete (every assigned coder had
    submitted), and the coder is not assigned to it now."""
    owner: dict[int, tuple[int, int]] = {}  # assignment id -> (video, coder)
    status_now: dict[int, str] = {}
    for row in conn.execute(sa.select(_assignment)):
        owner[row.id] = (row.video_id, row.coder_id)
        status_now[row.id] = row.status
    complete: set[int] = set()
    status: dict[int, str] = {}  # assignments seen so far in the log, and their status then
    of_video: dict[int, list[int]] = defaultdict(list)
    log = sa.select(_audit).where(_audit.c.entity == "assignment").order_by(_audit.c.id)
    for event in conn.execute(log):
        if event.entity_id not in owner:
            continue
        if event.entity_id not in status:
            of_video[owner[event.entity_id][0]].append(event.entity_id)
        new = _loads(event.new)
        status[event.entity_id] = new if isinstance(new, str) else "assigned"
        video = owner[event.entity_id][0]
        if all(status[a] == "done" for a in of_video[video]):
            complete.add(video)
    by_video: dict[int, list[int]] = defaultdict(list)
    for assignment, (video, _coder_id) in owner.items():
        by_video[video].append(assignment)
    for video, ids in by_video.items():
        if all(status_now[a] == "done" for a in ids):
            complete.add(video)
    coders = [row.id for row in conn.execute(sa.select(_coder.c.id))]
    assigned = {pair for pair in owner.values()}
    return [
        {"video_id": video, "coder_id": coder}
        for video in sorted(complete)
        for coder in coders
        if (video, coder) not in assigned
    ]


def _loads(text: str | None) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def downgrade() -> None:
    op.drop_table("seen_work")
    # Not a batch (table copy): other tables' foreign keys point at coder, so SQLite would
    # refuse to drop the old copy; SQLite >= 3.35 drops a plain column in place.
    op.drop_column("coder", "passphrase_hash")
