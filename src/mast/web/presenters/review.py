"""A pair under review as the reviewer reads it: both records field by field, whether each field agrees,
and how much each comparison counted, in words and signed numbers.

Presentation only: identity.review decides who sees which pair and what a decision does; this says it.
Called inside the gate's read, like every read of the records it shows.
"""

import math
import re
from dataclasses import dataclass
from datetime import date

from mast.canonical import CATEGORIES
from mast.feeds.models import PartnerRecord
from mast.identity.matching.fellegi_sunter import COMPARISON_TITLES
from mast.identity.models import MatchCandidate

MINUS = "\u2212"
# The model's comparisons, as a reviewer reads them.
COMPARISON_LABELS = COMPARISON_TITLES


@dataclass(frozen=True)
class Row:
    label: str
    left: str
    right: str
    # True when the two agree, False when they differ, None when either is blank (nothing to compare).
    agree: bool | None


@dataclass(frozen=True)
class ExplanationRow:
    label: str
    outcome: str
    weight: str
    positive: bool


@dataclass(frozen=True)
class SideBySide:
    left: PartnerRecord
    right: PartnerRecord
    rows: list[Row]
    explanation: list[ExplanationRow]
    total_weight: str
    probability: str


def full_name(record: PartnerRecord) -> str:
    return " ".join(p for p in (record.given_name, record.middle_names, record.family_name) if p)


def percent(probability: float) -> str:
    """A probability as a percentage, never rounded up to a certainty it does not have."""
    return f"{math.floor(probability * 1000) / 10:.1f}%"


def bits(weight: float) -> str:
    """A match weight in bits of evidence: "+7.2", "0.0", or "5.5" after a true minus sign (U+2212)."""
    rounded = round(weight or 0.0, 1)
    if rounded == 0:
        return "0.0"
    return f"+{rounded:.1f}" if rounded > 0 else f"{MINUS}{-rounded:.1f}"


def _norm(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def _compare(label: str, left: str, right: str, *, key=_norm) -> Row:
    left, right = left or "", right or ""
    return Row(label, left, right, key(left) == key(right) if left and right else None)


def _date_of_birth(record: PartnerRecord) -> str:
    if record.date_of_birth:
        return f"{record.date_of_birth.day} {record.date_of_birth:%B %Y}"
    if record.date_of_birth_raw:
        return f"{record.date_of_birth_raw} (partial or not a date)"
    return ""


def _birth_year(record: PartnerRecord) -> int | None:
    if record.date_of_birth:
        return record.date_of_birth.year
    years = re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", record.date_of_birth_raw or "")
    return int(years[0]) if len(years) == 1 else None


def _dob_agree(left: PartnerRecord, right: PartnerRecord) -> bool | None:
    """Full dates agree or differ; a partial date can only differ (a different year), never fully agree."""
    if left.date_of_birth and right.date_of_birth:
        return left.date_of_birth == right.date_of_birth
    left_year, right_year = _birth_year(left), _birth_year(right)
    if left_year and right_year and left_year != right_year:
        return False
    return None


def _nhs_number(record: PartnerRecord) -> str:
    number = record.nhs_number or ""
    if not number:
        return ""
    shown = f"{number[:3]} {number[3:6]} {number[6:]}" if len(number) == 10 and number.isdigit() else number
    return shown if record.nhs_number_valid else f"{shown} (not valid)"


def _address(record: PartnerRecord) -> str:
    return ", ".join(
        p for p in (record.address_line_1, record.address_line_2, record.address_line_3, record.town) if p
    )


def _involvements(record: PartnerRecord) -> str:
    involvements = list(record.involvements.filter(removed_at__isnull=True).order_by("-start_date", "-pk"))
    if not involvements:
        return "None"
    latest = involvements[0]
    count = len(involvements)
    label = CATEGORIES.get(latest.category, latest.category)
    started: date = latest.start_date
    return f"{count} involvement{'s' if count != 1 else ''}; latest: {label}, {started.day} {started:%B %Y}"


def _source(record: PartnerRecord) -> str:
    source = record.source
    return source.name if source.name == source.agency.name else f"{source.name} ({source.agency.name})"


def side_by_side(candidate: MatchCandidate) -> SideBySide:
    """Both records of a candidate pair, field by field, and how much each field counted in the score."""
    left, right = candidate.record_a, candidate.record_b
    rows = [
        _compare("Given name", left.given_name, right.given_name),
        _compare("Middle names", left.middle_names, right.middle_names),
        _compare("Family name", left.family_name, right.family_name),
        _compare("Other names", left.other_names, right.other_names),
        Row(
            "Date of birth",
            _date_of_birth(left),
            _date_of_birth(right),
            _dob_agree(left, right),
        ),
        _compare("Sex", left.sex.capitalize(), right.sex.capitalize()),
        _compare("Address", _address(left), _address(right)),
        _compare("Postcode", left.postcode, right.postcode, key=lambda v: "".join(v.split()).upper()),
        _compare("UPRN", left.uprn, right.uprn, key=lambda v: v.strip().lstrip("0")),
        _compare("NHS number", _nhs_number(left), _nhs_number(right), key=lambda v: v.replace(" ", "")),
        Row("Partner", _source(left), _source(right), None),
        Row("Partner's reference", left.person_ref, right.person_ref, None),
        Row("Involvements", _involvements(left), _involvements(right), None),
    ]
    explanation = [
        ExplanationRow(
            label=COMPARISON_LABELS.get(item.get("comparison", ""), _humanise(item.get("comparison", ""))),
            outcome=str(item.get("outcome", "")),
            weight=bits(item.get("weight") or 0.0),
            positive=(item.get("weight") or 0.0) > 0,
        )
        for item in candidate.explanation or []
    ]
    return SideBySide(
        left=left,
        right=right,
        rows=rows,
        explanation=explanation,
        total_weight=bits(candidate.match_weight),
        probability=percent(candidate.match_probability),
    )


def _humanise(name: str) -> str:
    return name.replace("_", " ").capitalize() or "Other"
