"""Telling people that a partner's feed is late: its feed owners and the information-governance officers.

A late feed is a quiet risk: practitioners go on seeing "not known to the police" from a file that is days
old. Practitioner pages say how old each agency's data is (feeds/freshness.py); this module tells the people
who can do something about it, once per missed deadline: a notice on the feed owner's page, and an email
(neutral, no personal data, via mast.notifications) to each feed owner of the source and each IG officer.
Run by `mast check_freshness`, from cron or the background worker, every few minutes.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse

from mast.access.models import Role, User
from mast.feeds.freshness import SourceFreshness, source_freshness
from mast.feeds.models import LateNotice, Source
from mast.notifications.services import send_to_users


def _ig_officers():
    return User.objects.filter(role=Role.IG_OFFICER, is_active=True)


def raise_late_notices(now: datetime | None = None) -> list[LateNotice]:
    """A notice (and emails) for each source that is late and has not been told about this deadline."""
    raised = []
    for item in source_freshness(now=now):
        if not item.late:
            continue
        notice = _new_notice(item)
        if notice is None:
            continue
        owners = Source.objects.get(pk=item.source_id).owners.filter(is_active=True)
        sent = send_to_users(owners, "feed_late", reverse("web:feeds"))
        sent += send_to_users(_ig_officers(), "feed_late", reverse("web:home"))
        LateNotice.objects.filter(pk=notice.pk).update(emails_sent=sent)
        notice.emails_sent = sent
        raised.append(notice)
    return raised


def _new_notice(item: SourceFreshness) -> LateNotice | None:
    try:
        with transaction.atomic():
            return LateNotice.objects.create(
                source_id=item.source_id, due_since=item.due_since, last_good_at=item.as_of
            )
    except IntegrityError:
        return None  # already told about this deadline


def late_sources_for(user) -> list[SourceFreshness]:
    """The feeds this user owns that are late now, for their feeds page."""
    owned = set(user.owned_sources.values_list("pk", flat=True))
    agencies = set(user.owned_sources.values_list("agency_id", flat=True))
    return [i for i in source_freshness(agency_ids=agencies) if i.source_id in owned and i.late]
