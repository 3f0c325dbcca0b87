"""Requests under the sharing agreement's retention period.

A question and its reply are information shared about a person, kept no longer than the headline data they
were about: a request answered (replied to or declined) before the retention cut-off is removed with its
history, by the same purge run (`mast purge`). A request still open is kept however old, as an open
involvement is: someone is still waiting on it.
"""

from datetime import date

from mast.requests.models import Request


def purge_answered_before(cutoff: date, **_signal) -> dict[str, int]:
    answered = Request.objects.exclude(status__in=Request.OPEN).filter(answered_at__date__lt=cutoff)
    _, removed = answered.delete()  # their events go with them
    return {"requests": removed.get("requests.Request", 0)}
