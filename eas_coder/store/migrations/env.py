"""Alembic environment: runs on the connection EAS Coder hands it (see database.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from eas_coder.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # alembic's own command line, for developers
        url = config.get_main_option("sqlalchemy.url")
        with create_engine(url).connect() as conn:
            _run(conn)
            conn.commit()
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
