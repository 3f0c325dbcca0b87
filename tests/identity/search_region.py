"""The synthetic region loaded and matched once for a module of search tests, and the small readers those
tests share: a person's date of birth, the ranks at which people were found, the names only one person has."""

import datetime as dt
from dataclasses import dataclass

import pytest

from mast.feeds.mapping import all_mappings
from mast.feeds.models import PartnerRecord
from mast.feeds.services import load_file, source_for_mapping
from mast.identity.resolution import resolve_all
from tests.identity.loaded_region import delete_everything_loaded
from tests.synth.conftest import Region
from tests.synth.conftest import region as region  # the session's synthetic region, a fixture


@dataclass
class Loaded:
    region: Region
    # (source code, person_ref) → (partner record id, MAST person id)
    records: dict[tuple[str, str], tuple[int, int]]

    def people_of(self, true_person: str) -> set[int]:
        """The MAST people the true person's records were linked to (one, when matching got it right)."""
        return {
            self.records[(r["source"], r["person_ref"])][1]
            for r in self.region.records
            if r["person_id"] == true_person
        }

    def subjects(self, want, count: int = 5) -> list[dict]:
        """True people matching resolved into exactly one MAST person, for whom `want(person)` holds."""
        chosen = []
        for person_id, person in sorted(self.region.people.items()):
            if len(self.people_of(person_id)) == 1 and want(person):
                chosen.append(person)
                if len(chosen) == count:
                    break
        assert len(chosen) == count, "the region holds too few people for this test"
        return chosen


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, region, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search-region")
    patch = pytest.MonkeyPatch()
    patch.setattr("mast.feeds.services.archive_dir", lambda: tmp / "archive")
    patch.setattr("mast.identity.record_store.store_path", lambda: tmp / "records.arrow")
    patch.setattr("mast.identity.model_files.models_dir", lambda: tmp / "models")
    with django_db_blocker.unblock():
        sources = [source_for_mapping(m.name) for m in all_mappings()]
        try:
            for source in sources:
                load_file(source, region.feed(source.code))
            resolve_all()  # the full run, which writes every record's search keys
            records = {
                (code, ref): (pk, person)
                for pk, code, ref, person in PartnerRecord.objects.values_list(
                    "pk", "source__code", "person_ref", "link__person_id"
                )
            }
        except BaseException:
            delete_everything_loaded(sources)
            patch.undo()
            raise
    yield Loaded(region, records)
    with django_db_blocker.unblock():
        delete_everything_loaded(sources)
    patch.undo()


def iso(person: dict) -> dt.date:
    return dt.date.fromisoformat(person["date_of_birth"])


def uk(date: dt.date) -> str:
    return f"{date:%d/%m/%Y}"


def ranks_of(matches, people: set[int]) -> list[int]:
    return [i for i, m in enumerate(matches, start=1) if m.person_id in people]


def unique_names(loaded: Loaded) -> set[tuple[str, str]]:
    counts: dict[tuple[str, str], int] = {}
    for person in loaded.region.people.values():
        key = (person["given_name"], person["family_name"])
        counts[key] = counts.get(key, 0) + 1
    return {key for key, n in counts.items() if n == 1}
