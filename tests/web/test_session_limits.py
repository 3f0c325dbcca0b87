"""How long a sign-in lasts: 30 minutes idle, 10 hours whatever happens; and a leaver's sessions end the
moment their account, or their agency, is switched off."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from mast.access.models import Role
from mast.access.sessions import SIGNED_IN_AT
from mast.administration import accounts, agencies
from mast.administration.actor import Actor
from tests.factories.access import make_user
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


def test_a_session_lasts_thirty_idle_minutes_renewed_by_each_request(client):
    signed_in_with_factor(client, make_user())
    client.get(reverse("web:home"))
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_an_idle_session_that_expired_is_signed_out(client):
    signed_in_with_factor(client, make_user())
    client.get(reverse("web:home"))
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:sign-in"))


def test_a_session_ends_ten_hours_after_signing_in_however_busy(client):
    signed_in_with_factor(client, make_user())
    client.get(reverse("web:home"))
    session = client.session
    session[SIGNED_IN_AT] = (timezone.now() - timedelta(hours=10, minutes=1)).isoformat()
    session.save()

    response = client.get(reverse("web:home"))

    assert response["Location"] == f"{reverse('web:signed-out')}?reason=absolute"
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:sign-in"))


def test_the_page_warns_a_minute_before_the_idle_limit(client):
    signed_in_with_factor(client, make_user())
    html = client.get(reverse("web:home")).content.decode()
    assert 'data-idle-seconds="1800"' in html
    assert 'data-warn-seconds="60"' in html
    assert "You will be signed out soon" in html


def test_switching_off_a_leaver_ends_every_session_they_have_at_once(client, django_user_model):
    from django.test import Client

    leaver = make_user(Role.PRACTITIONER)
    admin = make_user(Role.ADMINISTRATOR)
    laptop, phone = signed_in_with_factor(Client(), leaver), signed_in_with_factor(Client(), leaver)
    assert laptop.get(reverse("web:alerts")).status_code == 200
    phone.get(reverse("web:home"))

    ended = accounts.disable(Actor(user=admin), leaver)

    assert ended == 2
    assert laptop.get(reverse("web:alerts"))["Location"].startswith(reverse("web:sign-in"))
    assert phone.get(reverse("web:home"))["Location"].startswith(reverse("web:sign-in"))


def test_switching_off_an_agency_ends_its_users_sessions_and_refuses_their_sign_in(client):
    from tests.factories.access import DEFAULT_PASSWORD

    user = make_user(Role.PRACTITIONER)
    admin = make_user(Role.ADMINISTRATOR)
    signed_in_with_factor(client, user)
    client.get(reverse("web:home"))

    agencies.set_agency_active(Actor(user=admin), user.agency, False)

    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:sign-in"))
    response = client.post(reverse("web:sign-in"), {"username": user.username, "password": DEFAULT_PASSWORD})
    assert (
        response.status_code == 200 and "The username or password is not right" in response.content.decode()
    )


def test_the_administrators_count_of_live_sessions_forgets_signed_out_and_expired_ones(client):
    from django.test import Client

    from mast.access import sessions
    from mast.access.models import SignedInSession

    user = make_user()
    signed_in_with_factor(client, user)
    client.get(reverse("web:home"))
    other = signed_in_with_factor(Client(), user)
    other.get(reverse("web:home"))
    assert sessions.live_count(user) == 2

    client.post(reverse("web:sign-out"))
    assert sessions.live_count(user) == 1

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert sessions.forget_expired() == 1
    assert not SignedInSession.objects.exists()
