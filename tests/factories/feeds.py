"""Rows of a partner's file, in the test partner's layout (tests/feeds/mappings/test-partner.toml)."""


def rows(count: int, start: int = 0, **overrides: str) -> list[str]:
    """`count` synthetic rows, three involvements a person; `overrides` maps a record id to its start date."""
    out = []
    for i in range(start, start + count):
        started = overrides.get(f"K{i}", "01/01/2026")
        out.append(
            f"K{i},P{i // 3},Amy{i % 7},Jones,01/01/2010,F,{i} Long Rd,AB1 2CD,,DOMESTIC,{started},,OPEN,,,N"
        )
    return out
