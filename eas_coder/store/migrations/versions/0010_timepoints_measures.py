"""ordered timepoints and other measures beside the EAS (issue 22, part 2)

Revision ID: 0010_timepoints_measures
Revises: 0009_scheme_profiles
Create Date: 2026-12-02

- ``timepoint``: the study's order of timepoints (pre -> post -> follow-up); every change
  computation reads "before" and "after" from it, never from the order videos were added.
- ``measure``: another instrument beside the EAS (BDI, PSI, ...) and whether a higher value
  is better, which turns a difference into "improved" or "declined".
- ``measure_value``: one value per participant, timepoint and measure.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_timepoints_measures"
down_revision = "0009_scheme_profiles"
branch_labels = None
depends_on = None


# Plain CREATE TABLE, never batch mode (batch re-creates tables; with foreign keys on, a
# re-created participant table would cascade).
def upgrade() -> None:
    op.create_table(
        "timepoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timepoint")),
        sa.UniqueConstraint("label", name=op.f("uq_timepoint_label")),
        sa.UniqueConstraint("position", name=op.f("uq_timepoint_position")),
    )
    op.create_table(
        "measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure")),
        sa.UniqueConstraint("name", name=op.f("uq_measure_name")),
    )
    op.create_table(
        "measure_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("timepoint", sa.String(length=100), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_measure_value_participant_id_participant"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
            name=op.f("fk_measure_value_measure_id_measure"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_value")),
        sa.UniqueConstraint(
            "participant_id",
            "timepoint",
            "measure_id",
            name=op.f("uq_measure_value_participant_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("measure_value")
    op.drop_table("measure")
    op.drop_table("timepoint")
