"""The people IG officers watch (a public figure, a colleague, a child in the news): every look at one raises
an alert (oversight.rules.watched). Read and changed only through the gate, so marking someone, and reading
who is marked, is audited like any other read of personal data; stopping is audited and the row goes (the
audit log keeps who watched whom, from when, and why).
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from mast.access.models import User
from mast.gate.gate import Scope
from mast.oversight.models import WatchedPerson
from mast.oversight.names import people_named
from mast.oversight.who_viewed import Subject, subject


@dataclass(frozen=True)
class Watched:
    entry: WatchedPerson
    name: str
    # Whether the reader's agency marked them, and so may stop watching them.
    ours: bool


def every(scope: Scope) -> list[Watched]:
    entries = list(WatchedPerson.objects.select_related("added_by__agency").order_by("-added_at"))
    names = {line.public_id: line.name for line in people_named([str(e.person) for e in entries])}
    return [Watched(e, names[str(e.person)], e.added_by.agency_id == scope.agency_id) for e in entries]


def about(scope: Scope, public_id: uuid.UUID) -> tuple[Subject, WatchedPerson | None]:
    """The person (NoSuchPerson if there is none) and their entry, if they are watched already."""
    return subject(scope, public_id), WatchedPerson.objects.filter(person=public_id).first()


def start(scope: Scope, by: User, public_id: uuid.UUID, reason: str, note: str) -> WatchedPerson:
    person, entry = about(scope, public_id)
    if entry is not None:
        raise ValidationError({"reason": f"{person.name} is watched already"})
    return WatchedPerson.objects.create(person=person.public_id, reason=reason, note=note, added_by=by)


def stop(scope: Scope, public_id: uuid.UUID) -> str:
    """Stop watching; returns the reason they were watched, for the audit event. Only the agency that
    marked someone may stop."""
    entry = WatchedPerson.objects.select_related("added_by").filter(person=public_id).first()
    if entry is None:
        raise ValidationError("This person is not watched")
    if entry.added_by.agency_id != scope.agency_id:
        raise ValidationError("Another agency watches this person: ask its IG officers")
    reason = entry.reason
    entry.delete()
    return reason
