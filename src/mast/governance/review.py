"""The weekly warning that the agreement in force is past the review date its partners set.

A review date that passes does not end the agreement (the partners may be reviewing it), but it must not be
forgotten: every IG officer and every partner's nominated approver is told by email, once a week until a
reviewed version is approved. Run by the background worker every day (administration/schedule.py) or by
`mast check_agreement_review` from cron; either way at most one warning a week goes out.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mast.access.models import Role, User
from mast.governance.models import SharingAgreement
from mast.governance.services import current_agreement
from mast.notifications.services import send_to_users

WARN_EVERY = timedelta(days=7)


def warn_if_review_overdue(now: datetime | None = None) -> int:
    """Tell IG officers and approvers if the agreement in force is past its review date and they have not
    been told in the last week; how many were told."""
    now = now or timezone.now()
    agreement = current_agreement(timezone.localdate(now))
    if agreement is None or agreement.review_date >= timezone.localdate(now):
        return 0
    with transaction.atomic():
        agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.review_warned_at is not None and now - agreement.review_warned_at < WARN_EVERY:
            return 0
        agreement.review_warned_at = now
        agreement.save(update_fields=["review_warned_at"])
    approvers = agreement.partners.exclude(approver=None).values_list("approver", flat=True)
    people = User.objects.filter(is_active=True).filter(pk__in=list(approvers)) | User.objects.filter(
        is_active=True, role=Role.IG_OFFICER
    )
    return send_to_users(people.distinct(), "agreement_review_overdue", reverse("web:agreement"))
