"""Records pushed by a partner's system: checked as file rows are, stored, matched, never removing."""

from datetime import date

import pytest

from mast.api.push import push_mapping
from mast.audit.models import AuditEvent
from mast.feeds.models import Involvement, Load, PartnerRecord, RejectedRow
from mast.feeds.validation import RowValidator
from mast.identity.models import PersonLink
from tests.api.conftest import ELLIS, record

pytestmark = pytest.mark.django_db
URL = "/api/v1/records/"


def push(world, *records, **headers):
    return world.pusher().post(URL, {"records": list(records)}, format="json", **headers)


def test_a_pushed_record_is_stored_matched_and_audited_with_the_key_id(world):
    response = push(world, record())

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["records_loaded"], body["rejected"]) == ("loaded", 1, [])
    involvement = Involvement.objects.get(source=world.police, record_id="P1")
    assert (involvement.category, involvement.status, involvement.start_date) == (
        "domestic_abuse",
        "open",
        date(2026, 11, 1),
    )
    assert PersonLink.objects.filter(partner_record=involvement.partner_record).exists()
    event = AuditEvent.objects.get(action="api_push")
    assert event.username == f"api-key:{world.push.key.key_id}" and event.role == "api_push"
    assert event.detail["api_key"] == world.push.key.key_id and event.detail["records_loaded"] == 1


def test_a_bad_record_is_refused_with_the_same_reason_as_a_file_row_and_the_rest_loaded(world):
    bad = record("P2", "N2", ELLIS, given_name="", start_date="01/11/2026")
    response = push(world, record(), bad)

    assert response.status_code == 200
    body = response.json()
    assert body["records_loaded"] == 1 and body["records_rejected"] == 1
    # The same validator, the same words, as a row of a file in the canonical layout.
    mapping = push_mapping(world.police)
    raw = {name: str(value) for name, value in bad.items()}
    expected = RowValidator(mapping, date.today()).validate(2, raw)
    assert body["rejected"] == [
        {"record": 2, "record_id": "P2", "field": expected.field, "reason": expected.reason}
    ]
    assert "Given name (given_name) is empty; it is required." in expected.reason
    assert "is not a date written like" in expected.reason
    # Kept for the feed owner on the push's load, as a file's rejected rows are.
    kept = RejectedRow.objects.get(load_id=body["load"])
    assert kept.record_id == "P2" and kept.raw["given_name"] == ""


def test_a_flagged_field_is_loaded_and_said(world):
    response = push(world, record(nhs_number="1234567890"))
    body = response.json()
    assert body["records_flagged"] == 1
    assert "fails the NHS number check" in body["flagged"][0]["problems"][0]


def test_a_push_with_nothing_loadable_is_a_problem_with_every_reason(world):
    response = push(world, record(record_id=""), record(family_name=""))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["records_rejected"] == 2 and len(body["rejected"]) == 2
    assert Load.objects.get(pk=body["load"]).rejected_rows.count() == 2


def test_the_same_idempotency_key_gets_the_same_answer_and_changes_nothing(world):
    first = push(world, record(), HTTP_IDEMPOTENCY_KEY="abc-1")
    again = push(world, record(), HTTP_IDEMPOTENCY_KEY="abc-1")
    assert again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Load.objects.filter(source=world.police).count() == 1
    other = push(world, record(status="closed", end_date="2026-11-20"), HTTP_IDEMPOTENCY_KEY="abc-1")
    assert other.status_code == 409 and other.json()["type"].endswith("idempotency-conflict")


def test_a_push_removes_nothing_it_leaves_out_even_for_a_snapshot_feed(world):
    push(world, record("P1", "N1"), record("P2", "N2", ELLIS))
    push(world, record("P3", "N1", start_date="2026-11-03"))
    live = Involvement.objects.filter(source=world.police, removed_at__isnull=True)
    assert sorted(live.values_list("record_id", flat=True)) == ["P1", "P2", "P3"]


def test_a_changed_record_replaces_the_last_version(world):
    push(world, record())
    push(world, record(status="closed", end_date="2026-11-20"))
    involvement = Involvement.objects.get(source=world.police, record_id="P1")
    assert involvement.status == "closed" and involvement.end_date == date(2026, 11, 20)


def test_a_withdrawn_record_is_no_longer_shown_and_withdrawing_it_again_is_not_found(world):
    push(world, record())
    response = world.pusher().delete("/api/v1/records/P1/")
    assert response.status_code == 204
    involvement = Involvement.objects.get(source=world.police, record_id="P1")
    assert involvement.removed_at is not None
    assert PartnerRecord.objects.get(pk=involvement.partner_record_id).removed_at is not None
    assert world.pusher().delete("/api/v1/records/P1/").status_code == 404
    assert AuditEvent.objects.filter(action="api_withdraw", outcome="allowed").count() == 1


def test_withdrawing_a_record_matches_its_person_again_at_once(world):
    # The same person under two of the police's own references: one person in MAST, linked by the match.
    push(world, record("P1", "N1"), record("P9", "N9"))
    first = PartnerRecord.objects.get(source=world.police, person_ref="N1")
    second = PartnerRecord.objects.get(source=world.police, person_ref="N9")
    assert first.link.person_id == second.link.person_id
    assert first.link.method != PersonLink.Method.SINGLETON

    assert world.pusher().delete("/api/v1/records/P9/").status_code == 204

    # Not at the next push or load, but now: N1's link no longer rests on a match with the withdrawn record.
    link = PersonLink.objects.get(partner_record=first)
    assert link.method == PersonLink.Method.SINGLETON and link.match_probability is None
    assert link.explanation == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"records": [{**record(), "favourite_colour": "blue"}]}, "records.0.favourite_colour"),
        ({"records": []}, "records"),
        ({"records": [{**record(), "restricted": "perhaps"}]}, "records.0.restricted"),
        ({"records": [{**record(), "given_name": ["Robin"]}]}, "records.0.given_name"),
        ({"records": [{**record(), "given_name": "Ro\u0000bin"}]}, "records.0.given_name"),
        ({}, "records"),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_problem_naming_the_field(world, body, field):
    response = world.pusher().post(URL, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Load.objects.exists()


def test_a_query_key_cannot_push_and_the_refusal_is_audited(world):
    response = world.asker().post(URL, {"records": [record()]}, format="json")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="api_push")
    assert event.outcome == "denied" and event.detail["api_key"] == world.query.key.key_id


def test_no_key_is_401_with_how_to_send_one(world):
    response = world.client().post(URL, {"records": [record()]}, format="json")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_pushes_beyond_the_keys_rate_are_refused_until_later(world, settings):
    settings.MAST_API_RATES = {"push": "2/minute", "query": "2/minute"}
    assert [push(world, record(start_date=f"2026-11-0{n}")).status_code for n in (1, 2, 3)] == [200, 200, 429]
    assert world.asker().post("/api/v1/Patient/$match", {}, format="json").status_code == 400


def test_a_feed_whose_mapping_cannot_be_read_refuses_the_push_and_loads_nothing(world):
    type(world.police).objects.filter(pk=world.police.pk).update(mapping="no-such-mapping")
    response = push(world, record())
    assert response.status_code == 503 and "tell your feed owner" in response.json()["detail"]
    assert not Load.objects.filter(source=world.police).exists()


def test_a_file_feed_and_pushes_coexist_and_the_nightly_snapshot_is_the_full_picture(world, tmp_path):
    from mast.feeds.services import Confirmation
    from mast.ingest.intake import ingest_file
    from tests.alerts.conftest import HEADER, ROBIN, row

    push(world, record("P1", "N1"), record("P2", "N2", ELLIS))
    # The nightly snapshot names P1 (changed) and a new P3, but not P2.
    feed = tmp_path / "police.csv"
    lines = [
        row("P1", "N1", ROBIN, "DOMESTIC", "2026-11-01", status="CLOSED", end="2026-11-20"),
        row("P3", "N1", ROBIN, "DOMESTIC", "2026-11-05"),
    ]
    feed.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    # Leaving out half the feed holds the file, as any snapshot would; its owner confirms it.
    assert ingest_file(world.police, feed).load.status == Load.Status.HELD
    confirmed = Confirmation(world.feed_owner, "test")
    assert ingest_file(world.police, feed, confirmed=confirmed).load.status == Load.Status.LOADED

    live = {i.record_id: i.status for i in Involvement.objects.filter(source=world.police, removed_at=None)}
    assert live == {"P1": "closed", "P3": "open"}
    # And a push after the file changes only what it names.
    push(world, record("P4", "N1", start_date="2026-11-06"))
    assert Involvement.objects.filter(source=world.police, removed_at=None).count() == 3
