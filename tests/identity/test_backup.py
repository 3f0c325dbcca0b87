"""`mast backup DIR` then `mast restore DIR` into an empty install brings back every record, person, link,
decision and audit event, with the audit chain verifying (issue 13, item 9)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mast.access.models import Role
from mast.audit import chain
from mast.audit.models import AuditEvent
from mast.feeds.models import Involvement, Load, PartnerRecord
from mast.identity.models import MatchDecision, Person, PersonLink
from mast.ingest.intake import ingest_file
from tests.factories.access import make_user
from tests.feeds.conftest import HERE, write_feed
from tests.feeds.samples import GOOD_ROWS

# Run in the empty install: migrate, restore, then report what is there and whether the log verifies.
RESTORE = """
import json, sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("restore", sys.argv[1])
from io import StringIO
from pathlib import Path
from mast.audit.models import AuditEvent
from mast.feeds.models import Involvement, Load, PartnerRecord
from mast.identity.models import MatchDecision, Person, PersonLink
out = StringIO()
call_command("audit_verify", stdout=out)
print(json.dumps({
    "records": sorted(PartnerRecord.objects.values_list("pk", "person_ref")),
    "involvements": Involvement.objects.count(),
    "people": sorted(str(p) for p in Person.objects.values_list("public_id", flat=True)),
    "links": sorted(PersonLink.objects.values_list("partner_record_id", "person_id")),
    "decisions": sorted(MatchDecision.objects.values_list("record_a_id", "record_b_id", "same_person")),
    "audit": sorted(AuditEvent.objects.values_list("sequence", "hash")),
    "verify": out.getvalue(),
    "archived": [Path(p).exists() for p in Load.objects.values_list("archive_path", flat=True) if p],
}, default=str))
"""


def state() -> dict:
    return {
        "records": [list(r) for r in sorted(PartnerRecord.objects.values_list("pk", "person_ref"))],
        "involvements": Involvement.objects.count(),
        "people": sorted(str(p) for p in Person.objects.values_list("public_id", flat=True)),
        "links": [list(r) for r in sorted(PersonLink.objects.values_list("partner_record_id", "person_id"))],
        "decisions": [
            list(r)
            for r in sorted(MatchDecision.objects.values_list("record_a_id", "record_b_id", "same_person"))
        ],
        "audit": [list(r) for r in sorted(AuditEvent.objects.values_list("sequence", "hash"))],
    }


def empty_install_url(tmp_path: Path) -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS mast_restored")
        cursor.execute("CREATE DATABASE mast_restored")
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/mast_restored"


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_install_has_everything_and_its_audit_log_verifies(
    source, tmp_path, monkeypatch
):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "var" / "feeds" / "archive")
    ingest_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
    reviewer = make_user(Role.FEED_OWNER, agency=source.agency)
    a, b = PartnerRecord.objects.order_by("pk")[:2]
    MatchDecision.objects.create(
        record_a=a, record_b=b, same_person=False, reason="twins", decided_by=reviewer
    )
    chain.append(user=reviewer, action="decide_match", target=f"pair:{a.pk}-{b.pk}")
    before = state()
    assert before["people"] and before["links"] and before["decisions"] and before["audit"]

    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(backup))
    assert (backup / "mast.sqlite3").exists() or (backup / "mast.pgdump").exists()
    assert json.loads((backup / "manifest.json").read_text())["audit_head"]["sequence"] == len(
        before["audit"]
    )

    env = dict(
        os.environ,
        DATABASE_URL=empty_install_url(tmp_path),
        DJANGO_SETTINGS_MODULE="mast.config.settings",
        MAST_VAR_DIR=str(tmp_path / "restored-var"),
        MAST_FEED_MAPPINGS_DIR=str(HERE / "mappings"),
    )
    result = subprocess.run(
        [sys.executable, "-c", RESTORE, str(backup)], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    after = json.loads(result.stdout.strip().splitlines()[-1])

    assert {k: after[k] for k in before} == before
    assert "The audit log is intact" in after["verify"]
    assert after["archived"] and all(after["archived"])
    assert Load.objects.exists()  # the original install is untouched


@pytest.mark.django_db
def test_restore_refuses_an_install_that_already_holds_data(source, tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "manifest.json").write_text(
        json.dumps({"database_vendor": connection.vendor, "database": "x", "audit_head": {}})
    )
    chain.append(user=None, action="something")
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(tmp_path / "b"))
