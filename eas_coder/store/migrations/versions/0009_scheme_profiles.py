"""scoring profiles: scheme versions, item-derived scores, zones (issue 22, part 1)

Revision ID: 0009_scheme_profiles
Revises: 0008_trust_in_input
Create Date: 2026-12-02

- ``scheme_version``: every scheme the study has used, numbered from 1; the study's current
  snapshot becomes version 1.
- ``rating.scheme_version``: the version each score was given under (1 for every score
  stored before).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009_scheme_profiles"
down_revision = "0008_trust_in_input"
branch_labels = None
depends_on = None

_study = sa.table(
    "study",
    sa.column("scheme_id", sa.String),
    sa.column("scheme_version", sa.String),
    sa.column("scheme_toml", sa.Text),
)


def upgrade() -> None:
    # Plain CREATE TABLE / ADD COLUMN, never batch mode (it re-creates tables, and with
    # foreign keys on would cascade-delete every rating).
    versions = op.create_table(
        "scheme_version",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("scheme_id", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=50), nullable=False),
        sa.Column("scheme_toml", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_scheme_version")),
    )
    op.add_column(
        "rating", sa.Column("scheme_version", sa.Integer(), nullable=False, server_default="1")
    )
    bind = op.get_bind()
    for scheme_id, label, text in bind.execute(
        sa.select(_study.c.scheme_id, _study.c.scheme_version, _study.c.scheme_toml)
    ).all():
        bind.execute(
            versions.insert().values(
                number=1,
                scheme_id=scheme_id,
                label=label,
                scheme_toml=text,
                created_at=datetime.now(UTC),
                created_by="migration 0009 (the study's scheme until then)",
            )
        )


def downgrade() -> None:
    op.execute("ALTER TABLE rating DROP COLUMN scheme_version")
    op.drop_table("scheme_version")
