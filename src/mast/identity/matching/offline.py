"""Linking canonical-format CSV files with no database: the logic behind `mast link`.

Each file holds one partner's rows in the canonical headline format (docs/feed-format.md), the source named
by the file's stem. Rows are read leniently — a partial or impossible date of birth is kept as raw text (its
year still counts), an NHS number failing its check digit or a malformed postcode is not used for matching,
and none of these is a reason to stop — and reduced, as a load would, to one partner record per
(source, person_ref) with the details of its latest involvement. The records are scored with the same model
and rules as the server (linkage.py) and clustered with the same constraints (clustering.py).

Nothing here imports Django or touches a database.
"""

import csv
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mast.canonical import CATEGORIES, FIELD_NAMES, RELATIONSHIP_KINDS, REQUIRED_FIELDS
from mast.feeds import safe_csv
from mast.feeds.validation import normalise_nhs_number, normalise_postcode
from mast.identity.matching.ages_served import Seen, kin_bounds, the_child_in
from mast.identity.matching.bulk_clustering import cluster_in_bulk
from mast.identity.matching.clustering import Clustering
from mast.identity.matching.linkage import Linker, ScoredPair, model_row, to_table
from mast.identity.matching.possible import told_apart_in
from mast.identity.matching.triage import triage

Progress = Callable[[str], None]

ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$")
MAX_AGE_YEARS = 120
RAW_DATE_LENGTH = 40
# Leave room for the largest real exports without letting one runaway quoted field eat the memory.
csv.field_size_limit(1_000_000)


class CanonicalFileError(Exception):
    """A file that cannot be read as canonical CSV at all; the message names the file."""


@dataclass(frozen=True)
class InputRow:
    source: str
    record_id: str
    person_key: str  # "source|person_ref": the partner record the row belongs to
    line: int


@dataclass
class PartnerFile:
    path: Path
    source: str
    rows: list[InputRow] = field(default_factory=list)
    # person_key → (start date, line, canonical record) of the row with the latest start date
    latest: dict[str, tuple[date, int, dict]] = field(default_factory=dict)
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)  # person_key → (source, person_ref)


@dataclass(frozen=True)
class ReviewPair:
    source_a: str
    person_ref_a: str
    source_b: str
    person_ref_b: str
    match_probability: float
    reason: str


@dataclass
class LinkResult:
    files: int
    rows: list[tuple[InputRow, str]]  # every input row with its person label, in input order
    partner_records: int
    people: int
    pairs_linked: int
    review: list[ReviewPair]
    model: str
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.files:,} files, {len(self.rows):,} rows, {self.partner_records:,} partner records, "
            f"{self.people:,} people; {self.pairs_linked:,} pairs linked, "
            f"{len(self.review):,} pairs would go to review (model {self.model})"
        )


# -- reading ---------------------------------------------------------------------------------------------


def parse_date(text: str) -> date | None:
    """An ISO date (YYYY-MM-DD, leading zeros optional, any time part ignored), or None."""
    match = ISO_DATE.match(text or "")
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def date_of_birth(text: str, today: date) -> date | None:
    """The date of birth when it is a whole, plausible date; partial or impossible ones count as unknown."""
    parsed = parse_date(text)
    if parsed is None or parsed > today or parsed.year < today.year - MAX_AGE_YEARS:
        return None
    return parsed


def canonical_record(values: dict[str, str], *, source: str, record_id: str, today: date) -> dict:
    """One row's values (stripped text, missing as "") → the canonical record dict that model_row reads."""
    dob_text = values.get("date_of_birth", "")
    digits, nhs_valid = normalise_nhs_number(values.get("nhs_number", ""))
    postcode = values.get("postcode", "").upper()
    uprn = values.get("uprn", "")
    return {
        "record_id": record_id,
        "source": source,
        "given_name": values.get("given_name", ""),
        "middle_names": values.get("middle_names", ""),
        "family_name": values.get("family_name", ""),
        "other_names": values.get("other_names", ""),
        "date_of_birth": date_of_birth(dob_text, today),
        "date_of_birth_raw": dob_text[:RAW_DATE_LENGTH],
        "sex": values.get("sex", "").casefold(),
        "address_line_1": values.get("address_line_1", ""),
        "address_line_2": values.get("address_line_2", ""),
        "address_line_3": values.get("address_line_3", ""),
        # A malformed postcode is not used for matching, as a failed NHS number is not: read as a postcode,
        # "LS6 2A" or "n/a" would count as a different address.
        "postcode": (normalise_postcode(postcode) or "") if postcode else "",
        "uprn": uprn if uprn.isdigit() and len(uprn) <= 12 else "",
        "nhs_number": digits[:10] if digits else "",
        "nhs_number_valid": nhs_valid,
        # The involvement's kind, when the file gives MAST's shared category (a partner's own label means
        # nothing here without its mapping), and its start: the ages its service works with (ages_served.py).
        "category": values.get("involvement_type", "")
        if values.get("involvement_type") in CATEGORIES
        else "",
        "start_date": parse_date(values.get("start_date", "")),
    }


def read_file(path: Path, *, today: date | None = None) -> PartnerFile:
    """Read one canonical CSV (UTF-8, with or without a BOM). Raises CanonicalFileError naming the file."""
    path = Path(path)
    today = today or date.today()
    partner = PartnerFile(path=path, source=path.stem)
    if "|" in partner.source:
        raise CanonicalFileError(f"{path}: the file name names the source, and may not contain '|'.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise CanonicalFileError(f"{path}: the file is empty (no header row).")
            columns = [name.strip().casefold() for name in header]
            missing = [name for name in REQUIRED_FIELDS if name not in columns]
            if missing:
                raise CanonicalFileError(
                    f"{path}: the header lacks the required canonical columns {', '.join(missing)} "
                    f"(columns are named as in docs/feed-format.md)."
                )
            wanted = [(index, name) for index, name in enumerate(columns) if name in FIELD_NAMES]
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line: not a row
                values = {name: cells[index].strip() for index, name in wanted if index < len(cells)}
                _add_row(partner, values, reader.line_num, today)
    except UnicodeDecodeError as exc:
        raise CanonicalFileError(
            f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV and try again."
        ) from None
    except csv.Error as exc:
        raise CanonicalFileError(f"{path}: not readable as CSV ({exc}).") from None
    except OSError as exc:
        raise CanonicalFileError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    return partner


def _add_row(partner: PartnerFile, values: dict[str, str], line: int, today: date) -> None:
    record_id = values.get("record_id") or f"line-{line}"
    person_ref = values.get("person_ref") or record_id
    key = f"{partner.source}|{person_ref}"
    partner.rows.append(InputRow(partner.source, record_id, key, line))
    partner.refs[key] = (partner.source, person_ref)
    # A row with no usable start date still counts, but any dated row is more recent than it.
    start = parse_date(values.get("start_date", "")) or date.min
    current = partner.latest.get(key)
    if current is None or start >= current[0]:
        record = canonical_record(values, source=partner.source, record_id=key, today=today)
        partner.latest[key] = (start, line, record)


RELATIONSHIP_COLUMNS = ("person_ref", "related_person_ref", "relationship")


def read_relationships(path: Path, source: str) -> list[tuple[str, str, str]]:
    """A partner's relationships file (the columns of docs/feed-format.md's relationships feed) → (record key,
    related record key, relationship) for the partner records ("source|person_ref") the partner says are
    related: two people, never a possible match; a parent or child also bounds the other's age
    (ages_served.kin_bounds). Rows with an empty reference, or relating a record to itself, say nothing and
    are skipped."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in RELATIONSHIP_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise CanonicalFileError(
                    f"{path}: a relationships file needs the columns {', '.join(RELATIONSHIP_COLUMNS)}; "
                    f"it lacks {', '.join(missing)}."
                )
            pairs = []
            for row in reader:
                person, related = (
                    (row.get("person_ref") or "").strip(),
                    (row.get("related_person_ref") or "").strip(),
                )
                if person and related and person != related:
                    # "mother" is a parent as the relationships load reads it; an unknown word bounds nothing.
                    kind = RELATIONSHIP_KINDS.get((row.get("relationship") or "").strip().casefold(), "")
                    pairs.append((f"{source}|{person}", f"{source}|{related}", kind))
            return pairs
    except UnicodeDecodeError as exc:
        raise CanonicalFileError(f"{path}: not UTF-8 text (byte {exc.start}).") from None
    except csv.Error as exc:
        raise CanonicalFileError(f"{path}: not readable as CSV ({exc}).") from None
    except OSError as exc:
        raise CanonicalFileError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


# -- linking ---------------------------------------------------------------------------------------------


def link_files(
    paths: list[Path],
    *,
    models_dir: Path | None = None,
    retrain: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
    relationships: Iterable[tuple[str, str]] = (),
) -> LinkResult:
    """Read the files, match their partner records and label every input row with its person.
    `relationships`: record keys partners say are related, with the relationship (`read_relationships`)."""
    progress = progress or (lambda message: None)
    started = time.perf_counter()
    files = [read_file(path, today=today) for path in paths]
    latest: dict[str, tuple[date, dict]] = {}
    refs: dict[str, tuple[str, str]] = {}
    for partner in files:
        # One source in two files (two days' exports): the latest involvement across both gives the details.
        for key, (start, _line, record) in partner.latest.items():
            if key not in latest or start >= latest[key][0]:
                latest[key] = (start, record)
        refs.update(partner.refs)
    records = {key: record for key, (_start, record) in latest.items()}
    seconds = {"read": time.perf_counter() - started}
    progress(f"read {sum(len(f.rows) for f in files):,} rows: {len(records):,} partner records")

    linked = link_records(
        records, models_dir=models_dir, retrain=retrain, progress=progress, relationships=relationships
    )
    clustering, review, best = linked.clustering, linked.review, linked.best
    seconds.update(linked.seconds)
    started = time.perf_counter()
    cluster_of = clustering.cluster_of()
    labels: dict[int, str] = {}
    labelled = []
    for partner in files:
        for row in partner.rows:
            index = cluster_of[row.person_key]
            if index not in labels:
                labels[index] = f"P{len(labels) + 1:06d}"
            labelled.append((row, labels[index]))
    seconds["cluster"] += time.perf_counter() - started
    return LinkResult(
        files=len(files),
        rows=labelled,
        partner_records=len(records),
        people=len(clustering.clusters),
        pairs_linked=linked.pairs_linked,
        review=[
            ReviewPair(*refs[a], *refs[b], round(best[(a, b)].probability, 6), reason)
            for (a, b), (_pair, reason) in review.items()
        ],
        model=linked.model,
        seconds=seconds,
    )


@dataclass
class Linked:
    """Partner records matched and clustered: the people, and the pairs a person would have to decide."""

    clustering: Clustering
    review: dict  # (key, key) → (scored pair, reason)
    best: dict  # (key, key) → scored pair
    pairs_linked: int
    model: str
    seconds: dict[str, float] = field(default_factory=dict)


def link_records(
    records: dict[str, dict],
    *,
    models_dir: Path | None = None,
    retrain: bool = False,
    progress: Progress | None = None,
    relationships: Iterable[tuple[str, str]] = (),
) -> Linked:
    """Match canonical records (key → record as `canonical_record` makes it) with the server's model and
    rules, and cluster them with its constraints. A new model is trained on them when there are enough and
    no saved one in `models_dir`. `relationships`: pairs of record keys a partner says are related (two
    people, so never a possible match, as on the server), each optionally with the relationship ("parent":
    the second is the first's parent; "child"), which bounds a parent's and a child's ages."""
    pairs: list[ScoredPair] = []
    model = "none (fewer than two records)"
    seconds: dict[str, float] = {}
    if len(records) >= 2:
        with tempfile.TemporaryDirectory(prefix="mast-link-") as scratch:
            linker = Linker(
                to_table(model_row(r) for r in records.values()),
                models_dir=Path(models_dir) if models_dir else Path(scratch),
                retrain=retrain,
                progress=progress,
            )
            try:
                pairs = linker.predict()
                model = linker.model.version
            finally:
                linker.close()
            seconds.update(linker.timings.seconds)

    started = time.perf_counter()
    relationships = list(relationships)
    seen: dict[str, list[Seen]] = {
        key: [Seen(record["category"], record["start_date"])]
        for key, record in records.items()
        if record.get("category") and record.get("start_date")
    }
    born_on = {key: record.get("date_of_birth") for key, record in records.items()}
    for key, bounds in kin_bounds(relationships, born_on).items():
        if key in records:
            seen.setdefault(key, []).extend(bounds)
    ages = {key: (records[key].get("date_of_birth"), tuple(kinds)) for key, kinds in seen.items()}
    the_child = the_child_in(born_on, {key: s for key, (_b, s) in ages.items()})
    sorted_pairs = triage(pairs, key=str, the_child=the_child)
    born = {key: r["date_of_birth"].isoformat() for key, r in records.items() if r.get("date_of_birth")}
    facts = {
        key: (record["nhs_number"] if record.get("nhs_number_valid") else None, record.get("source"))
        for key, record in records.items()
    }
    numbers = {key: number for key, (number, _source) in facts.items() if number}
    clustering = cluster_in_bulk(records, sorted_pairs.links, sorted_pairs.cannot, born=born, numbers=numbers)
    sorted_pairs.after_clustering(
        clustering, told_apart_in(clustering, facts, related=relationships, ages=ages)
    )
    seconds["cluster"] = time.perf_counter() - started
    return Linked(
        clustering=clustering,
        review=sorted_pairs.review,
        best=sorted_pairs.best,
        pairs_linked=len(sorted_pairs.links) - len(clustering.refused),
        model=model,
        seconds=seconds,
    )


# -- writing ---------------------------------------------------------------------------------------------


def review_path(output: Path) -> Path:
    """OUT.csv → OUT.review.csv."""
    return Path(output).with_suffix(".review.csv")


def write_outputs(result: LinkResult, output: Path) -> tuple[Path, Path]:
    output = Path(output)
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = safe_csv.writer(handle)
        writer.writerow(["source", "record_id", "person"])
        writer.writerows((row.source, row.record_id, person) for row, person in result.rows)
    review = review_path(output)
    with review.open("w", encoding="utf-8", newline="") as handle:
        writer = safe_csv.writer(handle)
        writer.writerow(
            ["source_a", "person_ref_a", "source_b", "person_ref_b", "match_probability", "reason"]
        )
        for pair in sorted(result.review, key=lambda p: -p.match_probability):
            writer.writerow(
                [
                    pair.source_a,
                    pair.person_ref_a,
                    pair.source_b,
                    pair.person_ref_b,
                    f"{pair.match_probability:.6f}",
                    pair.reason,
                ]
            )
    return output, review
