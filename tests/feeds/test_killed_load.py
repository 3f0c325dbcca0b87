"""A load killed with SIGKILL at any stage leaves the database and the standardised store exactly as they
were, is then marked failed with the reason, and the same file loads when sent again (issue 13, item 3).

The loader runs in a second process against the test database; its progress callback stops it at the stage
under test (inside the load's transaction, for every stage after reading) so the kill lands there every time.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from mast.feeds.models import Involvement, Load, PartnerRecord
from mast.feeds.services import Confirmation, recover_stopped_loads
from mast.identity.models import Person, PersonLink
from mast.ingest.intake import ingest_file
from tests.feeds.conftest import HERE, write_feed

LOADER = """
import sys, time, django
django.setup()
from mast.feeds.models import Source
from mast.feeds.services import Confirmation
from mast.ingest.intake import ingest_file
stop_at = sys.argv[2]
def progress(stage, done, total):
    print(stage, done, flush=True)
    if stage == stop_at:
        time.sleep(600)  # killed here
ingest_file(Source.objects.get(code="test-partner"), sys.argv[1], progress=progress, confirmed=Confirmation())
"""
STAGES = ["reading", "records", "involvements", "removals", "matching"]


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def many_rows(start: int, count: int) -> list[str]:
    return [
        f"K{i},P{i // 3},Amy{i % 7},Jones{i // 3},01/01/1990,F,{i} Long Road,AB1 2CD,,ATTENDANCE,01/01/2026,,"
        f"{'OPEN' if i % 2 else 'CLOSED'},,,N"
        for i in range(start, start + count)
    ]


def tables():
    return (
        sorted(PartnerRecord.objects.values_list("person_ref", "content_hash", "removed_at")),
        sorted(Involvement.objects.values_list("record_id", "status", "removed_at", "stale_load")),
        sorted(PersonLink.objects.values_list("partner_record_id", "person_id")),
        Person.objects.count(),
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stage", STAGES)
def test_a_load_killed_at_any_stage_changes_nothing_and_can_be_sent_again(
    stage, source, tmp_path, monkeypatch
):
    var = tmp_path / "var"
    store = var / "identity" / "records-v5.arrow"
    # This process matches with the same store and models as the loader it starts.
    monkeypatch.setattr("mast.identity.record_store.store_path", lambda: store)
    monkeypatch.setattr("mast.identity.model_files.models_dir", lambda: var / "identity" / "models")
    ingest_file(source, write_feed(tmp_path / "day1.csv", many_rows(0, 30)))
    before, store_before = tables(), hashlib.sha256(store.read_bytes()).hexdigest()
    day2 = write_feed(tmp_path / "day2.csv", many_rows(10, 60))
    env = dict(
        os.environ,
        DATABASE_URL=database_url(),
        DJANGO_SETTINGS_MODULE="mast.config.settings",
        MAST_FEED_MAPPINGS_DIR=str(HERE / "mappings"),
        MAST_VAR_DIR=str(var),
    )
    loader = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(day2), stage], env=env, stdout=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 300
    seen = []
    for line in loader.stdout:
        seen.append(line.split()[0])
        if seen[-1] == stage or time.monotonic() > deadline:
            break
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    assert loader.returncode == -signal.SIGKILL and seen[-1] == stage, seen

    assert tables() == before
    assert hashlib.sha256(store.read_bytes()).hexdigest() == store_before
    killed = Load.objects.latest("pk")
    assert killed.file_name == "day2.csv" and killed.status == Load.Status.RUNNING
    assert recover_stopped_loads() == 1
    killed.refresh_from_db()
    assert killed.status == Load.Status.FAILED and "stopped part-way" in killed.message

    again = ingest_file(source, day2, confirmed=Confirmation(how="test")).load
    assert again.status == Load.Status.LOADED and again.records_removed == 10
    assert Involvement.objects.filter(removed_at__isnull=True).count() == 60
    # Matched too: every one of the 21 people still in the feed belongs to a person.
    assert PersonLink.objects.filter(partner_record__removed_at__isnull=True).count() == 21
