"""a version on each rating, so concurrent edits of one score never overwrite each other

Revision ID: 0006_rating_version
Revises: 0005_media_attachments
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_rating_version"
down_revision = "0005_media_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing ratings start at version 1, like a rating saved for the first time.
    with op.batch_alter_table("rating") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("rating") as batch:
        batch.drop_column("version")
