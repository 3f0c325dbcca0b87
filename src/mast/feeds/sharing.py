"""Fields a partner does not share under the agreement in force are dropped as its file is read, not only
hidden when shown: MAST never holds what the partners did not agree to share. The load's message tells the
feed owner which fields were dropped, so a mapping that sends more than agreed is noticed and fixed.

The required fields (record id, person reference, names, involvement type, start date) are never dropped:
without them a row cannot be loaded at all, and the agreement's drafting checks every sharing partner lists
them (governance/lifecycle.py).
"""

from dataclasses import replace

from mast.canonical import REQUIRED_FIELDS
from mast.feeds.mapping import Mapping
from mast.governance.services import field_label, fields_shared_by


def within_agreement(mapping: Mapping, agency) -> tuple[Mapping, list[str]]:
    """The mapping narrowed to what `agency` shares, and the canonical fields it dropped."""
    shared = fields_shared_by(agency)
    if shared is None:
        return mapping, []
    keep = set(shared) | set(REQUIRED_FIELDS)
    dropped = [name for name in mapping.columns if name not in keep]
    if not dropped:
        return mapping, []
    columns = {name: column for name, column in mapping.columns.items() if name in keep}
    values = {name: table for name, table in mapping.values.items() if name in keep}
    return replace(mapping, columns=columns, values=values), dropped


def dropped_note(dropped: list[str]) -> str:
    if not dropped:
        return ""
    names = ", ".join(field_label(name) for name in dropped)
    return f" Not kept, because the data-sharing agreement does not list them for this partner: {names}."
