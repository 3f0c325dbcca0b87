"""The partner API's share of the retention purge (mast.feeds.retention): what it keeps of partner systems'
calls goes on the same 36-month rule as the headline data.

- A push receipt (the answer to a push, kept so that the same Idempotency-Key gets the same answer) older
  than the cutoff is removed: a partner system retries within minutes, never years, and the load it names is
  itself past keeping.
- A "is this person known?" question (MatchQuery: who asked, why, what was decided and answered) older than
  the cutoff is removed, decided or not: it is the record of a disclosure, kept as long as the data it was
  about, like the requests practitioners send. The audit event of the question stays in the audit log.
"""

from datetime import date

from mast.api.models import MatchQuery, PushReceipt


def purge_before(cutoff: date, **_signal) -> dict[str, int]:
    _, receipts = PushReceipt.objects.filter(created_at__date__lt=cutoff).delete()
    _, queries = MatchQuery.objects.filter(asked_at__date__lt=cutoff).delete()
    return {
        "api push receipts": receipts.get("api.PushReceipt", 0),
        "api questions": queries.get("api.MatchQuery", 0),
    }
