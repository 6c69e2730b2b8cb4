"""No import cycles anywhere in eas_coder, counting imports made only for type checking.

A cycle ties modules together so that none can be read, tested or moved alone; a lazy import
inside a function hides one from Python but not from this test. The contract
"acyclic_siblings" in pyproject.toml checks packages against each other; this test checks
modules, including a package's ``__init__`` against its own modules, and names every link.
"""

from __future__ import annotations

import itertools

import grimp


def _graph() -> grimp.ImportGraph:
    # cache_dir=None: tests never write into the checkout (grimp caches in .grimp_cache)
    return grimp.build_graph("eas_coder", cache_dir=None, exclude_type_checking_imports=False)


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    imported = graph.find_modules_directly_imported_by(child)
                    work.append((child, iter(sorted(imported))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def describe(graph: grimp.ImportGraph, component: list[str], first: str | None = None) -> str:
    """The component's modules, then one loop through it (from ``first``, else its first
    module), link by link with the importing line."""
    first = first or component[0]
    members = set(component)
    # first imports some member that leads back to first: that is one closed loop
    nxt = min(m for m in graph.find_modules_directly_imported_by(first) if m in members)
    back = graph.find_shortest_chain(importer=nxt, imported=first) or (nxt, first)
    loop = (first, *back)
    lines = [f"  cycle of {len(component)} modules: {', '.join(component)}"]
    for importer, imported in itertools.pairwise(loop):
        details = graph.get_import_details(importer=importer, imported=imported)
        where = (
            f"line {details[0]['line_number']}: {details[0]['line_contents'].strip()}"
            if details
            else "imported"
        )
        lines.append(f"    {importer} -> {imported}   ({where})")
    return "\n".join(lines)


def test_eas_coder_has_no_import_cycle() -> None:
    graph = _graph()
    cycles = import_cycles(graph)
    assert not cycles, (
        "Import cycles in eas_coder (each module imports the next; make one link go the other "
        "way, e.g. move the shared name into the lower module):\n"
        + "\n".join(describe(graph, component) for component in cycles)
    )


def test_a_cycle_is_found_and_named() -> None:
    """The check itself: one added import that closes a loop is reported, with both ends."""
    graph = _graph()
    before = import_cycles(graph)
    graph.add_import(importer="eas_coder.model", imported="eas_coder.store.study")
    after = [c for c in import_cycles(graph) if c not in before]
    assert any({"eas_coder.model", "eas_coder.store.study"} <= set(c) for c in after), after
    named = "\n".join(describe(graph, c, first="eas_coder.model") for c in after)
    assert "eas_coder.model -> eas_coder.store.study   (imported)" in named, named
