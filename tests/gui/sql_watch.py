"""The SQL the GUI thread sends while a test acts (issue 18: what the window does on its
thread is counted, not only timed)."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class Sent:
    """One statement: its text on one line, and the files and functions that sent it."""

    sql: str
    stack: tuple[str, ...]


@contextmanager
def gui_thread_sql(others: bool = False) -> Iterator[list[Sent]]:
    """Every statement sent from this (the GUI) thread meanwhile, in order; ``others``: those
    sent from every other thread instead (the save thread's)."""
    seen: list[Sent] = []
    gui = threading.get_ident()

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if (threading.get_ident() == gui) != others:
            stack = tuple(f"{Path(f.filename).name}:{f.name}" for f in traceback.extract_stack())
            seen.append(Sent(" ".join(statement.split()), stack))

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", note)
