"""No import cycle inside the GUI rooms that had them (issue 17): timeline, coding, rating and
reliability.

A cycle through a ``TYPE_CHECKING`` import is still a cycle (grimp counts it), because it ties the
modules' designs together just the same. Needs no display: grimp reads the source, imports nothing.
"""

from pathlib import Path

import grimp
import pytest

ROOMS = [
    "eas_coder.gui.timeline",
    "eas_coder.gui.coding",
    "eas_coder.gui.rating",
    "eas_coder.gui.reliability",
]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("eas_coder", cache_dir=None)  # never write into the checkout


@pytest.mark.parametrize("room", ROOMS)
def test_no_import_cycle_inside_room(graph: grimp.ImportGraph, room: str) -> None:
    modules = sorted(m for m in graph.modules if m.startswith(room + "."))
    assert len(modules) >= 3, f"{room} has too few modules; did the room move?"
    cycles = [
        (a, b)
        for i, a in enumerate(modules)
        for b in modules[i + 1 :]
        if graph.chain_exists(a, b) and graph.chain_exists(b, a)
    ]
    assert cycles == [], f"import cycles inside {room}: {cycles}"


@pytest.mark.parametrize("room", ROOMS)
def test_no_module_in_room_over_400_lines(room: str) -> None:
    """Around 400 lines is the signal to split (docs/architecture.md, rule 7)."""
    folder = Path(__file__).parents[2].joinpath(*room.split("."))
    long = {
        p.name: n
        for p in sorted(folder.glob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}, f"split these modules of {room}: {long}"
