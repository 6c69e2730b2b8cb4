"""video names; consensus scores

Revision ID: 0003_video_name_consensus
Revises: 0002_settings
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_video_name_consensus"
down_revision = "0002_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("video") as batch:
        batch.add_column(sa.Column("name", sa.String(length=200), nullable=True))
    # Existing videos are named after their file (the last part of the stored path).
    video = sa.table("video", sa.column("id", sa.Integer), sa.column("path", sa.Text),
                     sa.column("name", sa.String))  # fmt: skip
    conn = op.get_bind()
    for video_id, path in conn.execute(sa.select(video.c.id, video.c.path)).all():
        if path:
            name = path.replace("\\", "/").rsplit("/", 1)[-1][:200]
            conn.execute(video.update().where(video.c.id == video_id).values(name=name))
    op.create_table(
        "consensus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("dimension", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["segment_id"], ["segment.id"],
                                name=op.f("fk_consensus_segment_id_segment"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["video_id"], ["video.id"],
                                name=op.f("fk_consensus_video_id_video"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus")),
    )  # fmt: skip
    with op.batch_alter_table("consensus") as batch:
        batch.create_index("uq_consensus_segment", ["segment_id", "dimension"], unique=True,
                           sqlite_where=sa.text("segment_id IS NOT NULL"),
                           postgresql_where=sa.text("segment_id IS NOT NULL"))  # fmt: skip
        batch.create_index("uq_consensus_session", ["video_id", "dimension"], unique=True,
                           sqlite_where=sa.text("segment_id IS NULL"),
                           postgresql_where=sa.text("segment_id IS NULL"))  # fmt: skip


def downgrade() -> None:
    op.drop_table("consensus")
    with op.batch_alter_table("video") as batch:
        batch.drop_column("name")
