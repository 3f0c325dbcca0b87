"""Chooses the database the suite runs on: SQLite by default, a throwaway PostgreSQL 15 cluster when
MAST_TEST_DATABASE=postgresql (as the second half of `make test` sets)."""

import os

import pytest

from tests.audit_triggers import audit_triggers_off, empties_the_database
from tests.postgres_cluster import PostgresCluster


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Tests that commit are followed by pytest-django emptying the database, audit log included: the audit
    log's append-only triggers are switched off for that and back on after. Every other test runs with them
    on, as in production."""
    if not empties_the_database(item):
        return (yield)
    with audit_triggers_off():
        return (yield)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory):
    from django.conf import settings
    from django.db import connections

    if os.environ.get("MAST_TEST_DATABASE", "sqlite") != "postgresql":
        # A file, not memory, so that tests can hand the database to a second process (a killed load).
        test_db = tmp_path_factory.mktemp("db") / "test.sqlite3"
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(test_db)
        yield
        return

    cluster = PostgresCluster().start()
    # Updated in place, as Django's connection handler holds this very dict; the SQLite connection that
    # pytest-django already opened is dropped so the next use builds a PostgreSQL one.
    connections["default"].close()
    # With the options production sets for PostgreSQL (server-side binding), so the suite runs as it does.
    settings.DATABASES["default"].update(
        {**cluster.settings, "OPTIONS": {**cluster.settings["OPTIONS"], **settings.POSTGRESQL_OPTIONS}}
    )
    del connections["default"]
    try:
        yield
    finally:
        connections.close_all()
        cluster.stop()


@pytest.fixture(autouse=True)
def identity_files(tmp_path, monkeypatch):
    """Each test's matcher keeps its standardised records and trained models in its own folder."""
    monkeypatch.setattr(
        "mast.identity.record_store.store_path", lambda: tmp_path / "identity" / "records.parquet"
    )
    monkeypatch.setattr("mast.identity.model_files.models_dir", lambda: tmp_path / "identity" / "models")


@pytest.fixture(autouse=True)
def analytics_files(tmp_path, settings):
    """Each test's analytics facts file in its own folder."""
    settings.MAST_ANALYTICS_DIR = tmp_path / "analytics"


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Static files under their plain names, for every test: a page's test passes without `collectstatic`
    having run (the manifest storage refuses a name it has no entry for), and the browser tests' live
    server, whose static handler finds files with Django's finders, serves GOV.UK's CSS under the names
    the pages ask for."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Tests make many users; the real hasher's deliberate slowness would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_report_header(config):
    return f"MAST test database: {os.environ.get('MAST_TEST_DATABASE', 'sqlite')}"
