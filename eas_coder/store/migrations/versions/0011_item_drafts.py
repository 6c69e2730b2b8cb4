"""item drafts: item scores typed of a derived dimension whose other items are still missing
(issue 22, part 1)

Revision ID: 0011_item_drafts
Revises: 0010_timepoints_measures
Create Date: 2026-12-03

- ``item_draft``: per coder, video, target (a segment, or the whole session) and dimension
  derived from its items (``derive = "sum" | "mean"``), the item scores typed so far and the
  note on the dimension. The rating itself is refused until every item has a score (a
  partial sum would pass for a low score), so what was typed waits here; saving the last
  item turns the draft into the rating in the same transaction. Merge, backup, snapshot and
  restore carry this table like ``rating`` (same foreign keys: video and segment CASCADE,
  coder RESTRICT).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_item_drafts"
down_revision = "0010_timepoints_measures"
branch_labels = None
depends_on = None


# Plain CREATE TABLE and CREATE INDEX, never batch mode (batch re-creates tables; with
# foreign keys on, a re-created table would cascade).
def upgrade() -> None:
    op.create_table(
        "item_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=100), nullable=False),
        sa.Column("items", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["video.id"],
            name=op.f("fk_item_draft_video_id_video"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
            name=op.f("fk_item_draft_segment_id_segment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coder.id"],
            name=op.f("fk_item_draft_coder_id_coder"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_draft")),
    )
    op.create_index("ix_item_draft_video_coder", "item_draft", ["video_id", "coder_id"])
    op.create_index(
        "uq_item_draft_segment",
        "item_draft",
        ["segment_id", "coder_id", "dimension"],
        unique=True,
        sqlite_where=sa.text("segment_id IS NOT NULL"),
        postgresql_where=sa.text("segment_id IS NOT NULL"),
    )
    op.create_index(
        "uq_item_draft_session",
        "item_draft",
        ["video_id", "coder_id", "dimension"],
        unique=True,
        sqlite_where=sa.text("segment_id IS NULL"),
        postgresql_where=sa.text("segment_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("item_draft")
