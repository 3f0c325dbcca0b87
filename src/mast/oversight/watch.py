"""Watching use as it happens: each audit event indexes whom it showed, in the event's own transaction, and
once the event is committed the misuse rules look at it (mast.oversight.rules).

The rules run after the commit so that a page is never refused or rolled back because a rule failed; a rule
that fails is logged (rule name only, never personal data) and the page goes on.
"""

import logging
import uuid

from django.db import transaction

from mast.audit.models import AuditEvent
from mast.oversight.models import Shown
from mast.oversight.rules import check

logger = logging.getLogger(__name__)

How = Shown.How
# action: what its target is to the person or address named there.
_TARGET_HOW = {
    "view_person": How.VIEWED,
    "print_person": How.PRINTED,
    "break_glass": How.BROKE_GLASS,
    "send_referral": How.REFERRAL,
    "send_request": How.REQUEST,
    "view_address": How.ADDRESS_VIEWED,
}
# detail key: what being listed there means.
_LISTED_HOW = {
    "people_shown": None,  # search results, or the people at an address: decided by the action
    "family_shown": How.FAMILY,
    "household_shown": How.FAMILY,
    "addresses_shown": How.ADDRESS_LISTED,
}


def _uuid(text) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def shown_by(event: AuditEvent) -> list[tuple[uuid.UUID, str]]:
    """(public id, how) for everyone and every address this event showed; nothing for a refused event."""
    if event.outcome != AuditEvent.Outcome.ALLOWED:
        return []
    found: dict[tuple[uuid.UUID, str], None] = {}
    how = _TARGET_HOW.get(event.action)
    if how and ":" in event.target:
        subject = _uuid(event.target.split(":", 1)[1])
        if subject:
            found[(subject, how)] = None
    detail = event.detail or {}
    for key, listed_how in _LISTED_HOW.items():
        if listed_how is None:
            listed_how = How.AT_ADDRESS if event.action == "view_address" else How.SEARCH_RESULT
        for value in detail.get(key) or ():
            subject = _uuid(value)
            if subject:
                found.setdefault((subject, listed_how), None)
    return list(found)


def index(event: AuditEvent) -> int:
    rows = [
        Shown(event_id=event.sequence, user_id=event.user_id, at=event.at, subject=subject, how=how)
        for subject, how in shown_by(event)
    ]
    Shown.objects.bulk_create(rows)
    return len(rows)


def on_event(sender, event: AuditEvent, **kwargs) -> None:
    index(event)
    if event.user_id is not None and event.outcome == AuditEvent.Outcome.ALLOWED:
        # The event as written, not read back: it is committed when this runs, and reading it again was one
        # more query on every search and look.
        transaction.on_commit(lambda: _check(event))


def _check(event: AuditEvent) -> None:
    try:
        check(event)
    except Exception as error:  # a rule's failure must never cost the practitioner their page
        logger.exception("Oversight rules failed on an audit event (%s)", type(error).__name__)
