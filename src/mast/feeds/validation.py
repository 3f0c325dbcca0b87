"""Validation: one partner row in, one canonical row (with flagged fields) or one rejection out.

Required fields missing → the row is rejected with its line number, field and reason. A bad optional field →
the row is loaded and the field flagged. Nothing is dropped silently.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import nhs_number
import uk_postcodes_parsing

from mast.canonical import CATEGORIES, FIELDS, REQUIRED_FIELDS
from mast.feeds.mapping import Mapping
from mast.feeds.problems import date_forms, field_words

# The library logs every postcode it cannot parse, and a postcode is personal data: keep it out of the logs.
logging.getLogger("uk_postcodes_parsing").setLevel(logging.ERROR)

TRUE_WORDS = {"y", "yes", "true", "1", "t", "restricted"}
FALSE_WORDS = {"n", "no", "false", "0", "f", ""}
FORMULA_START = ("=", "+", "-", "@")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_LENGTH = {f.name: f.max_length for f in FIELDS}
UNREADABLE = "\ufffd"


@dataclass
class CanonicalRow:
    line_number: int
    values: dict[str, object]
    flags: dict[str, str] = field(default_factory=dict)


@dataclass
class Rejection:
    line_number: int
    field: str
    reason: str
    raw: dict[str, str]
    # Whose row it was, when that can still be read: the record it names is kept, not counted as absent.
    record_id: str = ""
    person_ref: str = ""


@lru_cache(maxsize=65536)
def normalise_postcode(text: str) -> str | None:
    """The postcode in standard form ("SW1A 1AA"), or None when it is not a well-formed UK postcode."""
    parsed = uk_postcodes_parsing.parse(text, attempt_fix=False)
    return parsed.postcode if parsed else None


def normalise_nhs_number(text: str) -> tuple[str, bool]:
    """Digits only, and whether the check digit is valid."""
    digits = re.sub(r"[\s-]", "", text)
    return digits, len(digits) == 10 and digits.isdigit() and nhs_number.is_valid(digits)


class RowValidator:
    def __init__(self, mapping: Mapping, today: date):
        self.mapping = mapping
        self.today = today
        self.columns = mapping.columns
        self.categories = mapping.values.get("involvement_type", {})
        self.sexes = {k.casefold(): v for k, v in mapping.values.get("sex", {}).items()}
        self.statuses = {k.casefold(): v for k, v in mapping.values.get("status", {}).items()}
        self.restricted = {k.casefold(): v for k, v in mapping.values.get("restricted", {}).items()}
        self.words = {name: field_words(name, self.columns) for name in self.columns}

    def validate(self, line: int, raw: dict[str, str]) -> CanonicalRow | Rejection:
        result = self._check(line, raw)
        if isinstance(result, Rejection):
            result.record_id, result.person_ref = self.identifiers(raw)
        return result

    def identifiers(self, raw: dict[str, str]) -> tuple[str, str]:
        """The row's record_id and person_ref when they can be read ("" when not). Even from a row with the
        wrong number of fields: reading the wrong id can only keep a record that should have gone, which
        the feed owner sees; counting a named record as absent would hide it from everyone."""
        found = []
        for name in ("record_id", "person_ref"):
            value = (raw.get(self.columns[name]) or "").strip()
            found.append(value if len(value) <= MAX_LENGTH[name] else "")
        return found[0], found[1]

    def _check(self, line: int, raw: dict[str, str]) -> CanonicalRow | Rejection:
        if "__error__" in raw:
            return Rejection(line, "", raw["__error__"], {k: v for k, v in raw.items() if k != "__error__"})
        text = {name: (raw.get(column) or "").strip() for name, column in self.columns.items()}
        # Every reason the row cannot be loaded, not just the first: the feed owner fixes them all at once.
        problems: list[tuple[str, str]] = []
        for name in REQUIRED_FIELDS:
            if not text.get(name):
                problems.append((name, f"{self.words[name]} is empty; it is required."))
            elif len(text[name]) > MAX_LENGTH[name]:
                problems.append((name, f"{self.words[name]} is longer than {MAX_LENGTH[name]} characters."))
        start = self.mapping.parse_date(text["start_date"]) if text.get("start_date") else None
        if text.get("start_date") and start is None:
            value = text["start_date"][:40]
            forms = date_forms(self.mapping.date_formats)
            words = self.words["start_date"]
            problems.append(("start_date", f"{words} '{value}' is not a date written like {forms}."))
        if problems:
            return Rejection(line, problems[0][0], " ".join(reason for _, reason in problems)[:300], raw)

        row = CanonicalRow(line, {})
        if start > self.today:
            row.flags["start_date"] = "in the future"
        values = row.values
        values["start_date"] = start
        for name in ("record_id", "person_ref", "given_name", "family_name", "involvement_type"):
            values[name] = text[name]
        for name in ("given_name", "family_name"):
            if text[name].startswith(FORMULA_START):
                row.flags[name] = "begins with a spreadsheet formula character"

        category = self.categories.get(text["involvement_type"])
        if category is None:
            row.flags["involvement_type"] = "not in the mapping's code list; shown as 'other'"
            category = "other"
        values["category"] = category if category in CATEGORIES else "other"

        self._plain_texts(text, row)
        self._date_of_birth(text.get("date_of_birth", ""), row)
        self._end_date(text.get("end_date", ""), start, row)
        self._coded(text, "sex", self.sexes, row)
        self._coded(text, "status", self.statuses, row)
        self._restricted(text.get("restricted", ""), row)
        self._nhs_number(text.get("nhs_number", ""), row)
        self._postcode(text.get("postcode", ""), row)
        email = values.get("contact_email", "")
        if email and not EMAIL.match(email):
            row.flags["contact_email"] = "not an email address"
        # The reader put U+FFFD where bytes were not valid in the file's encoding (readers.py); one look at
        # the whole row first, as almost every row has none.
        if UNREADABLE in "".join(filter(None, raw.values())):
            self._unreadable(raw, row)
        return row

    def _unreadable(self, raw: dict[str, str], row: CanonicalRow) -> None:
        for name, column in self.columns.items():
            if UNREADABLE in (raw.get(column) or ""):
                row.flags.setdefault(
                    name, "has characters that could not be read in the file's encoding; shown as �"
                )

    def _plain_texts(self, text: dict[str, str], row: CanonicalRow) -> None:
        for name in (
            "middle_names",
            "other_names",
            "address_line_1",
            "address_line_2",
            "address_line_3",
            "town",
            "uprn",
            "lead_practitioner",
            "team",
            "contact_phone",
            "contact_email",
        ):
            value = text.get(name, "")
            if len(value) > MAX_LENGTH[name]:
                row.flags[name] = f"longer than {MAX_LENGTH[name]} characters; cut short"
                value = value[: MAX_LENGTH[name]]
            row.values[name] = value
        uprn = row.values["uprn"]
        if uprn and not (uprn.isdigit() and len(uprn) <= 12):
            row.flags["uprn"] = "not a UPRN (up to 12 digits); not used"
            row.values["uprn"] = ""

    def _date_of_birth(self, value: str, row: CanonicalRow) -> None:
        row.values["date_of_birth_raw"] = value[:40]
        row.values["date_of_birth"] = None
        if not value:
            return
        parsed = self.mapping.parse_date(value)
        if parsed is None:
            row.flags["date_of_birth"] = "partial or impossible date; kept as given"
        elif parsed > self.today:
            row.flags["date_of_birth"] = "in the future; kept as given"
        elif parsed.year < self.today.year - 120:
            row.flags["date_of_birth"] = "more than 120 years ago; kept as given"
        else:
            row.values["date_of_birth"] = parsed

    def _end_date(self, value: str, start: date, row: CanonicalRow) -> None:
        row.values["end_date"] = None
        if not value:
            return
        parsed = self.mapping.parse_date(value)
        if parsed is None:
            row.flags["end_date"] = "not a date; left empty"
        elif parsed < start:
            row.flags["end_date"] = "before the start date; left empty"
        else:
            row.values["end_date"] = parsed

    def _coded(self, text: dict[str, str], name: str, codes: dict[str, str], row: CanonicalRow) -> None:
        value = text.get(name, "")
        row.values[name] = ""
        if not value:
            return
        mapped = codes.get(value.casefold())
        if mapped is None:
            row.flags[name] = "not in the mapping's code list"
        else:
            row.values[name] = mapped

    def _restricted(self, value: str, row: CanonicalRow) -> None:
        key = value.casefold()
        if key in self.restricted:
            row.values["restricted"] = bool(self.restricted[key])
        elif key in TRUE_WORDS or key in FALSE_WORDS:
            row.values["restricted"] = key in TRUE_WORDS
        else:
            # Unknown marker: err on the side of hiding details.
            row.values["restricted"] = True
            row.flags["restricted"] = "not understood; treated as restricted"

    def _nhs_number(self, value: str, row: CanonicalRow) -> None:
        row.values["nhs_number"], row.values["nhs_number_valid"] = "", False
        if not value:
            return
        digits, valid = normalise_nhs_number(value)
        if valid:
            row.values["nhs_number"], row.values["nhs_number_valid"] = digits, True
        else:
            row.flags["nhs_number"] = "fails the NHS number check; not used for matching"
            row.values["nhs_number"] = digits[:10]

    def _postcode(self, value: str, row: CanonicalRow) -> None:
        row.values["postcode"] = ""
        if not value:
            return
        normal = normalise_postcode(value.upper())
        if normal is None:
            row.flags["postcode"] = "not a well-formed UK postcode"
            row.values["postcode"] = value.upper()[:10]
        else:
            row.values["postcode"] = normal
