"""Disclosure control: which numbers of a table MAST must hide before anyone sees it.

Safeguarding boards publish these figures, so a small count must never let a reader single out a person, and a
hidden count must never be worked out again from the totals printed beside it. The rule (docs/analytics.md,
ADR 0020):

- **primary**: a count of 1 to threshold - 1 (default 1 to 4), in the body of the table or in a total, is
  hidden; zeros are shown;
- **secondary**: every hidden count must stay undetermined by what is shown. A table with its row and column
  totals is a system of sums; a hidden cell can be solved for exactly when it is a *bridge* in the graph whose
  nodes are the table's rows and columns (the totals row and column included) and whose edges are the hidden
  cells. So each hidden cell is put on a cycle of hidden, non-zero cells, adding the cheapest ones (smallest
  counts, via a shortest path) until none is a bridge. A cycle of non-zero cells can move one up and the next
  down by one, whatever the totals: every hidden value could be one more or one less.

Every hidden number is shown the same way ("[c]"), whether hidden for being small or to protect another, so a
reader cannot tell which is which. Totals a table does not print (the column totals of a month-by-month
series, which would count people more than once) are no constraint on the reader; they count as hidden from
the start and need no protection.
"""

import heapq
from collections import defaultdict
from dataclasses import dataclass

Cell = tuple[int, int]


@dataclass(frozen=True)
class Protected:
    """A table's counts (body plus totals, in one grid) and which of them may not be shown."""

    grid: list[list[int]]
    hidden: frozenset[Cell]
    primary: frozenset[Cell]

    def shown(self, row: int, column: int) -> int | None:
        return None if (row, column) in self.hidden else self.grid[row][column]


def with_totals(body: list[list[int]]) -> list[list[int]]:
    """The body with a total at the end of each row, and a last row of column totals and the grand total."""
    rows = [[*row, sum(row)] for row in body]
    width = len(body[0]) if body else 0
    totals = [sum(row[j] for row in rows) for j in range(width + 1)]
    return [*rows, totals]


def protect(
    body: list[list[int]], threshold: int, *, row_totals: bool = True, column_totals: bool = True
) -> Protected:
    """Hide what must be hidden in `body` and its totals. Totals not printed count as hidden."""
    grid = with_totals(body)
    n, m = len(body), len(body[0]) if body else 0
    unprinted: set[Cell] = set()
    if not row_totals:
        unprinted |= {(i, m) for i in range(n + 1)}
    if not column_totals:
        unprinted |= {(n, j) for j in range(m + 1)}
    primary = {
        (i, j)
        for i, row in enumerate(grid)
        for j, value in enumerate(row)
        if 0 < value < threshold and (i, j) not in unprinted
    }
    hidden = unprinted | primary
    for _ in range(len(grid) * len(grid[0])):
        bridges = [cell for cell in sorted(primary | (hidden - unprinted)) if _is_bridge(cell, hidden)]
        if not bridges:
            break
        hidden |= _cheapest_cycle(bridges[0], grid, hidden)
    return Protected(grid=grid, hidden=frozenset(hidden), primary=frozenset(primary))


def _graph(cells: set[Cell]) -> dict[tuple[str, int], set[tuple[str, int]]]:
    graph: dict[tuple[str, int], set[tuple[str, int]]] = defaultdict(set)
    for i, j in cells:
        graph[("r", i)].add(("c", j))
        graph[("c", j)].add(("r", i))
    return graph


def _is_bridge(cell: Cell, hidden: set[Cell]) -> bool:
    """Whether only the cell itself joins its row and column among hidden cells (then it is solvable)."""
    graph = _graph(hidden - {cell})
    start, goal = ("r", cell[0]), ("c", cell[1])
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return False
        for other in graph[node] - seen:
            seen.add(other)
            stack.append(other)
    return True


def _cheapest_cycle(cell: Cell, grid: list[list[int]], hidden: set[Cell]) -> set[Cell]:
    """The cells to hide so `cell` lies on a cycle: the cheapest path from its row to its column through
    hidden cells (free) and non-zero shown cells (costing their value), never through `cell` itself.

    A path always exists: a hidden cell is non-zero, so its row total, its column total and the grand total
    are non-zero too, and row → row total → grand total → column total → column is a path."""
    rows, columns = len(grid), len(grid[0])
    start, goal = ("r", cell[0]), ("c", cell[1])
    best = {start: 0}
    came: dict[tuple[str, int], tuple[tuple[str, int], Cell]] = {}
    queue = [(0, start)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == goal:
            break
        if cost > best.get(node, float("inf")):
            continue
        kind, index = node
        neighbours = (
            [(("c", j), (index, j)) for j in range(columns)]
            if kind == "r"
            else [(("r", i), (i, index)) for i in range(rows)]
        )
        for other, via in neighbours:
            if via == cell:
                continue
            value = grid[via[0]][via[1]]
            if via in hidden:
                step = 0
            elif value > 0:
                step = value
            else:
                continue
            if cost + step < best.get(other, float("inf")):
                best[other] = cost + step
                came[other] = (node, via)
                heapq.heappush(queue, (cost + step, other))
    path: set[Cell] = set()
    node = goal
    while node != start:
        node, via = came[node]
        path.add(via)
    return path
