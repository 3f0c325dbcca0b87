"""Security keys as a second factor, below the browser: what MAST refuses, and that an administrator's reset
takes keys away with the rest. (Registering and signing in with a real key's answer is in
tests/browser/test_security_keys.py, with Chromium's virtual authenticator.)"""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from mast.access import factors, security_keys
from mast.access.models import Role, SecurityKey
from mast.administration import accounts
from mast.administration.actor import Actor
from mast.audit.models import AuditEvent
from tests.factories.access import make_user
from tests.signing_in import give_second_factor

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().post("/", HTTP_HOST="localhost:8016")
    request.session = SessionStore()
    request.user = user
    return request


def _key(user, name="Blue key"):
    return SecurityKey.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=f"cred-{name.replace(' ', '')}",
        public_key=b"not a real key",
    )


def test_the_relying_party_is_the_host_the_user_sees_without_its_port():
    party = security_keys.RelyingParty.of(_request(None))
    assert (party.id, party.origin) == ("localhost", "http://localhost:8016")


def test_an_answer_without_a_challenge_from_this_session_is_refused_and_audited():
    user = make_user(Role.PRACTITIONER)
    _key(user)
    request = _request(user)
    with pytest.raises(security_keys.KeyRefused, match="expired"):
        security_keys.verify(request, user, '{"id": "cred-Bluekey"}')


def test_a_challenge_is_good_once():
    user = make_user(Role.PRACTITIONER)
    _key(user)
    request = _request(user)
    options = security_keys.authentication_options(request, user)
    assert [c["id"] for c in options["allowCredentials"]] == ["cred-Bluekey"]
    with pytest.raises(security_keys.KeyRefused):
        security_keys.verify(request, user, "not json")
    # The failed attempt used the challenge up: a second answer to it is refused unread.
    with pytest.raises(security_keys.KeyRefused, match="expired"):
        security_keys.verify(request, user, '{"id": "cred-Bluekey"}')


def test_a_key_registered_to_someone_else_is_refused_and_the_failure_audited():
    user, other = make_user(Role.PRACTITIONER), make_user(Role.PRACTITIONER)
    _key(other, "Theirs")
    _key(user)
    request = _request(user)
    security_keys.authentication_options(request, user)
    with pytest.raises(security_keys.KeyRefused, match="not one registered"):
        security_keys.verify(request, user, '{"id": "cred-Theirs"}')
    failed = AuditEvent.objects.filter(action="second_factor_failed").last()
    assert failed.detail == {"factor": "security_key"}


def test_the_only_second_factor_cannot_be_removed_but_one_of_two_can():
    user = make_user(Role.PRACTITIONER)
    only = _key(user)
    assert not security_keys.remove(user, only.pk)
    give_second_factor(user)
    assert security_keys.remove(user, only.pk)
    assert not SecurityKey.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="second_factor_removed", target=f"user:{user.username}").exists()


def test_a_key_alone_is_a_second_factor():
    user = make_user(Role.PRACTITIONER)
    assert not factors.has_second_factor(user)
    _key(user)
    assert factors.has_second_factor(user)


def test_an_administrators_reset_removes_security_keys_too():
    admin = make_user(Role.ADMINISTRATOR)
    user = make_user(Role.PRACTITIONER, agency=admin.agency)
    give_second_factor(user)
    _key(user)
    accounts.reset_second_factor(Actor(admin), user)
    assert not SecurityKey.objects.filter(user=user).exists()
    assert not factors.has_second_factor(user)
