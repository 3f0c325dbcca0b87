"""Search quality on a region it was never tuned on (issue 14, item 2): for every kind of query
`python -m bench practice` times — exact, one slip in the family name, the given name, the date of birth or
the postcode, a nickname, day and month swapped, names the other way round, an NHS number, a postcode with the
family name — how often the true person is on the first page, first, or first among those the page says match
equally well. The queries are made from the region's truth by the bench's own generator, so the test and the
bench measure the same thing; tuning used the bench's region (seed 11), never this one.

The floors sit a little below what this region measured, so that a change that loses ground fails. Where a
floor is far below issue 14's targets (first page ≥ 99.5 %, first ≥ 95 %) the comment says why: nearly always
the partner recorded the person under another family name, without a postcode, or at another address, so the
query is one error from the truth but two from every record MAST holds."""

import random
from collections import defaultdict
from datetime import date

import pytest

from bench.practice_queries import KINDS, query_for
from mast.feeds.mapping import all_mappings
from mast.feeds.models import PartnerRecord, Source
from mast.feeds.services import load_file, source_for_mapping
from mast.identity.resolution import resolve_all
from mast.identity.search.find import SearchQuery, find_people
from mast.synth.region import generate
from tests.identity.loaded_region import delete_everything_loaded
from tests.synth.conftest import read_region

pytestmark = pytest.mark.django_db

SEED = 5309  # never used while tuning
PER_KIND = 40
PAGE = 20

# kind → (first page, first, joint first): measured on this region, 40 queries each, in the comments. The
# region's 4,000 people make fewer partner records than matching trains a model on (5,000), so the starter
# model scores: a small estate's search. Postcode queries (family name and postcode) find the household but
# put the person strictly first about half the time: others of the name live there, and the page says they
# match equally well ("joint first"). Date-of-birth slips: since decision 0025 a separator in the wrong place
# counts as the slip it is, and a woman under another family name is found by her given name and a date one
# slip from the one typed; what is still missed is mostly a record with its own error, two slips from the
# query.
FLOORS = {
    "exact": (0.95, 0.95, 0.95),  # 100.0%, 100.0%, 100.0%
    "misspelt": (0.95, 0.95, 0.95),  # 100.0%, 100.0%, 100.0%
    "nickname": (0.825, 0.825, 0.825),  # 90.0%, 90.0%, 90.0% (87.5 % before decision 0031)
    "swapped_dob": (0.925, 0.925, 0.925),  # 97.5%, 97.5%, 97.5%
    "nhs_number": (0.95, 0.95, 0.95),  # 100.0%, 100.0%, 100.0%
    "postcode": (0.875, 0.475, 0.875),  # 92.5%, 52.5%, 92.5%
    "swapped_names": (0.925, 0.925, 0.925),  # 97.5%, 97.5%, 97.5%
    "family_transpose": (0.925, 0.925, 0.925),  # 97.5%, 97.5%, 97.5%
    "family_insert": (0.9, 0.9, 0.9),  # 95.0%, 95.0%, 95.0%
    "family_delete": (0.95, 0.95, 0.95),  # 100.0%, 100.0%, 100.0%
    "family_substitute": (0.95, 0.95, 0.95),  # 100.0%, 100.0%, 100.0%
    "given_transpose": (0.925, 0.925, 0.925),  # 100.0%, 100.0%, 100.0% (97.5 % before decision 0031)
    "given_insert": (0.9, 0.9, 0.9),  # 95.0%, 95.0%, 95.0%
    "given_delete": (0.925, 0.925, 0.925),  # 97.5%, 97.5%, 97.5%
    "given_substitute": (0.95, 0.95, 0.95),  # 100.0%, 100.0%, 100.0%
    "dob_transpose": (0.925, 0.925, 0.925),  # 95.0%, 95.0%, 95.0% (was 87.5 % before decision 0025)
    "dob_insert": (0.9, 0.9, 0.9),  # 92.5%, 92.5%, 92.5% (was 75.0 %)
    "dob_delete": (0.925, 0.925, 0.925),  # 95.0%, 95.0%, 95.0% (was 87.5 %)
    "dob_substitute": (0.9, 0.9, 0.9),  # 92.5%, 92.5%, 92.5% (was 87.5 %)
    "postcode_transpose": (0.875, 0.5, 0.875),  # 92.5%, 55.0%, 92.5%
    "postcode_insert": (0.875, 0.575, 0.875),  # 92.5%, 62.5%, 92.5%
    "postcode_delete": (0.85, 0.325, 0.8),  # 90.0%, 37.5%, 85.0%
    "postcode_substitute": (0.9, 0.5, 0.875),  # 95.0%, 55.0%, 92.5%
}


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search-held-out")
    out = tmp / "region"
    generate(4000, SEED, out, date(2026, 11, 24))
    region = read_region(out)
    patch = pytest.MonkeyPatch()
    patch.setattr("mast.feeds.services.archive_dir", lambda: tmp / "archive")
    patch.setattr("mast.identity.record_store.store_path", lambda: tmp / "records.arrow")
    patch.setattr("mast.identity.model_files.models_dir", lambda: tmp / "models")
    with django_db_blocker.unblock():
        sources: list[Source] = [source_for_mapping(m.name) for m in all_mappings()]
        try:
            for source in sources:
                load_file(source, region.feed(source.code))
            resolve_all()
            person_of = {
                (code, ref): person
                for code, ref, person in PartnerRecord.objects.filter(removed_at__isnull=True).values_list(
                    "source__code", "person_ref", "link__person_id"
                )
            }
            mine = defaultdict(set)
            for record in region.records:
                person = person_of.get((record["source"], record["person_ref"]))
                if person is not None:
                    mine[record["person_id"]].add(person)
            valid_nhs = set(
                PartnerRecord.objects.filter(removed_at__isnull=True, nhs_number_valid=True).values_list(
                    "nhs_number", flat=True
                )
            )
            rng = random.Random(SEED)
            everyone = sorted(region.people.items())
            rng.shuffle(everyone)
            taken: set[str] = set()  # a different person for each query, as the bench does
            shares = {}
            for kind in KINDS:
                hits, asked = [0, 0, 0], 0
                for person_id, person in everyone:
                    if asked == PER_KIND:
                        break
                    if not mine[person_id] or person_id in taken:
                        continue
                    if kind == "nhs_number" and person["nhs_number"] not in valid_nhs:
                        continue  # no partner gave a valid NHS number for them: nothing to find
                    fields = query_for(kind, person, rng)
                    if fields is None:
                        continue
                    taken.add(person_id)
                    asked += 1
                    matches = find_people(SearchQuery(**fields)).matches
                    ids = [m.person_id for m in matches[:PAGE]]
                    joint = [m.person_id for m in matches if m.score == matches[0].score]
                    hits[0] += bool(set(ids) & mine[person_id])
                    hits[1] += bool(ids[:1] and ids[0] in mine[person_id])
                    hits[2] += bool(set(joint) & mine[person_id])
                shares[kind] = tuple(h / asked for h in hits) if asked else None
        finally:
            delete_everything_loaded(sources)
            patch.undo()
    print("\n".join(f"{k:<22} {v}" for k, v in shares.items()))
    return shares


def test_every_kind_of_query_finds_the_true_person_as_often_as_measured(measured):
    below = {
        kind: measured[kind]
        for kind, floor in FLOORS.items()
        if measured[kind] is None or any(m < f for m, f in zip(measured[kind], floor, strict=True))
    }
    assert below == {}
    assert set(FLOORS) == set(KINDS)  # every kind the bench reports has a floor here
