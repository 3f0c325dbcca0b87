"""Onboarding a whole agency from a CSV file: every row checked as the add-a-user page checks it, shown as a
preview, and created only when every row is right (all or nothing, so a half-imported team never has to be
untangled). Each person created is invited by email and audited like one added by hand.

Columns (a header row, in any order): first_name, last_name, email, agency (its code or name), role (e.g.
practitioner or "Feed owner"), and optionally team, job_title.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from mast.access.models import Agency, Role
from mast.administration import accounts
from mast.administration.actor import Actor
from mast.administration.user_details import UserDetails

REQUIRED = ("first_name", "last_name", "email", "agency", "role")
OPTIONAL = ("team", "job_title")
MAX_ROWS = 2000
MAX_BYTES = 1024 * 1024


class UnreadableFile(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class Row:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    details: dict | None = None


@dataclass
class Preview:
    rows: list[Row]

    @property
    def problems(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def ready(self) -> bool:
        return bool(self.rows) and not self.problems


def _role(value: str) -> str:
    wanted = value.strip().lower().replace("-", " ").replace("_", " ")
    for role in Role:
        if wanted in (role.value.replace("_", " "), role.label.lower()):
            return role.value
    return value


def _agency(value: str) -> Agency | None:
    value = value.strip()
    return Agency.objects.filter(Q(code__iexact=value) | Q(name__iexact=value)).first() if value else None


def read(data: bytes) -> Preview:
    """Check every row of the file; raises UnreadableFile if it is not a CSV MAST can read at all."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"The file must be smaller than {MAX_BYTES // 1024:,} KB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The file must be a CSV saved as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise UnreadableFile(f"The file's first row must name the columns; missing: {', '.join(missing)}")
    reader.fieldnames = header
    rows, seen = [], {}
    for values in reader:
        if len(rows) >= MAX_ROWS:
            raise UnreadableFile(f"The file has more than {MAX_ROWS:,} people; split it into smaller files")
        values = {k: (v or "").strip() for k, v in values.items() if k in REQUIRED + OPTIONAL}
        if not any(values.values()):
            continue
        rows.append(_check(reader.line_num, values, seen))
    if not rows:
        raise UnreadableFile("The file has no people in it")
    return Preview(rows)


def _check(line: int, values: dict, seen: dict) -> Row:
    row = Row(line=line, values=values)
    agency = _agency(values.get("agency", ""))
    data = {**values, "role": _role(values.get("role", "")), "agency": agency.pk if agency else ""}
    form = UserDetails(data)
    if values.get("agency") and agency is None:
        row.errors.append(f"Agency: MAST has no agency called '{values.get('agency')}'")
    for name, messages in form.errors.items():
        if name == "agency" and agency is None and values.get("agency"):
            continue
        if name == "role" and values.get("role"):
            roles = ", ".join(role.label for role in Role)
            row.errors.append(f"Role: '{values['role']}' is not one of MAST's roles ({roles})")
            continue
        label = form.fields[name].label.replace(" (optional)", "") if name in form.fields else "row"
        row.errors.extend(f"{label}: {message}" for message in messages)
    email = values.get("email", "").lower()
    if email in seen:
        row.errors.append(f"Work email address: the same as line {seen[email]}")
    elif email:
        seen[email] = line
    if not row.errors:
        row.details = form.cleaned_data
    return row


@transaction.atomic
def create_all(actor: Actor, preview: Preview) -> int:
    """Create and invite everyone in a preview with no problems; how many were created."""
    if not preview.ready:
        raise ValueError("Only a file with no problems can be imported.")
    for row in preview.rows:
        accounts.create(actor, row.details)
    actor.record("users_imported", "users", count=len(preview.rows))
    return len(preview.rows)
