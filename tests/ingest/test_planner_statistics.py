"""After a load, SQLite plans from statistics of what the tables hold (ADR 0042): without them it took every
index to be as selective as any other, and read a person's open candidate pairs (the person page's "possibly
also") through the index on the pairs' status — every open pair in the region, twice, on every page."""

import pytest
from django.db import connection

from mast.feeds.services import source_for_mapping
from mast.identity.models import Person, PersonLink
from mast.identity.resolution import resolve_all
from mast.ingest.intake import ingest_file
from mast.people.possible import possibly_also
from tests.factories.identity import make_candidate, make_record
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")


def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refreshes its own statistics (autovacuum, and feeds.bulk for a large insert)")


def open_pairs_elsewhere(source, pairs: int = 20) -> None:
    """Open candidate pairs between other people's records: what a region's review queue holds."""
    records = [
        make_record(source, f"Q{i}", given_name=f"Sam{chr(97 + i % 26)}", family_name=f"Quill{i}")
        for i in range(2 * pairs)
    ]
    for a, b in zip(records[::2], records[1::2], strict=True):
        make_candidate(a, b)


def write_jsonl(path):
    path.write_text(
        '{"OccRef": "ED1", "NominalId": "H7", "Forename": "James", "Surname": "Wilson", "DOB": "01/01/1987",'
        ' "Gender": "M", "Addr1": "", "PostCode": "", "NHSNo": "943 476 5919", "OccType": "ATTENDANCE",'
        ' "OccDate": "02/02/2026", "ClosedDate": "", "Status": "CLOSED", "OIC": "", "OICPhone": "",'
        ' "Restricted": "N"}\n'
    )
    return path


def plan_of_the_pairs_query(person: Person) -> str:
    """How SQLite plans the possibly-also look-up of this person's open pairs, as the person page runs it."""
    statements = []

    def keep(execute, sql, params, many, context):
        if "identity_matchcandidate" in sql:
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        possibly_also(None, person)  # no pairs of their own, so nothing is shown and no scope is asked
    assert statements, "the person page no longer asks for open candidate pairs"
    sql, params = statements[0]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_after_a_load_a_persons_open_pairs_are_read_through_their_own_records(source, archive, tmp_path):
    sqlite_only()
    open_pairs_elsewhere(source)

    ingest_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
    # James Wilson known to a second partner too (the same valid NHS number): a person page of two records.
    hospital = source_for_mapping("test-partner-jsonl")
    ingest_file(hospital, write_jsonl(tmp_path / "ed.jsonl"))

    person = PersonLink.objects.get(partner_record__person_ref="N2").person
    assert PersonLink.objects.filter(person=person).count() == 2
    plan = plan_of_the_pairs_query(person)
    assert "record_a_id" in plan and "record_b_id" in plan, plan
    assert "status" not in plan, plan


def test_a_full_matching_run_leaves_statistics_for_the_tables_it_wrote(source, archive, tmp_path):
    sqlite_only()
    open_pairs_elsewhere(source, pairs=5)

    resolve_all()

    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        described = {row[0] for row in cursor.fetchall()}
    assert {
        "feeds_partnerrecord",
        "identity_personlink",
        "identity_person",
        "identity_searchkey",
    } <= described
