"""What every benchmark does at the end: print a table, write the figures as JSON."""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def print_table(rows: Sequence[tuple[str, str, str]]) -> None:
    """Rows of (measure, result, budget), aligned."""
    width = max(len(row[0]) for row in rows)
    print(f"{'measure':<{width}}  {'result':>10}  budget")
    for name, value, budget in rows:
        print(f"{name:<{width}}  {value:>10}  {budget}")


def write_json(path: Path, result: dict[str, Any]) -> None:
    """Write the figures with the interpreter and machine they were measured on."""
    result = {"python": sys.version.split()[0], "machine": platform.machine(), **result}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written {path}; within budget: {result.get('within_budget')}")
