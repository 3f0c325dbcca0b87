"""Per-user rate limits: generous for casework, a clear page when reached, the refusal audited, and the IG
officers told."""

import pytest
from django.core import mail

from mast.audit.models import AuditEvent
from mast.oversight.models import OversightAlert
from tests.factories.people import page_text
from tests.oversight.conftest import look, searched, state_purpose

pytestmark = pytest.mark.django_db


def test_looks_past_the_limit_are_refused_with_a_page_that_says_when_to_come_back(client, region, settings):
    settings.MAST_VIEWS_PER_MINUTE = 3
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:4])
    for person in region.people[:3]:
        assert look(client, person).status_code == 200
    refused = look(client, region.people[3])
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    text = page_text(refused)
    assert "You have reached MAST's limit of 3 looks a minute." in text
    assert "You can search and look at people again in 1 minute" in text
    assert "Tester" not in text and region.people[3].links.first().partner_record.given_name not in text
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.action, event.outcome, event.detail["refused"]) == ("view_person", "denied", "rate limit")
    alert = OversightAlert.objects.get(rule=OversightAlert.Rule.THROTTLED)
    assert "reached the limit of 3 looks a minute and was stopped" in alert.summary
    assert sorted(m.to[0] for m in mail.outbox) == ["ig2@police.example", "ig@police.example"]


def test_searches_have_their_own_limit_and_ordinary_use_stays_under_it(client, region, settings):
    settings.MAST_SEARCHES_PER_MINUTE = 10
    state_purpose(client, region.practitioner)
    searched(region.practitioner, region.people[:2])
    for person in region.people[:2]:
        assert look(client, person).status_code == 200
    assert not OversightAlert.objects.filter(rule=OversightAlert.Rule.THROTTLED).exists()
