"""Per-user limits on searching and looking, generous for real work, counted from the audit log itself.

The log already holds every search and look with its user and time (indexed by user and time), so it is the
count: one store, shared by every web worker, that cannot drift from what happened (ADR 0014). A user over a
limit is refused with a page saying when they may go on, the refusal is audited by the gate, and the first
refusal of a stretch raises an oversight alert.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from mast.audit.models import AuditEvent
from mast.gate.gate import Throttled, Viewer
from mast.gate.policy import Action
from mast.oversight.alerts import raise_throttled

SEARCHES = (Action.SEARCH_PEOPLE, Action.SEARCH_ADDRESSES)
LOOKS = (Action.VIEW_PERSON, Action.PRINT_PERSON, Action.VIEW_ADDRESS)


@dataclass(frozen=True)
class Limit:
    actions: tuple[str, ...]
    per_minute: int
    per_hour: int
    what: str


def limits() -> list[Limit]:
    return [
        Limit(
            tuple(map(str, SEARCHES)),
            settings.MAST_SEARCHES_PER_MINUTE,
            settings.MAST_SEARCHES_PER_HOUR,
            "searches",
        ),
        Limit(tuple(map(str, LOOKS)), settings.MAST_VIEWS_PER_MINUTE, settings.MAST_VIEWS_PER_HOUR, "looks"),
    ]


def check(user, action: Action) -> None:
    """Raise Throttled if `user` has already done as many of this kind of thing as the limits allow."""
    limit = next((lim for lim in limits() if str(action) in lim.actions), None)
    if limit is None:
        return
    now = timezone.now()
    done = AuditEvent.objects.filter(
        user=user,
        action__in=limit.actions,
        outcome=AuditEvent.Outcome.ALLOWED,
        at__gt=now - timedelta(hours=1),
    )
    in_hour = list(done.order_by("at").values_list("at", flat=True))
    in_minute = [at for at in in_hour if at > now - timedelta(minutes=1)]
    if len(in_minute) >= limit.per_minute:
        wait = 60 - int((now - in_minute[0]).total_seconds())
        _refuse(user, limit, f"{limit.per_minute} {limit.what} a minute", max(wait, 1))
    if len(in_hour) >= limit.per_hour:
        wait = 3600 - int((now - in_hour[0]).total_seconds())
        _refuse(user, limit, f"{limit.per_hour} {limit.what} an hour", max(wait, 1))


def _refuse(user, limit: Limit, said: str, wait: int) -> None:
    raise_throttled(user, said)
    raise Throttled(f"You have reached MAST's limit of {said}.", wait)


def on_reading(sender, viewer: Viewer, action: Action, **kwargs) -> None:
    check(viewer.user, action)
