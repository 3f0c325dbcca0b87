"""Disclosure control, tried on many random tables (hypothesis): no small count is ever shown, and no hidden
count can be worked out from what is shown — each is checked with a linear programme that finds the least and
the most a hidden cell could be, given every number printed, as a determined reader would."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from scipy.optimize import linprog

from mast.analytics.disclosure import protect, with_totals

THRESHOLD = 5

tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda columns: st.lists(
            st.lists(st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=columns, max_size=columns),
            min_size=rows,
            max_size=rows,
        )
    )
)


def _range_of(protected, cell, unprinted) -> tuple[float, float]:
    """The least and most `cell` could be, knowing every shown number and that counts are not negative."""
    grid = protected.grid
    n, m = len(grid) - 1, len(grid[0]) - 1
    hidden = sorted(protected.hidden)
    index = {c: k for k, c in enumerate(hidden)}
    lines = [[(i, j) for j in range(m)] + [(i, m)] for i in range(n + 1)]
    lines += [[(i, j) for i in range(n)] + [(n, j)] for j in range(m + 1)]
    a_eq, b_eq = [], []
    for line in lines:
        *parts, whole = line
        if whole in unprinted:
            continue  # a total nobody sees tells nothing
        row = np.zeros(len(hidden))
        constant = 0.0
        for c in parts:
            if c in index:
                row[index[c]] += 1
            else:
                constant += grid[c[0]][c[1]]
        if whole in index:
            row[index[whole]] -= 1
        else:
            constant -= grid[whole[0]][whole[1]]
        a_eq.append(row)
        b_eq.append(-constant)
    objective = np.zeros(len(hidden))
    objective[index[cell]] = 1
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    assert low.status == 0 and high.status in (0, 3)
    return low.fun, (-high.fun if high.status == 0 else float("inf"))  # 3: no upper limit at all


@examples(max_examples=200, deadline=None)
@given(tables, st.booleans())
def test_no_small_count_is_shown_and_no_hidden_count_can_be_worked_out(body, column_totals):
    protected = protect(body, THRESHOLD, column_totals=column_totals)
    grid = protected.grid
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            shown = protected.shown(i, j)
            assert shown is None or not 0 < shown < THRESHOLD, "a count of 1-4 was shown"
            assert shown is None or shown == value
    unprinted = _printed_away(protected, column_totals)
    for cell in protected.hidden - unprinted:
        low, high = _range_of(protected, cell, unprinted)
        assert high - low >= 1, f"hidden cell {cell} can be worked out: it must be {low:g}"


def _printed_away(protected, column_totals):
    n = len(protected.grid) - 1
    return set() if column_totals else {(n, j) for j in range(len(protected.grid[0]))}


def test_a_table_without_small_counts_is_shown_whole():
    protected = protect([[10, 20], [30, 40]], THRESHOLD)
    assert protected.hidden == frozenset()
    assert protected.grid == with_totals([[10, 20], [30, 40]]) == [[10, 20, 30], [30, 40, 70], [40, 60, 100]]


def test_one_small_count_hides_the_cheapest_other_counts_that_protect_it():
    # 3 is hidden; its row and column totals would give it away, so the rectangle of counts costing least
    # (7 + 20 + 40 = 67, against 9 + 80 through the middle row, or anything through the 50s and 60s) goes too.
    protected = protect([[3, 50, 7], [9, 60, 80], [20, 30, 40]], THRESHOLD)
    assert protected.primary == {(0, 0)}
    assert protected.hidden == {(0, 0), (0, 2), (2, 0), (2, 2)}


def test_zeros_are_shown():
    protected = protect([[0, 12], [0, 30]], THRESHOLD)
    assert protected.hidden == frozenset()


@pytest.mark.parametrize("threshold", [3, 10])
def test_the_threshold_is_the_one_configured(threshold):
    protected = protect([[4, 100], [100, 100]], threshold)
    assert ((0, 0) in protected.hidden) == (threshold > 4)
