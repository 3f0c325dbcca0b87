"""The store of standardised records: redone only where a record changed, never trusted when it is stale."""

import pyarrow as pa
import pyarrow.feather as feather
import pytest

from mast.feeds.models import PartnerRecord
from mast.feeds.services import load_file
from mast.identity import record_store
from mast.identity.record_store import standardised_records
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    path = tmp_path / "identity" / "records-v5.arrow"
    monkeypatch.setattr(record_store, "store_path", lambda: path)
    return path


def rows_by_ref(table: pa.Table) -> dict[str, dict]:
    refs = dict(PartnerRecord.objects.values_list("pk", "person_ref"))
    return {refs[int(row["unique_id"])]: row for row in table.to_pylist()}


def test_every_current_record_is_standardised_and_kept_on_disk(source, store, tmp_path):
    load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))

    rows = rows_by_ref(standardised_records())

    assert set(rows) == {"N1", "N2", "N3"}
    assert rows["N1"]["given_name"] == "zoe" and rows["N1"]["postcode"] == "AB1 2CD"
    # Katie's postcode was flagged as malformed: kept for people to read, no evidence of where she lives.
    assert rows["N3"]["postcode"] is None
    assert rows_by_ref(feather.read_table(store)) == rows


def test_a_changed_record_is_redone_and_the_others_are_read_from_the_store(source, store, tmp_path):
    load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
    standardised_records()
    PartnerRecord.objects.filter(person_ref="N2").update(given_name="James")  # no new timestamp: not redone
    katie = PartnerRecord.objects.get(person_ref="N3")
    katie.given_name = "Catherine"
    katie.save()

    rows = rows_by_ref(standardised_records())

    assert rows["N3"]["given_name"] == "catherine"
    assert rows["N2"]["given_name"] == "jamie"


def test_a_load_redoes_its_records_and_drops_those_its_partner_withdrew(source, store, tmp_path):
    load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
    standardised_records()
    katie = PartnerRecord.objects.get(person_ref="N3")
    PartnerRecord.objects.filter(person_ref="N1").update(removed_at=katie.updated_at)
    katie.given_name = "Catherine"
    katie.save()

    rows = rows_by_ref(standardised_records(changed=[katie.pk]))

    assert set(rows) == {"N2", "N3"}
    assert rows["N3"]["given_name"] == "catherine"


def test_a_store_written_by_another_version_is_redone_and_older_stores_removed(source, store, tmp_path):
    load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
    store.parent.mkdir(parents=True)
    feather.write_feather(pa.table({"unique_id": ["1"], "given_name": ["someone else"]}), store)
    older = store.parent / "records-v4.parquet"
    older.write_bytes(b"an earlier store")

    rows = rows_by_ref(standardised_records())

    assert set(rows) == {"N1", "N2", "N3"} and rows["N1"]["given_name"] == "zoe"
    assert not older.exists()


def test_a_first_run_in_sql_stores_what_record_by_record_standardising_stores(source, store, tmp_path):
    # A first run (every record stale) standardises in one SQL pass; a load redoes its records one by one.
    # Both must store the same rows, marker included, or a record would match differently after its load.
    load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
    in_sql = rows_by_ref(standardised_records())
    store.unlink()

    one_by_one = rows_by_ref(
        pa.Table.from_pylist(
            record_store._rows(list(record_store._values(PartnerRecord.objects.all()))),
            schema=record_store.STORE_SCHEMA,
        )
    )

    assert in_sql == one_by_one
    assert in_sql["N3"]["postcode"] is None  # the flagged postcode, blanked on both paths
