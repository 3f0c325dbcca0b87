"""Peak memory streaming a large feed file (issue 13, item 5): BENCH_STREAM_GB (default 2) of CSV, each phase
in a fresh process so that its peak resident memory is its own.

- upload: the file as a browser's multipart POST, parsed by Django with MAST's upload handlers (counted
  against the limit as it streams, spooled to a temporary file) and copied into var/feeds/incoming;
- read: the file read and every row checked (readers + validation), as a load's first stage does.

A whole load of a file this size is not measured: the rows that pass validation are still held in memory until
they are written (about a kilobyte each), so a load's memory grows with the number of rows, not the bytes.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.feeds import MAPPINGS, ROOT, write_file

BOUNDARY = "mastbenchboundary"


def make_files(work: Path, gigabytes: float) -> tuple[Path, Path]:
    block_file = work / "block.csv"
    write_file(block_file, 10_000)
    header, *rows = block_file.read_bytes().split(b"\r\n", 1)
    block = rows[0]
    feed = work / "feed.csv"
    target = int(gigabytes * 1024**3)
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
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run() -> None:
    gigabytes = float(os.environ.get("BENCH_STREAM_GB", "2"))
    with tempfile.TemporaryDirectory(prefix="mast-bench-stream-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        feed, body = make_files(work, gigabytes)
        size = feed.stat().st_size
        print(f"streaming: a {size / 1024**3:.2f} GiB feed written in {time.perf_counter() - started:.0f} s")
        for phase, path in (("upload", body), ("read", feed)):
            figures = run_phase(phase, path, work)
            rows, seconds = figures.get("rows"), figures["seconds"]
            extra = f", {rows:,} rows = {rows / seconds:,.0f} rows/s" if rows else ""
            print(
                f"streaming [{phase}]: {figures['bytes'] / 1024**3:.2f} GiB in {seconds:.1f} s{extra}, "
                f"peak memory {figures['peak_mib']:,.0f} MiB",
                flush=True,
            )
