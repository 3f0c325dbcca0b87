"""A whole synthetic region: partners' feed files, the ground truth behind them, and a manifest.

Layout of the output directory:

    feeds/<source code>/<export file>   what each partner sends MAST
    truth/people.csv                    every true person, with the hard cases they take part in
    truth/records.csv                   every partner person record -> the true person, with its error tags
    truth/relationships.csv             parent_of, partner_of and sibling_of between true people
    relationships/<source code>/…csv    the family relationships the police and children's services record
    manifest.json                       seed, size, date, files and counts of the hard cases

Households stream through one at a time, so memory stays flat however many people are asked for.
"""

import csv
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mast.synth.involvements import CHILDRENS, POLICE, SOURCES, Involvements
from mast.synth.partner_records import ErrorModel
from mast.synth.partners import PartnerFile
from mast.synth.population import Household, Population

GENERATOR_VERSION = 1
PEOPLE_COLUMNS = (
    "person_id",
    "household_id",
    "role",
    "given_name",
    "middle_name",
    "family_name",
    "birth_family_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "uprn",
    "postcode",
    "previous_uprn",
    "previous_postcode",
    "moved_on",
    "married_on",
    "twin_of",
    "same_name_as",
)
RECORD_COLUMNS = ("source", "person_ref", "person_id", "rows", "tags")
# Partners whose systems record how the people they know are related (Niche's associated nominals, LCS's
# relationships), and what "a" is to "b" for each truth relationship "a <relation> b".
RELATIONSHIP_SOURCES = (POLICE, CHILDRENS)
RELATIONSHIP_KINDS = {"parent_of": "parent", "partner_of": "partner", "sibling_of": "sibling"}

Progress = Callable[[int, int], None]


@dataclass
class Counts:
    people: int = 0
    households: int = 0
    twins: int = 0
    same_name_parent_child: int = 0
    moved: int = 0
    married_name_change: int = 0
    tags: Counter = field(default_factory=Counter)


class RelationshipFiles:
    """The relationships files: one row per relationship both of whose people the partner knows."""

    def __init__(self, out: Path, as_of: date):
        self.paths, self.handles, self.writers, self.rows = {}, [], {}, Counter()
        for source in RELATIONSHIP_SOURCES:
            directory = out / "relationships" / source
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"relationships_{as_of:%Y%m%d}.csv"
            handle = path.open("w", encoding="utf-8", newline="")
            self.paths[source], self.writers[source] = path, csv.writer(handle)
            self.handles.append(handle)
            self.writers[source].writerow(("person_ref", "related_person_ref", "relationship"))

    def write(self, source: str, person_ref: str, related_ref: str, relationship: str) -> None:
        self.writers[source].writerow((person_ref, related_ref, relationship))
        self.rows[source] += 1

    def close(self) -> None:
        for handle in self.handles:
            handle.close()


class TruthFiles:
    def __init__(self, out: Path):
        directory = out / "truth"
        directory.mkdir(parents=True, exist_ok=True)
        self.handles = [(directory / n).open("w", encoding="utf-8", newline="") for n in self.NAMES]
        self.people, self.records, self.relationships = (csv.writer(h) for h in self.handles)
        self.people.writerow(PEOPLE_COLUMNS)
        self.records.writerow(RECORD_COLUMNS)
        self.relationships.writerow(("person_id", "relationship", "other_person_id"))

    NAMES = ("people.csv", "records.csv", "relationships.csv")

    def close(self) -> None:
        for handle in self.handles:
            handle.close()


def generate(people: int, seed: int, out: Path, as_of: date, progress: Progress | None = None) -> dict:
    """Write a region of `people` true people; the same seed and date always give the same files."""
    if people < 1:
        raise ValueError("a region needs at least one person")
    out.mkdir(parents=True, exist_ok=True)
    # Separate streams per concern, so a change to one part of the model does not reshuffle the rest.
    population = Population(random.Random(f"{seed}:population"), as_of)
    planner = Involvements(random.Random(f"{seed}:involvements"), as_of)
    errors = ErrorModel(random.Random(f"{seed}:errors"))
    partner_rng = random.Random(f"{seed}:partners")
    files = {source: PartnerFile(source, out, as_of, partner_rng, people) for source in SOURCES}
    truth = TruthFiles(out)
    relationships = RelationshipFiles(out, as_of)
    counts = Counts()
    try:
        for household in population.households_for(people):
            refs = _write_household(household, planner, errors, files, truth, counts)
            _write_relationships(household, refs, relationships)
            if progress and counts.households % 2000 == 0:
                progress(counts.people, people)
    finally:
        for partner_file in files.values():
            partner_file.close()
        truth.close()
        relationships.close()
    if progress:
        progress(counts.people, people)
    manifest = _manifest(people, seed, as_of, out, files, counts)
    manifest["relationships"] = {
        source: {"file": str(path.relative_to(out)), "rows": relationships.rows[source]}
        for source, path in relationships.paths.items()
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _write_household(household: Household, planner, errors, files, truth: TruthFiles, counts: Counts) -> dict:
    """Write the household's people and partner records; return each person's first reference per source."""
    refs: dict[tuple[str, str], str] = {}
    counts.households += 1
    plan = planner.plan(household)
    for person in household.people:
        counts.people += 1
        counts.twins += bool(person.twin_of)
        counts.same_name_parent_child += bool(person.same_name_as)
        counts.moved += person.moved_on is not None
        counts.married_name_change += person.married_on is not None
        previous = person.previous_address
        truth.people.writerow(
            (
                person.person_id,
                person.household_id,
                person.role,
                person.given_name,
                person.middle_name,
                person.family_name,
                person.birth_family_name,
                person.date_of_birth.isoformat(),
                person.sex,
                person.nhs_number,
                person.address.uprn,
                person.address.postcode,
                previous.uprn if previous else "",
                previous.postcode if previous else "",
                person.moved_on.isoformat() if person.moved_on else "",
                person.married_on.isoformat() if person.married_on else "",
                person.twin_of,
                person.same_name_as,
            )
        )
        for source, involvements in plan[person.person_id].items():
            partner_file = files[source]
            for record in errors.records(person, source, involvements, partner_file.next_person_ref):
                partner_file.write(record)
                refs.setdefault((person.person_id, source), record.person_ref)
                counts.tags.update(record.tags)
                truth.records.writerow(
                    (
                        source,
                        record.person_ref,
                        person.person_id,
                        len(record.involvements),
                        ";".join(record.tags),
                    )
                )
    for relationship in household.relationships:
        truth.relationships.writerow(relationship)
    return refs


def _write_relationships(household: Household, refs: dict, files: RelationshipFiles) -> None:
    for a, relation, b in household.relationships:
        for source in RELATIONSHIP_SOURCES:
            ref_a, ref_b = refs.get((a, source)), refs.get((b, source))
            if ref_a and ref_b:
                # "a parent_of b": in b's record, a is the parent.
                files.write(source, ref_b, ref_a, RELATIONSHIP_KINDS[relation])


def _manifest(people: int, seed: int, as_of: date, out: Path, files: dict, counts: Counts) -> dict:
    return {
        "generator_version": GENERATOR_VERSION,
        "people": people,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "households": counts.households,
        "sources": {
            source: {
                "file": str(f.path.relative_to(out)),
                "person_records": f.records,
                "rows": f.rows,
            }
            for source, f in files.items()
        },
        "hard_cases": {
            "people_who_are_twins": counts.twins,
            "children_named_after_a_parent": counts.same_name_parent_child,
            "people_who_moved": counts.moved,
            "surnames_changed_on_marriage": counts.married_name_change,
            "record_error_tags": dict(sorted(counts.tags.items())),
        },
    }
