"""How much of the machine DuckDB may use for matching: its memory limit, threads and spill folder.

A full run over a million records on a machine that also serves the web pages must not take all the memory:
DuckDB's own default is 80 % of RAM, and past its limit it fails a query unless it can spill to disk. So the
limit is half the RAM unless configured, and the spill folder is always set, so a large join spills rather
than fails. Read from the environment here (not Django's settings): matching runs without Django too, in
`mast link` and the benchmarks. docs/configuration.md lists the three settings.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


class EngineSettingError(ValueError):
    """A matching engine setting the person who runs MAST got wrong, named with what it should be."""


def _ram_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not a POSIX system: DuckDB's own default stands
        return 0


def memory_limit() -> str:
    """MAST_DUCKDB_MEMORY_LIMIT ('4GiB', '3000MB') or half the machine's RAM, as DuckDB reads it."""
    raw = os.environ.get("MAST_DUCKDB_MEMORY_LIMIT", "").strip()
    if raw:
        if not _SIZE.match(raw):
            raise EngineSettingError(
                f"MAST_DUCKDB_MEMORY_LIMIT={raw!r} is not a size: "
                "give a number and a unit, such as 4GiB or 3000MB"
            )
        return raw.replace(" ", "")
    ram = _ram_bytes()
    return f"{max(ram // 2 // 2**20, 256)}MiB" if ram else "80%"


def threads() -> int:
    """MAST_DUCKDB_THREADS or every core."""
    raw = os.environ.get("MAST_DUCKDB_THREADS", "").strip()
    if not raw:
        return os.cpu_count() or 1
    if not raw.isdigit() or int(raw) < 1:
        raise EngineSettingError(f"MAST_DUCKDB_THREADS={raw!r} must be a whole number of threads, 1 or more")
    return int(raw)


def temp_directory() -> str:
    """MAST_DUCKDB_TEMP_DIR, where DuckDB spills what does not fit in its memory limit."""
    return os.environ.get("MAST_DUCKDB_TEMP_DIR", "") or str(Path(tempfile.gettempdir()) / "mast-duckdb")


def duckdb_config() -> dict[str, str | int]:
    """The `config` for `duckdb.connect` of every matching connection."""
    return {"memory_limit": memory_limit(), "threads": threads(), "temp_directory": temp_directory()}


ENGINES = ("duckdb", "spark")


def engine() -> str:
    """MAST_MATCHING_ENGINE: 'duckdb' (the default: one machine) or 'spark' (a cluster; local[N] to try)."""
    raw = os.environ.get("MAST_MATCHING_ENGINE", "").strip().lower() or "duckdb"
    if raw not in ENGINES:
        raise EngineSettingError(f"MAST_MATCHING_ENGINE={raw!r} must be one of: {', '.join(ENGINES)}")
    return raw


def spark_master() -> str:
    """MAST_SPARK_MASTER: where Spark runs ('local[*]' by default: every core of this machine). On a managed
    service the session already exists and this is not read (docs/scale.md)."""
    return os.environ.get("MAST_SPARK_MASTER", "").strip() or "local[*]"
