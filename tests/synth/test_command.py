import json

import pytest
from django.core.management import CommandError, call_command

from mast.feeds.models import Load, PartnerRecord
from mast.ingest.intake import ingest_file
from mast.synth.demo import ensure_partners
from tests.synth.conftest import read_region


def test_the_command_writes_a_region_and_reports_what_it_wrote(tmp_path, capsys):
    out = tmp_path / "region"
    call_command("synth", people=250, seed=3, out=str(out), as_of="2026-11-25")

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["people"] == 250 and manifest["seed"] == 3 and manifest["as_of"] == "2026-11-25"
    assert "northshire-police" in capsys.readouterr().out


def test_the_command_will_not_write_over_another_region(tmp_path):
    (tmp_path / "something.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not empty"):
        call_command("synth", people=10, out=str(tmp_path))
    assert (tmp_path / "something.txt").read_text() == "keep me"


@pytest.mark.django_db
def test_every_partner_file_loads_into_mast_with_nothing_rejected(tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    out = tmp_path / "region"
    call_command("synth", people=600, seed=5, out=str(out), as_of="2026-11-25")
    region = read_region(out)

    for source in ensure_partners():
        load = ingest_file(source, region.feed(source.code)).load
        expected = region.manifest["sources"][source.code]
        assert load.status == Load.Status.LOADED, load.message
        assert (load.rows_read, load.rows_rejected) == (expected["rows"], 0)
        assert PartnerRecord.objects.filter(source=source).count() == expected["person_records"]
