"""Run inside a fresh process by bench/streaming.py: one phase over one file; prints its figures as JSON."""

import io
import json
import resource
import sys
import time
from pathlib import Path

import django


def upload(path: Path, boundary: str) -> dict:
    from django.core.handlers.wsgi import WSGIRequest

    from mast.ingest.queue import incoming_dir

    size = path.stat().st_size
    with path.open("rb") as body:
        request = WSGIRequest(
            {
                "REQUEST_METHOD": "POST",
                "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
                "CONTENT_LENGTH": str(size),
                "wsgi.input": body,
                "SERVER_NAME": "testserver",
                "SERVER_PORT": "80",
                "PATH_INFO": "/feeds/upload/",
                "wsgi.url_scheme": "http",
                "wsgi.errors": io.StringIO(),
            }
        )
        upload = request.FILES["file"]
        incoming_dir().mkdir(parents=True, exist_ok=True)
        with (incoming_dir() / "bench.csv").open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
    return {"bytes": size}


def read(path: Path) -> dict:
    from django.utils import timezone

    from mast.feeds.mapping import load_mapping
    from mast.feeds.readers import read_rows
    from mast.feeds.validation import RowValidator

    mapping = load_mapping("test-partner")
    validator = RowValidator(mapping, timezone.localdate())
    _, rows = read_rows(path, mapping)
    count = 0
    for line, raw in rows:
        validator.validate(line, raw)
        count += 1
    return {"bytes": path.stat().st_size, "rows": count}


def main(phase: str, path: str, boundary: str) -> None:
    django.setup()
    started = time.perf_counter()
    figures = upload(Path(path), boundary) if phase == "upload" else read(Path(path))
    figures["seconds"] = time.perf_counter() - started
    figures["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


if __name__ == "__main__":
    main(*sys.argv[1:4])
