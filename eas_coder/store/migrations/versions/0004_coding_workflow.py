"""coding workflow: notes on ratings, a lab-manager passphrase, shared episode templates

Revision ID: 0004_coding_workflow
Revises: 0003_video_name_consensus
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_coding_workflow"
down_revision = "0003_video_name_consensus"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rating") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("study") as batch:
        batch.add_column(sa.Column("manager_hash", sa.String(length=300), nullable=True))
    op.create_table(
        "template_segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("episode", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["video_id"], ["video.id"],
                                name=op.f("fk_template_segment_video_id_video"),
                                ondelete="CASCADE"),
        sa.CheckConstraint("start_ms >= 0 AND end_ms > start_ms",
                           name=op.f("ck_template_segment_valid_span")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_template_segment")),
    )  # fmt: skip
    with op.batch_alter_table("template_segment") as batch:
        batch.create_index("ix_template_segment_video", ["video_id"])


def downgrade() -> None:
    op.drop_table("template_segment")
    with op.batch_alter_table("study") as batch:
        batch.drop_column("manager_hash")
    with op.batch_alter_table("rating") as batch:
        batch.drop_column("note")
