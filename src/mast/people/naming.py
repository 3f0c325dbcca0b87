"""What a person is called on every practitioner page: the name on their most recently updated partner record.

A person is several partners' records, and each may spell them differently ("Ty Barker" at the school,
"Tyler Barker" at the GP). Search results and the person page once chose differently (the record that matched
best, the newest), so a practitioner clicked "Ty Barker" and landed on "Tyler Barker". Both now ask here. The
newest record is the partner's latest word on the person; the others' names are still shown (the person
page's "Also known as", the reasons a search result matched). Records whose addresses this viewer may not see
(`hidden`) name the person only when no other record can.
"""

from collections.abc import Iterable

UNKNOWN = "Unknown"


def record_name(record) -> str:
    """One record's name as written: given names, then family name."""
    given = " ".join(p for p in (record.given_name, getattr(record, "middle_names", "")) if p)
    return f"{given} {record.family_name}".strip()


def naming_record(records: Iterable, hidden: Iterable[int] = ()):
    """The record a person is named by: the most recently updated of their current partner records, preferring
    records the viewer may see in full; None when there are none."""
    records = list(records)
    hidden = set(hidden)
    shown = [r for r in records if r.pk not in hidden] or records
    return max(shown, key=lambda r: (r.updated_at, r.pk), default=None)


def person_name(records: Iterable, hidden: Iterable[int] = ()) -> str:
    """The name of the person these current partner records belong to (`naming_record`'s)."""
    record = naming_record(records, hidden)
    return (record_name(record) if record is not None else "") or UNKNOWN
