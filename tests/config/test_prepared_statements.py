"""On PostgreSQL each web process's connection prepares the statements it runs again and again (ADR 0043):
PostgreSQL then parses and plans a page's fifty statements once per connection, not once per request — half
of its CPU per page in the load test. Behind a pooler that cannot keep prepared statements they are turned
off with DATABASE_PREPARED_STATEMENTS=0."""

import os

import pytest
from django.db import connection

from mast.access.models import Agency, AgencyKind
from tests.config.test_settings import run_settings

OPTIONS_PROBE = (
    "import django; from django.conf import settings; django.setup(); "
    "print(sorted(settings.DATABASES['default'].get('OPTIONS', {}).items()))"
)


@pytest.mark.django_db
@pytest.mark.skipif(
    os.environ.get("MAST_TEST_DATABASE", "sqlite") != "postgresql", reason="PostgreSQL's prepared statements"
)
def test_a_statement_run_again_on_a_connection_is_prepared_once():
    Agency.objects.create(code="t-police", name="Test Police", kind=AgencyKind.POLICE)

    for _ in range(3):
        assert Agency.objects.filter(code="t-police").exists()

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "access_agency"' in statement for statement in prepared), prepared


def test_postgresql_prepares_statements_unless_told_not_to(tmp_path, monkeypatch):
    import tests.config.test_settings as probe

    monkeypatch.setattr(probe, "SETTINGS_PROBE", OPTIONS_PROBE)
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    url = "postgres://mast@db.example:5432/mast"

    on = run_settings(tmp_path, DATABASE_URL=url)
    off = run_settings(tmp_path, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="0")

    assert "('server_side_binding', True)" in on.stdout and "prepare_threshold" in on.stdout, on.stderr
    assert off.stdout.strip() == "[]", off.stderr
    assert "server_side_binding" not in run_settings(tmp_path).stdout  # SQLite has no such thing
