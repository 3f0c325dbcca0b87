"""How the database answers a search's look-ups by date of birth (ADR 0042): the current records born on the
dates one keyed digit from the one typed, with their given names to check, are read from one index alone —
at a million records some two thousand rows, which read one by one from the table cost more than the rest of
the look-ups together."""

import pytest
from django.db import connection

from mast.identity.search.candidates import _by_given_name_near_date
from mast.identity.search.find import SearchQuery, _query_row
from tests.factories.identity import make_record, make_source

pytestmark = pytest.mark.django_db


def statements_of(run) -> list[tuple[str, list]]:
    statements = []

    def keep(execute, sql, params, many, context):
        if "feeds_partnerrecord" in sql:
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        run()
    return statements


def test_the_dates_one_slip_away_are_read_with_their_given_names_from_the_index_alone():
    source = make_source()
    make_record(source, given_name="Jamie", family_name="Quillfeather", date_of_birth="1987-11-18")
    query = SearchQuery(given_name="James", family_name="Quillfeather", date_of_birth="18/11/1978")
    row = _query_row(query)

    found = []
    statements = statements_of(lambda: found.extend(_by_given_name_near_date(query, row, set(), 3000)))

    assert len(found) == 1  # Jamie, born on a date one slip from the one typed
    assert statements
    sql, params = statements[0]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "COVERING INDEX feeds_partnerrecord_dob_names" in plan, plan
        else:
            # A handful of rows is read by a scan, whatever the indexes: that the index holds every column
            # the look-up reads is what lets PostgreSQL answer it from the index at scale.
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'feeds_partnerrecord_dob_names'"
            )
            (definition,) = cursor.fetchone()
            assert "date_of_birth, removed_at, given_name, family_name" in definition
