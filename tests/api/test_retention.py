"""The partner API's records go with the 36-month retention purge: push receipts and "is this person known?"
questions older than the cut-off are removed and counted with the run; newer ones stay."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from mast.api.models import MatchQuery, PushReceipt
from mast.feeds.models import Purge
from mast.feeds.retention import purge

TODAY = date(2026, 11, 24)  # with 36 months' retention, the cut-off is 24 November 2023
LONDON = ZoneInfo("Europe/London")


def _receipt(world, key: str, when: datetime) -> PushReceipt:
    receipt = PushReceipt.objects.create(
        api_key=world.push.key, idempotency_key=key, body_sha256="0" * 64, status_code=202, response={}
    )
    PushReceipt.objects.filter(pk=receipt.pk).update(created_at=when)
    return receipt


def _question(world, when: datetime, decision=MatchQuery.Decision.PERMIT) -> MatchQuery:
    query = MatchQuery.objects.create(
        api_key=world.query.key, requesting_organisation="Testshire Children's Services",
        requesting_user="Duty social worker", reason="Section 47 enquiry", decision=decision,
        decision_reason="Permitted by the agreement",
    )  # fmt: skip
    MatchQuery.objects.filter(pk=query.pk).update(asked_at=when)
    return query


def test_push_receipts_and_questions_older_than_the_cut_off_are_purged(world):
    _receipt(world, "old", datetime(2023, 11, 1, tzinfo=LONDON))
    kept_receipt = _receipt(world, "new", datetime(2023, 12, 1, tzinfo=LONDON))
    _question(world, datetime(2023, 6, 1, tzinfo=LONDON))
    _question(world, datetime(2022, 6, 1, tzinfo=LONDON), decision=MatchQuery.Decision.REVIEW)
    kept_question = _question(world, datetime(2024, 1, 1, tzinfo=LONDON))

    run = purge(today=TODAY)

    assert list(PushReceipt.objects.values_list("pk", flat=True)) == [kept_receipt.pk]
    assert list(MatchQuery.objects.values_list("pk", flat=True)) == [kept_question.pk]
    assert {k: run.others_removed[k] for k in ("api push receipts", "api questions")} == {
        "api push receipts": 1,
        "api questions": 2,
    }
    assert Purge.objects.get().others_removed == run.others_removed


def test_the_purge_command_reports_what_it_removed_from_the_api(world):
    _question(world, datetime(2020, 1, 1, tzinfo=LONDON))
    out = StringIO()
    call_command("purge", stdout=out)
    assert "api questions" in out.getvalue()
