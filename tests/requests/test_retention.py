"""Requests leave with the headline data they were about: the retention purge removes answered ones."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from mast.feeds.models import Purge
from mast.feeds.retention import purge
from mast.gate.policy import Action
from mast.requests import actions
from mast.requests.models import Request, RequestEvent
from tests.requests.conftest import as_user, send

TODAY = date(2026, 11, 24)  # with 36 months' retention, the cut-off is 24 November 2023


def answered(between, how, when: datetime, **kwargs) -> Request:
    request = send(between)
    as_user(
        between.worker,
        Action.ANSWER_REQUEST,
        lambda scope: how(scope, user=between.worker, request_id=request.pk, **kwargs),
    )
    Request.objects.filter(pk=request.pk).update(answered_at=when, sent_at=when)
    return request


def test_requests_answered_before_the_retention_cut_off_go_with_their_history(between):
    london = ZoneInfo("Europe/London")
    old_reply = answered(between, actions.reply, datetime(2023, 11, 1, tzinfo=london), text="Known to us.")
    old_decline = answered(
        between, actions.decline, datetime(2023, 6, 1, tzinfo=london), reason="Not known to us."
    )
    recent = answered(between, actions.reply, datetime(2023, 12, 1, tzinfo=london), text="Known to us.")
    still_open = send(between)
    Request.objects.filter(pk=still_open.pk).update(sent_at=datetime(2022, 1, 1, tzinfo=london))

    run = purge(today=TODAY)

    assert set(Request.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not RequestEvent.objects.filter(request_id__in=[old_reply.pk, old_decline.pk]).exists()
    assert run.others_removed["requests"] == 2
    assert Purge.objects.get().others_removed["requests"] == 2


def test_the_purge_command_reports_the_requests_it_removed(between):
    answered(between, actions.reply, datetime(2020, 1, 1, tzinfo=ZoneInfo("Europe/London")), text="Yes.")
    out = StringIO()

    call_command("purge", stdout=out)

    assert " 1 requests" in out.getvalue()
    assert not Request.objects.exists()
