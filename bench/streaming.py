"""Peak memory streaming a large feed file (issue 13, item 5): BENCH_STREAM_GB (default 2) of CSV, each phase
in a fresh process so that its peak resident memory is its own.

- upload: the file as a browser's multipart POST, parsed by Django with MAST's upload handlers (counted
  against the limit as it streams, spooled to a temporary file) and copied into var/feeds/incoming;
- read: the file read and every row checked (readers + validation), as a load's first stage does;
- load: whole loads into an empty SQLite database of files of BENCH_STREAM_LOAD_ROWS rows (default 100,000 and
  1,000,000, each record_id once), to show that a load's peak memory no longer grows with its rows: they are
  spilled to disk and worked through a chunk at a time (feeds/spill.py). BENCH_STREAM_LOAD_ROWS=0 skips it.

Targets (issue 13: memory stays flat whatever the file size; throughput no worse than issue 3's): every
phase's peak memory ≤ 256 MiB (a 2 GB file held whole would need gigabytes), and each whole load at least
5,000 rows loaded per second.

A whole load of the 2 GB file is not measured: its rows repeat a 10,000-row block, so all but the first block
would be rejected as record_ids sent twice, and at ~10,000 rows/s on this machine it would take half an hour.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.feeds import MAPPINGS, ROOT, TARGET_ROWS_PER_SECOND, load_in_child, loaded_per_second, write_file

BOUNDARY = "mastbenchboundary"
PEAK_MIB = 256


def make_files(work: Path, gigabytes: float) -> tuple[Path, Path]:
    block_file = work / "block.csv"
    write_file(block_file, 10_000)
    header, *rows = block_file.read_bytes().split(b"\r\n", 1)
    block = rows[0]
    feed = work / "feed.csv"
    # Decimal gigabytes: 2 GB stays under the readers' 2 GiB cap on a feed file (readers.MAX_FILE_BYTES).
    target = int(gigabytes * 1000**3)
    with feed.open("wb") as handle:
        handle.write(header + b"\r\n")
        while handle.tell() < target:
            handle.write(block)
    body = work / "upload.body"
    with body.open("wb") as out, feed.open("rb") as src:
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="source"\r\n\r\ntest-partner\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="feed.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n".encode()
        )
        for chunk in iter(lambda: src.read(1024**2), b""):
            out.write(chunk)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return feed, body


def run_phase(phase: str, path: Path, work: Path) -> dict:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="mast.config.settings",
        DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
        MAST_FEED_MAPPINGS_DIR=str(MAPPINGS),
        MAST_VAR_DIR=str(work / "var"),
        MAST_MAX_UPLOAD_MB=str(10 * 1024),
        TMPDIR=str(work),
    )
    result = subprocess.run(
        [sys.executable, "-m", "bench.streaming_child", phase, str(path), BOUNDARY],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the {phase} phase failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(judge) -> None:
    gigabytes = float(os.environ.get("BENCH_STREAM_GB", "2"))
    sizes = [int(n) for n in os.environ.get("BENCH_STREAM_LOAD_ROWS", "100000,1000000").split(",") if int(n)]
    with tempfile.TemporaryDirectory(prefix="mast-bench-stream-") as tmp:
        work = Path(tmp)
        if gigabytes:
            stream_file(judge, work, gigabytes)
        for rows in sizes:
            load_rows(judge, work, rows)


def stream_file(judge, work: Path, gigabytes: float) -> None:
    started = time.perf_counter()
    feed, body = make_files(work, gigabytes)
    size = feed.stat().st_size
    print(f"streaming: a {size / 1000**3:.2f} GB feed written in {time.perf_counter() - started:.0f} s")
    for phase, path in (("upload", body), ("read", feed)):
        figures = run_phase(phase, path, work)
        rows, seconds = figures.get("rows"), figures["seconds"]
        extra = f", {rows:,} rows = {rows / seconds:,.0f} rows/s" if rows else ""
        print(
            f"streaming [{phase}]: {figures['bytes'] / 1000**3:.2f} GB in {seconds:.1f} s{extra}, "
            f"peak memory {figures['peak_mib']:,.0f} MiB",
            flush=True,
        )
        judge.at_most(
            f"streaming [{phase}] {size / 1000**3:.2f} GB: peak memory", figures["peak_mib"], PEAK_MIB, "MiB"
        )
    feed.unlink()
    body.unlink()


def load_rows(judge, work: Path, rows: int) -> None:
    path = work / f"load-{rows}.csv"
    write_file(path, rows)
    figures = load_in_child(f"sqlite:///{work / f'load-{rows}.sqlite3'}", path, work / f"var-{rows}")
    print(
        f"streaming [load]: {rows:,} rows ({path.stat().st_size / 1000**2:,.0f} MB, {figures['status']}) "
        f"in {figures['seconds']:.1f} s = {figures['loaded']:,} rows loaded, "
        f"peak memory {figures['peak_mib']:,.0f} MiB",
        flush=True,
    )
    judge.at_most(f"streaming [load] {rows:,} rows: peak memory", figures["peak_mib"], PEAK_MIB, "MiB")
    judge.at_least(
        f"streaming [load] {rows:,} rows: rows loaded per second",
        loaded_per_second(figures),
        TARGET_ROWS_PER_SECOND,
        "rows/s",
    )
    path.unlink()
