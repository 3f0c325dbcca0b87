"""API keys: shown once, kept hashed, two live per source and direction, revoked or expired at once."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mast.access.models import Role
from mast.api import keys
from mast.api.models import ApiKey
from mast.audit.models import AuditEvent
from tests.api.conftest import record
from tests.factories.access import make_user

pytestmark = pytest.mark.django_db


def _push(world, made):
    return world.client(made).post("/api/v1/records/", {"records": [record()]}, format="json")


def test_the_key_is_kept_only_as_a_hash_and_works(world):
    stored = ApiKey.objects.get(pk=world.push.key.pk)
    assert world.push.secret.startswith(f"mast_{stored.key_id}_")
    assert world.push.secret not in {stored.secret_hash, stored.key_id, stored.name}
    assert _push(world, world.push).status_code == 200


def test_a_third_live_key_is_refused_until_one_is_revoked(world):
    second = keys.create_key(world.feed_owner, world.police, "push", "Niche new")
    with pytest.raises(ValidationError, match="already has 2 live keys"):
        keys.create_key(world.feed_owner, world.police, "push", "Niche spare")
    # Rotation: both work while the partner moves over; revoking the old one stops it at once.
    assert _push(world, world.push).status_code == 200
    keys.revoke_key(world.feed_owner, world.push.key)
    refused = _push(world, world.push)
    assert refused.status_code == 401 and refused["Content-Type"] == "application/problem+json"
    assert "revoked" in refused.json()["detail"]
    assert _push(world, second).status_code == 200
    keys.create_key(world.feed_owner, world.police, "push", "Niche spare")


def test_an_expired_key_is_refused(world):
    ApiKey.objects.filter(pk=world.push.key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _push(world, world.push).status_code == 401


def test_a_wrong_secret_for_a_real_key_id_is_refused(world):
    forged = world.push.secret[:-4] + "AAAA"
    response = world.client().post(
        "/api/v1/records/", {"records": [record()]}, format="json", HTTP_AUTHORIZATION=f"Bearer {forged}"
    )
    assert response.status_code == 401


def test_a_feed_owner_manages_only_their_own_feeds_keys(world):
    other_owner = make_user(Role.FEED_OWNER, agency=world.childrens.agency)
    with pytest.raises(PermissionDenied):
        keys.create_key(other_owner, world.police, "push", "Not theirs")
    with pytest.raises(PermissionDenied):
        keys.revoke_key(other_owner, world.push.key)
    practitioner = make_user(Role.PRACTITIONER, agency=world.police.agency)
    with pytest.raises(PermissionDenied):
        keys.create_key(practitioner, world.police, "push", "Not theirs")


def test_making_and_revoking_are_audited_and_no_event_holds_the_key(world):
    keys.revoke_key(world.admin, world.query.key)
    events = AuditEvent.objects.filter(action__in=["create_api_key", "revoke_api_key"])
    assert [e.action for e in events] == ["create_api_key", "create_api_key", "revoke_api_key"]
    _push(world, world.push)
    for event in AuditEvent.objects.all():
        text = str(event.detail) + event.target
        assert world.push.secret not in text and world.query.secret not in text
