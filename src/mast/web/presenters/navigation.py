"""The counts the service navigation shows a practitioner on every page — requests waiting for them, how many
of those are overdue, alerts they have not opened — read in one statement, once a request.

They were two statements on every page (and two more on the home page, which shows them again). Each is a
number about the user's own work, never a person, so it is read outside the gate; nothing is kept from one
request to the next, so a request answered or an alert opened shows on the next page.
"""

from dataclasses import dataclass

from django.db.models import IntegerField, Subquery
from django.http import HttpRequest
from django.utils import timezone

from mast.access.models import User
from mast.alerts.services import unread_alerts
from mast.requests.routing import waiting_requests

_KEPT = "_mast_navigation_counts"


@dataclass(frozen=True)
class NavigationCounts:
    waiting: int = 0
    overdue: int = 0
    unread_alerts: int = 0


class _Count(Subquery):
    """How many rows a query has, as a value in another statement's row."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def counts_for(user) -> NavigationCounts:
    waiting, unread = waiting_requests(user), unread_alerts(user)
    if waiting is None and unread is None:
        return NavigationCounts()
    counted = {}
    if waiting is not None:
        counted["waiting"] = _Count(waiting.order_by().values("pk"))
        counted["overdue"] = _Count(waiting.filter(due_at__lte=timezone.now()).order_by().values("pk"))
    if unread is not None:
        counted["unread_alerts"] = _Count(unread.order_by().values("pk"))
    # The user's own row carries the counts: any one-row table would do, and this one is read by its key.
    row = User.objects.filter(pk=user.pk).annotate(**counted).values(*counted).first() or {}
    return NavigationCounts(**row)


def navigation_counts(request: HttpRequest | None) -> NavigationCounts:
    """The counts for this request's user, read at most once while the request lasts (the navigation and
    the home page both show them)."""
    if request is None:
        return NavigationCounts()
    kept = getattr(request, _KEPT, None)
    if kept is None:
        kept = counts_for(getattr(request, "user", None))
        setattr(request, _KEPT, kept)
    return kept
