"""Standardising dates of birth: the year a partly given or unparseable date still tells."""

from __future__ import annotations

import re
from functools import lru_cache

from mast.identity.matching import CACHE_SIZE

_MIN_YEAR, _MAX_YEAR = 1880, 2100
_DIGIT_RUNS = re.compile(r"\d+")


def _plausible(year: int) -> bool:
    return _MIN_YEAR <= year <= _MAX_YEAR


@lru_cache(maxsize=CACHE_SIZE)
def birth_year(raw: str | None) -> int | None:
    """The year in a raw or partial date of birth as partners send it, if one is clear.

    '1985', '03/1985', '1985-03', 'Mar-1985', '198503', '03/04/1985', '1985-04-03', '03-Apr-1985' and
    '19850403' all give 1985. Only a four-digit year from 1880 to 2100 counts (never a guess from
    '03/04/85'); else None.
    """
    if not raw:
        return None
    for run in _DIGIT_RUNS.findall(str(raw)):
        if len(run) == 4:
            candidates = [(run, "01", "01")]
        elif len(run) == 6:  # YYYYMM or MMYYYY
            candidates = [(run[:4], run[4:], "01"), (run[2:], run[:2], "01")]
        elif len(run) == 8:  # YYYYMMDD or DDMMYYYY; at most one reading has a real month and day
            candidates = [(run[:4], run[4:6], run[6:]), (run[4:], run[2:4], run[:2])]
        else:
            continue
        for year, month, day in candidates:
            if _plausible(int(year)) and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
                return int(year)
    return None
