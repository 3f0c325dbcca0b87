"""A load killed with SIGKILL part-way through leaves the database exactly as it was."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from mast.feeds.models import Involvement, Load, PartnerRecord
from mast.feeds.services import load_file
from tests.feeds.conftest import HERE, write_feed

LOADER = """
import sys, django
django.setup()
from mast.feeds.models import Source
from mast.feeds.services import load_file
def progress(stage, done, total):
    print(stage, done, flush=True)
load_file(Source.objects.get(code="test-partner"), sys.argv[1], progress=progress)
"""


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def many_rows(count: int) -> list[str]:
    return [
        f"K{i},P{i // 3},Amy{i % 7},Jones,01/01/1990,F,{i} Long Road,AB1 2CD,,ATTENDANCE,01/01/2026,,OPEN,,,N"
        for i in range(count)
    ]


def tables():
    return (
        PartnerRecord.objects.count(),
        sorted(Involvement.objects.values_list("record_id", "status", "removed_at")),
    )


@pytest.mark.django_db(transaction=True)
def test_a_load_killed_mid_write_changes_nothing(source, tmp_path):
    load_file(source, write_feed(tmp_path / "day1.csv", many_rows(30)))
    before = tables()
    env = dict(
        os.environ,
        DATABASE_URL=database_url(),
        DJANGO_SETTINGS_MODULE="mast.config.settings",
        MAST_FEED_MAPPINGS_DIR=str(HERE / "mappings"),
        MAST_VAR_DIR=str(tmp_path / "var"),
    )
    loader = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(write_feed(tmp_path / "day2.csv", many_rows(120_000)))],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    # Kill it once it is writing involvements, inside its transaction.
    deadline = time.monotonic() + 120
    for line in loader.stdout:
        if line.startswith("involvements") or time.monotonic() > deadline:
            break
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    assert loader.returncode == -signal.SIGKILL

    assert tables() == before
    killed = Load.objects.latest("pk")
    assert killed.file_name == "day2.csv" and killed.status == Load.Status.RUNNING
