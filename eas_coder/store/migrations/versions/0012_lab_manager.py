"""the lab manager's window: archived videos and each coder's last position (issue 23)

Revision ID: 0012_lab_manager
Revises: 0011_item_drafts
Create Date: 2026-12-03

- ``video.archived_at``: a coded video is never deleted; removing it from the study archives
  it (hidden from lists and assignment, its ratings kept and still exported).
- ``coder.retired_at``: when the lab manager retired the coder (``active`` false); a coder
  with work is never deleted.
- ``video_position``: where each coder last was in each video, so the video reopens there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_lab_manager"
down_revision = "0011_item_drafts"
branch_labels = None
depends_on = None


# Plain ADD COLUMN and CREATE TABLE, never batch mode (batch re-creates tables; with foreign
# keys on, a re-created video table would cascade to every rating).
def upgrade() -> None:
    op.add_column("video", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("coder", sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "video_position",
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("position_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["video.id"],
            name=op.f("fk_video_position_video_id_video"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coder.id"],
            name=op.f("fk_video_position_coder_id_coder"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("video_id", "coder_id", name=op.f("pk_video_position")),
        sa.CheckConstraint("position_ms >= 0", name=op.f("ck_video_position_nonneg")),
    )


def downgrade() -> None:
    op.drop_table("video_position")
    op.drop_column("coder", "retired_at")
    op.drop_column("video", "archived_at")
