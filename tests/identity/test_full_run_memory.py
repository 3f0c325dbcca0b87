"""A full run lets DuckDB's memory go before it clusters (issue 19: at most 3 GiB at a million records):
DuckDB's copy of the records and what scoring left in its memory came to most of a gigabyte there, and
clustering holds every scored pair. The people made are the same; the memory is `python -m bench linkage`'s
to measure."""

from datetime import date

import pytest

from mast.identity import resolution
from mast.identity.matching.linkage import Linker
from mast.identity.resolution import resolve_all
from tests.factories.identity import (
    identity_state_in_tmp,
    make_record,
    make_source,
    make_strangers,
    person_of,
)

__all__ = ["identity_state_in_tmp"]

pytestmark = pytest.mark.django_db


def test_a_full_run_closes_duckdb_before_clustering_and_still_links_the_person(monkeypatch):
    source = make_source()
    make_strangers(source)
    twice = [
        make_record(
            source,
            given_name="Thaddeus",
            family_name="Quillfeather",
            date_of_birth=date(1983, 5, 17),
            date_of_birth_raw="17/05/1983",
            postcode="ZZ5 3EE",
            address_line_1="12 Birch Lane",
        )
        for _ in range(2)
    ]
    happened = []
    close, cluster = Linker.close, resolution.cluster_in_bulk
    # The full run's own linker (a warm linker an earlier test left is let go first, and closes too).
    monkeypatch.setattr(
        Linker,
        "close",
        lambda self: (type(self) is Linker and happened.append("duckdb closed"), close(self))[1],
    )
    monkeypatch.setattr(
        resolution,
        "cluster_in_bulk",
        lambda *args, **kwargs: (happened.append("clustering"), cluster(*args, **kwargs))[1],
    )

    resolve_all()

    assert happened == ["duckdb closed", "clustering"]
    assert person_of(twice[0]) == person_of(twice[1])
