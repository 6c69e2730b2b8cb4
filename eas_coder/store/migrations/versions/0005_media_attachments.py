"""media attached to a video: further camera angles and separate audio, with offsets

Revision ID: 0005_media_attachments
Revises: 0004_coding_workflow
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_media_attachments"
down_revision = "0004_coding_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("offset_ms", sa.Integer(), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["video_id"], ["video.id"],
                                name=op.f("fk_attachment_video_id_video"), ondelete="CASCADE"),
        sa.CheckConstraint("kind IN ('angle', 'audio')", name=op.f("ck_attachment_known_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )  # fmt: skip
    with op.batch_alter_table("attachment") as batch:
        batch.create_index("ix_attachment_video", ["video_id"])
        batch.create_index(batch.f("ix_attachment_fingerprint"), ["fingerprint"])


def downgrade() -> None:
    op.drop_table("attachment")
