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


# What a linker's DuckDB needs grows with its records. At a million (988,430: the region of `python -m bench
# linkage`) scoring took 28-35 s under a limit of 1.2-1.5 GiB, 38-54 s under none (DuckDB then held 2.2 GiB,
# as a cache it was allowed), and began to spill below 1.2 GiB (1 GiB: 55 s; 800 MiB: 104 s). ADR 0044.
LINKER_BYTES_PER_RECORD = 1.5 * 2**30 / 1_000_000
LINKER_AT_LEAST = 2**30


def memory_limit(records: int | None = None) -> str:
    """MAST_DUCKDB_MEMORY_LIMIT ('4GiB', '3000MB') or half the machine's RAM, as DuckDB reads it. For a
    linker over `records` records, by default no more than it needs: 1.5 GiB a million records (1 GiB at
    least), so that a full run's scoring does not take memory the clustering after it then lacks."""
    raw = os.environ.get("MAST_DUCKDB_MEMORY_LIMIT", "").strip()
    if raw:
        if not _SIZE.match(raw):
            raise EngineSettingError(
                f"MAST_DUCKDB_MEMORY_LIMIT={raw!r} is not a size: "
                "give a number and a unit, such as 4GiB or 3000MB"
            )
        return raw.replace(" ", "")
    limit = _ram_bytes() // 2 or None
    if records is not None:
        needed = max(LINKER_AT_LEAST, int(records * LINKER_BYTES_PER_RECORD))
        limit = needed if limit is None else min(limit, needed)
    return f"{max(limit // 2**20, 256)}MiB" if limit else "80%"


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


def duckdb_config(records: int | None = None) -> dict[str, str | int]:
    """The `config` for `duckdb.connect` of every matching connection (`records`: see `memory_limit`)."""
    return {"memory_limit": memory_limit(records), "threads": threads(), "temp_directory": temp_directory()}


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
