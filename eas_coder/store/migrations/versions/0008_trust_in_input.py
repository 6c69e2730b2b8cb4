"""what a file really is: accuracy checks, whole-file hashes, a study identity, consensus versions

Revision ID: 0008_trust_in_input
Revises: 0007_blind_coding
Create Date: 2026-12-02

- ``video.accuracy``: the frame-accuracy check run when a video is added or relinked (JSON
  text: frame index vs header, decodable frames, VFR, start offset, rotation, audio, damage).
- ``video.full_hash`` / ``attachment.full_hash``: SHA-256 of the whole file, computed once,
  so relink refuses any changed byte (the sampled fingerprint only finds candidates).
- ``study.uid``: a random identity, so restore can tell this study's backups from another's.
- ``consensus.version``: concurrent saves of one consensus score are refused like ratings.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008_trust_in_input"
down_revision = "0007_blind_coding"
branch_labels = None
depends_on = None

_study = sa.table("study", sa.column("id", sa.Integer), sa.column("uid", sa.String))


# Plain ADD / DROP COLUMN, never batch mode: batch mode re-creates a table, and with foreign
# keys on, dropping the old ``video`` table would cascade-delete every segment and rating.
_COLUMNS = (
    ("video", sa.Column("accuracy", sa.Text(), nullable=True)),
    ("video", sa.Column("full_hash", sa.String(length=64), nullable=True)),
    ("attachment", sa.Column("full_hash", sa.String(length=64), nullable=True)),
    ("consensus", sa.Column("version", sa.Integer(), nullable=False, server_default="1")),
    ("study", sa.Column("uid", sa.String(length=36), nullable=True)),
)


def upgrade() -> None:
    for table, column in _COLUMNS:
        op.add_column(table, column)
    bind = op.get_bind()
    for (study_id,) in bind.execute(sa.select(_study.c.id)).all():
        bind.execute(_study.update().where(_study.c.id == study_id).values(uid=str(uuid.uuid4())))


def downgrade() -> None:
    for table, column in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column.name}")
