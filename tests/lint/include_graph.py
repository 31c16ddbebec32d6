#!/usr/bin/env python3
"""Fails if a unit of fakes/ or harness/ includes a unit above it in the order docs/architecture.md
writes down, or a unit the order does not name; also reports cycles between units. A unit is a
directory (harness/nginx, fakes/core) or a loose header (harness/error.hpp is harness/error).
Prints the unit graph, then FILE:LINE for each offending include.
usage: include_graph.py ROOT [DOC]   (DOC defaults to ROOT/docs/architecture.md)"""
import pathlib
import re
import sys

TOPS = ("fakes", "harness")
# The order is the fenced block opened with ```layers: one unit a line, lowest first; words after
# the unit describe it.
FENCE_OPEN = re.compile(r"^```layers\s*$")
FENCE_CLOSE = re.compile(r"^```\s*$")
INCLUDE = re.compile(r'^\s*#\s*include\s*["<]([^">]+)[">]')


def unit_of(path):
    """The unit a path (relative to the root, or as written in an #include) belongs to."""
    parts = path.split("/")
    if parts[0] not in TOPS or len(parts) < 2:
        return None
    if len(parts) > 2:
        return f"{parts[0]}/{parts[1]}"
    return f"{parts[0]}/{parts[1].rsplit('.', 1)[0]}"


def read_order(doc):
    order, inside = [], False
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        if not inside:
            inside = bool(FENCE_OPEN.match(line))
            continue
        if FENCE_CLOSE.match(line):
            return order
        words = line.split()
        if words:
            order.append((words[0], number))
    sys.exit(f"{doc}: no ```layers block (one unit a line, lowest first) closed by ```")


def sources(root):
    for top in TOPS:
        for path in sorted((root / top).rglob("*")):
            if path.suffix in (".cpp", ".hpp") and not path.name.endswith("_test.cpp"):
                yield path.relative_to(root).as_posix()


def cycles(graph):
    """Strongly connected components of more than one unit (Tarjan)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(u):
        index[u] = low[u] = len(index)
        stack.append(u)
        on_stack.add(u)
        for v in sorted(graph.get(u, ())):
            if v not in index:
                visit(v)
                low[u] = min(low[u], low[v])
            elif v in on_stack:
                low[u] = min(low[u], index[v])
        if low[u] == index[u]:
            component = []
            while True:
                v = stack.pop()
                on_stack.discard(v)
                component.append(v)
                if v == u:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for u in sorted(graph):
        if u not in index:
            visit(u)
    return found


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    root = pathlib.Path(sys.argv[1])
    doc = pathlib.Path(sys.argv[2]) if len(sys.argv) == 3 else root / "docs" / "architecture.md"
    problems = []

    order = read_order(doc)
    rank = {}
    for unit, line in order:
        if unit in rank:
            problems.append(f"{doc}:{line}: {unit} is listed twice")
        rank.setdefault(unit, len(rank))

    graph, seen_units = {}, set()
    for rel in sources(root):
        u = unit_of(rel)
        seen_units.add(u)
        graph.setdefault(u, set())
        if u not in rank:
            problems.append(f"{rel}:1: {u} is not in the order ({doc.name})")
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            m = INCLUDE.match(line)
            v = unit_of(m.group(1)) if m else None
            if v is None or v == u:
                continue
            graph[u].add(v)
            if v not in rank:
                problems.append(f"{rel}:{number}: {u} includes {v} (not in the order)")
            elif u in rank and rank[v] > rank[u]:
                problems.append(f"{rel}:{number}: {u} includes {v} (above it)")

    # A unit the order names but the tree lacks is a stale document.
    for unit, line in order:
        if unit not in seen_units:
            problems.append(f"{doc}:{line}: {unit} is in the order but has no sources")
    for component in cycles(graph):
        problems.append("cycle among: " + ", ".join(component))

    for u in sorted(graph, key=lambda u: (rank.get(u, len(rank)), u)):
        below = sorted(graph[u], key=lambda v: (rank.get(v, len(rank)), v))
        print(f"{u} -> {', '.join(below) if below else '(nothing)'}")
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(1)
    print(f"ok: {len(graph)} units, every include goes down the order in {doc.name}")


if __name__ == "__main__":
    main()
