"""The relationships feed and the family composition it gives MAST's people."""

import pytest

from mast.feeds.models import Load, PartnerRecord
from mast.feeds.services import load_file
from mast.identity.family import family_of, load_relationships
from mast.identity.models import PersonLink, Relationship
from mast.identity.resolution import resolve_records
from tests.feeds.conftest import write_feed

pytestmark = pytest.mark.django_db

ROWS = [
    "OC1,M1,Gail,Barker,06/03/1985,F,3 Kiln Lane,NS1 1AB,,DOMESTIC,01/02/2026,,OPEN,PC Ash,,N",
    "OC2,F1,Dean,Barker,11/09/1983,M,3 Kiln Lane,NS1 1AB,,DOMESTIC,01/02/2026,,OPEN,PC Ash,,N",
    "OC3,C1,Tyler,Barker,14/07/2014,M,3 Kiln Lane,NS1 1AB,,DOMESTIC,01/02/2026,,OPEN,PC Ash,,N",
    "OC4,C2,Ruby,Barker,02/12/2016,F,3 Kiln Lane,NS1 1AB,,DOMESTIC,01/02/2026,,OPEN,PC Ash,,N",
]


@pytest.fixture
def family(source, tmp_path, monkeypatch):
    monkeypatch.setattr("mast.identity.model_files.models_dir", lambda: tmp_path / "models")
    monkeypatch.setattr("mast.identity.record_store.store_path", lambda: tmp_path / "records.arrow")
    resolve_records(load_file(source, write_feed(tmp_path / "feed.csv", ROWS)).changed_records)
    return {
        ref: PersonLink.objects.get(partner_record__person_ref=ref).person for ref in ("M1", "F1", "C1", "C2")
    }


def relationships_file(path, rows):
    path.write_text(
        "person_ref,related_person_ref,relationship\n" + "".join(r + "\n" for r in rows), encoding="utf-8"
    )
    return path


def test_a_child_has_parents_and_a_sibling_and_the_parents_see_their_children(family, source, tmp_path):
    load = load_relationships(
        source,
        relationships_file(
            tmp_path / "rel.csv", ["C1,M1,mother", "C1,F1,father", "C2,M1,parent", "C1,C2,sister"]
        ),
    )

    assert (load.status, load.rows_loaded, load.rows_rejected) == (Load.Status.LOADED, 4, 0)
    tyler = {(m.kind, m.display_name) for m in family_of(family["C1"])}
    assert tyler == {("parent", "Gail Barker"), ("parent", "Dean Barker"), ("sibling", "Ruby Barker")}
    gail = [(m.kind, m.display_name) for m in family_of(family["M1"])]
    assert gail == [("child", "Tyler Barker"), ("child", "Ruby Barker")]  # oldest first
    assert family_of(family["C2"])[0].told_by == ("Testshire Police",)


def test_each_file_replaces_the_partners_relationships_and_bad_rows_are_kept_with_reasons(
    family, source, tmp_path
):
    load_relationships(source, relationships_file(tmp_path / "day1.csv", ["C1,M1,parent", "C1,F1,parent"]))

    load = load_relationships(
        source,
        relationships_file(
            tmp_path / "day2.csv", ["C1,M1,parent", "C1,,parent", "C1,F1,uncle", "C1,C1,sibling"]
        ),
    )

    assert Relationship.objects.count() == 1
    assert [(r.line_number, r.field) for r in load.rejected_rows.order_by("line_number")] == [
        (3, "person_ref"),
        (4, "relationship"),
        (5, "related_person_ref"),
    ]
    assert {m.display_name for m in family_of(family["C1"])} == {"Gail Barker"}


def test_a_file_without_the_columns_is_refused_and_changes_nothing(family, source, tmp_path):
    load_relationships(source, relationships_file(tmp_path / "day1.csv", ["C1,M1,parent"]))
    bad = tmp_path / "bad.csv"
    bad.write_text("child,adult\nC1,M1\n", encoding="utf-8")

    load = load_relationships(source, bad)

    assert load.status == Load.Status.REFUSED and "related_person_ref" in load.message
    assert Relationship.objects.count() == 1


def test_relationships_to_records_mast_has_not_got_are_ignored(family, source, tmp_path):
    load_relationships(source, relationships_file(tmp_path / "rel.csv", ["C1,NOT-LOADED,parent"]))
    assert family_of(family["C1"]) == []
    assert PartnerRecord.objects.count() == 4


def test_relationships_tell_a_same_named_father_and_son_apart_on_their_pages(source, tmp_path, monkeypatch):
    from mast.identity.matching import possible
    from mast.identity.models import MatchCandidate

    monkeypatch.setattr("mast.identity.model_files.models_dir", lambda: tmp_path / "models")
    monkeypatch.setattr("mast.identity.record_store.store_path", lambda: tmp_path / "records.arrow")
    rows = [
        "OC1,D1,David,Okafor,20/01/1975,M,3 Kiln Lane,NS1 1AB,,DOMESTIC,01/02/2026,,OPEN,PC Ash,,N",
        "OC2,D2,David,Okafor,11/06/2005,M,3 Kiln Lane,NS1 1AB,,DOMESTIC,01/02/2026,,OPEN,PC Ash,,N",
        # Other people, so that names are weighed as in a real feed (in a file of two, every name is common).
        *(
            f"OS{i},S{i},{given},{family},{1 + i % 28:02d}/{1 + i % 12:02d}/{1950 + i},M,{i} Elm Close,"
            f"NS9 {i % 9}XY,,DOMESTIC,01/02/2026,,OPEN,PC Ash,,N"
            for i, (given, family) in enumerate(
                (g, f)
                for g in ("Amir", "Tobias", "Harold", "Owen", "Callum")
                for f in ("Fenwick", "Pritchard", "Nakamura")
            )
        ),
    ]
    resolve_records(load_file(source, write_feed(tmp_path / "feed.csv", rows)).changed_records)
    open_pairs = MatchCandidate.objects.filter(status=MatchCandidate.Status.OPEN)
    # Nothing in the two records says which David is which: a possible match, on both pages.
    assert list(open_pairs.values_list("reason", flat=True)) == [possible.SAME_NAME_BORN_APART]

    load_relationships(source, relationships_file(tmp_path / "rel.csv", ["D2,D1,father"]))

    # The police say one is the other's father: two people, and no one is asked about them any more.
    assert not open_pairs.exists()
    son = PersonLink.objects.get(partner_record__person_ref="D2").person
    assert [(m.kind, m.display_name) for m in family_of(son)] == [("parent", "David Okafor")]
