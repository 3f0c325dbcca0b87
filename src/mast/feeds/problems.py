"""A row's problems in words a feed owner can act on: "Start date (OccDate) '31/02/2026' is not a date
written like 27/11/2026", not "start_date … %d/%m/%Y".

Feed owners know their own export's column names, not MAST's canonical fields or Python's date codes, so each
problem names the field in plain words, then the partner's own column, then the value as sent. The same
module says how a practitioner sees a date of birth that was recorded but is not a valid date.
"""

from datetime import date

LABELS = {
    "record_id": "Record id",
    "person_ref": "Person reference",
    "given_name": "Given name",
    "middle_names": "Middle names",
    "family_name": "Family name",
    "other_names": "Other names",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "address_line_1": "Address line 1",
    "address_line_2": "Address line 2",
    "address_line_3": "Address line 3",
    "town": "Town",
    "postcode": "Postcode",
    "uprn": "UPRN",
    "nhs_number": "NHS number",
    "involvement_type": "Involvement type",
    "start_date": "Start date",
    "end_date": "End date",
    "status": "Status",
    "lead_practitioner": "Lead practitioner",
    "team": "Team",
    "contact_phone": "Contact phone",
    "contact_email": "Contact email",
    "restricted": "Restricted marker",
}
# A date every format can show unambiguously: day 27 cannot be a month.
SAMPLE = date(2026, 11, 27)


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def field_words(name: str, columns: dict[str, str]) -> str:
    """E.g. "Start date (OccDate)": the partner's own column in brackets, when the mapping names one."""
    column = columns.get(name)
    return f"{label(name)} ({column})" if column else label(name)


def date_forms(formats: tuple[str, ...] | list[str]) -> str:
    """The mapping's date formats shown by example: "27/11/2026 or 2026-11-27"."""
    return " or ".join(SAMPLE.strftime(f) for f in formats)


def flag_problem(name: str, flag: str, columns: dict[str, str], raw: dict[str, str]) -> str:
    """One flagged field of a loaded row: what it is, the value as sent, and what MAST made of it."""
    value = (raw.get(columns.get(name, ""), "") or "").strip()
    shown = f" '{value[:60]}'" if value else ""
    return f"{field_words(name, columns)}{shown}: {flag}"


def date_of_birth_text(date_of_birth: date | None, raw: str, flagged: bool) -> str:
    """How a practitioner sees a date of birth: the date, or what was recorded when it is not a valid one
    ("recorded as '31/02/2015' (not a valid date)"), and "Not known" only when nothing was recorded."""
    if date_of_birth is not None and not flagged:
        return f"{date_of_birth.day} {date_of_birth:%B %Y}"
    if raw:
        return f"recorded as '{raw}' (not a valid date)"
    return "Not known"
