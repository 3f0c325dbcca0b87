"""Oversight's share of the retention purge: its index of whom each audit event showed goes for events older
than the cut-off, as the events themselves are redacted (mast.audit.redaction). Oversight alerts are kept:
they are closed with an outcome and never deleted."""

from datetime import date, datetime, time

from django.utils import timezone

from mast.oversight.models import Shown


def purge_before(cutoff: date, **_signal) -> dict[str, int]:
    start = timezone.make_aware(datetime.combine(cutoff, time.min))
    removed, _ = Shown.objects.filter(at__lt=start).delete()
    return {"who-viewed index rows": removed}
