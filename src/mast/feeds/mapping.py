"""Declarative source mappings: how one partner's own export maps onto the canonical headline record.

A mapping is a TOML file in `feeds/mappings/` (see docs/feed-format.md). Onboarding a new partner means
writing one of these, not code.
"""

import codecs
import os
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path

from mast.canonical import CATEGORIES, FIELD_NAMES, REQUIRED_FIELDS, SEXES, STATUSES

# Deployments may keep their partners' mappings outside the package.
MAPPINGS_DIR = Path(os.environ.get("MAST_FEED_MAPPINGS_DIR", Path(__file__).resolve().parent / "mappings"))
FORMATS = ("csv", "jsonl", "xlsx")
MODES = ("snapshot", "delta")
AGENCY_KINDS = (
    "police",
    "childrens_social_care",
    "adults_social_care",
    "health",
    "fire",
    "education",
    "probation",
    "housing",
    "other",
)


class MappingError(ValueError):
    """A mapping file that cannot be used, with a message naming the file and the problem."""


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str
    kind: str
    contact_point: str = ""


@dataclass(frozen=True)
class Guard:
    """How much one snapshot may change before it is held for its feed owner to confirm (feeds/guard.py).

    A removal share over `max_removed_share` of the feed's current involvements, more than `max_removed`
    removals, or a rejected share over `max_rejected_share` of the file's rows holds the load.
    """

    max_removed_share: float = 0.05
    max_removed: int = 500
    max_rejected_share: float = 0.10


# Optional fields a feed should send when its system holds them, and why (docs/feed-format.md).
RECOMMENDED = {
    "middle_names": (
        "It sends no middle names. Twins, and one person known to you by their middle name, look alike "
        "without them, so MAST can only ask a reviewer to decide: send middle names wherever your system "
        "holds them."
    ),
}

SCHEDULES = ("daily", "weekdays", "weekly")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Schedule:
    """When the partner's file is expected (feeds/freshness.py): by `by`, local time, every day, every
    weekday, or on `day` each week."""

    every: str = "daily"
    by: time = time(7, 0)
    day: str = "monday"


@dataclass(frozen=True)
class Mapping:
    name: str
    source_code: str
    source_name: str
    system: str
    mode: str
    agency: AgencyInfo
    format: str
    encoding: str
    delimiter: str
    date_formats: tuple[str, ...]
    columns: dict[str, str]  # canonical field -> partner column
    values: dict[str, dict[str, object]] = field(default_factory=dict)  # canonical field -> {partner: ours}
    guard: Guard = field(default_factory=Guard)
    schedule: Schedule = field(default_factory=Schedule)

    @property
    def partner_columns(self) -> set[str]:
        return set(self.columns.values())

    @property
    def advice(self) -> tuple[str, ...]:
        """What the feed owner should add to this mapping, in words: the optional fields matching needs
        most."""
        return tuple(why for name, why in RECOMMENDED.items() if name not in self.columns)

    def parse_date(self, text: str):
        return _parse_date(self.date_formats, text)


@lru_cache(maxsize=200_000)
def _parse_date(formats: tuple[str, ...], text: str):
    # A feed repeats the same few thousand dates; strptime is slow enough for that to matter.
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _require(table: dict, key: str, where: str):
    if key not in table:
        raise MappingError(f"{where}: '{key}' is missing")
    return table[key]


def parse_mapping(name: str, data: dict) -> Mapping:
    where = f"mapping '{name}'"
    source = _require(data, "source", where)
    agency = _require(source, "agency", where + " [source]")
    file = _require(data, "file", where)
    columns = _require(data, "columns", where)
    values = data.get("values", {})

    unknown = set(columns) - set(FIELD_NAMES)
    if unknown:
        raise MappingError(f"{where}: unknown canonical fields in [columns]: {', '.join(sorted(unknown))}")
    missing = set(REQUIRED_FIELDS) - set(columns)
    if missing:
        raise MappingError(f"{where}: required fields not mapped: {', '.join(sorted(missing))}")
    fmt = file.get("format", "csv")
    if fmt not in FORMATS:
        raise MappingError(f"{where}: format must be one of {', '.join(FORMATS)}, not '{fmt}'")
    mode = source.get("mode", "snapshot")
    if mode not in MODES:
        raise MappingError(f"{where}: mode must be 'snapshot' or 'delta', not '{mode}'")
    encoding = file.get("encoding", "utf-8")
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise MappingError(f"{where}: unknown encoding '{encoding}'") from exc
    if agency.get("kind") not in AGENCY_KINDS:
        raise MappingError(f"{where}: agency kind must be one of {', '.join(AGENCY_KINDS)}")

    categories = values.get("involvement_type", {})
    bad = {v for v in categories.values() if v not in CATEGORIES}
    if bad:
        raise MappingError(
            f"{where}: unknown categories in [values.involvement_type]: {', '.join(sorted(bad))}"
        )
    bad = {v for v in values.get("sex", {}).values() if v not in SEXES}
    if bad:
        raise MappingError(f"{where}: [values.sex] must map to {', '.join(SEXES)}")
    bad = {v for v in values.get("status", {}).values() if v not in STATUSES}
    if bad:
        raise MappingError(f"{where}: [values.status] must map to {', '.join(STATUSES)}")

    return Mapping(
        guard=_guard(data.get("guard", {}), where),
        schedule=_schedule(data.get("schedule", {}), where),
        name=name,
        source_code=_require(source, "code", where + " [source]"),
        source_name=_require(source, "name", where + " [source]"),
        system=source.get("system", ""),
        mode=mode,
        agency=AgencyInfo(
            code=_require(agency, "code", where + " [source.agency]"),
            name=_require(agency, "name", where + " [source.agency]"),
            kind=agency["kind"],
            contact_point=agency.get("contact_point", ""),
        ),
        format=fmt,
        encoding=encoding,
        delimiter=file.get("delimiter", ","),
        date_formats=tuple(file.get("date_formats", ["%Y-%m-%d"])),
        columns=dict(columns),
        values={k: dict(v) for k, v in values.items()},
    )


def _guard(table: dict, where: str) -> Guard:
    default = Guard()
    share = table.get("max_removed_share", default.max_removed_share)
    count = table.get("max_removed", default.max_removed)
    rejected = table.get("max_rejected_share", default.max_rejected_share)
    for key, value in (("max_removed_share", share), ("max_rejected_share", rejected)):
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
            raise MappingError(f"{where}: [guard] {key} must be a share between 0 and 1, such as 0.05")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise MappingError(f"{where}: [guard] max_removed must be a whole number of involvements")
    return Guard(float(share), count, float(rejected))


def _schedule(table: dict, where: str) -> Schedule:
    every = table.get("every", "daily")
    if every not in SCHEDULES:
        raise MappingError(f"{where}: [schedule] every must be one of {', '.join(SCHEDULES)}")
    by = table.get("by", "07:00")
    try:
        by = by if isinstance(by, time) else datetime.strptime(str(by), "%H:%M").time()
    except ValueError as exc:
        raise MappingError(f'{where}: [schedule] by must be a time such as "07:00"') from exc
    day = str(table.get("day", "monday")).lower()
    if day not in WEEKDAYS:
        raise MappingError(f'{where}: [schedule] day must be a day of the week, such as "monday"')
    return Schedule(every, by, day)


def load_mapping(name: str, directory: Path | None = None) -> Mapping:
    directory = directory or MAPPINGS_DIR
    path = directory / f"{name}.toml"
    if not path.exists():
        raise MappingError(f"no mapping called '{name}' in {directory}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"mapping '{name}' is not valid TOML: {exc}") from exc
    return parse_mapping(name, data)


def load_schedule(name: str, directory: Path | None = None) -> Schedule:
    """The schedule a source's mapping gives, parsed again only when the file changes.

    Every search and person page says how fresh each partner's data is (feeds/freshness.py), which needs each
    source's schedule: parsing every mapping's TOML on every page cost more CPU than the page's own queries.
    Keyed by the file's modification time and size, so an edited mapping counts from the next page; a
    Schedule is immutable, so sharing one between requests shares nothing a caller could change."""
    path = (directory or MAPPINGS_DIR) / f"{name}.toml"
    try:
        stat = path.stat()
    except OSError:
        raise MappingError(f"no mapping called '{name}' in {path.parent}") from None
    return _schedule_of_file(name, str(path.parent), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _schedule_of_file(name: str, directory: str, _mtime_ns: int, _size: int) -> Schedule:
    return load_mapping(name, Path(directory)).schedule


def all_mappings(directory: Path | None = None) -> list[Mapping]:
    directory = directory or MAPPINGS_DIR
    return [load_mapping(p.stem, directory) for p in sorted(directory.glob("*.toml"))]


def advice_for(sources) -> list[tuple[object, str]]:
    """(source, advice) for each piece of advice its mapping has (a missing mapping gives none here: loading
    it says what is wrong)."""
    advice = []
    for source in sources:
        try:
            items = load_mapping(source.mapping).advice
        except MappingError:
            continue
        advice += [(source, item) for item in items]
    return advice
