"""The second factor, as someone signing in meets it: nothing but its pages after a password, set-up at the
first sign-in, codes that work once, recovery codes kept only as hashes, and a session key that changes."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mast.access.models import RecoveryCodes, Role, hash_recovery_code
from mast.audit.models import AuditEvent
from tests.factories.access import DEFAULT_PASSWORD, make_user
from tests.signing_in import give_second_factor, next_code

pytestmark = pytest.mark.django_db


def password_only(client, user):
    response = client.post(reverse("web:sign-in"), {"username": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return response


def set_up_app(client, user) -> list[str]:
    """Through the set-up page as a new user would: read the secret off the page, answer with a code."""
    html = client.get(reverse("web:second-factor-setup")).content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    import base64

    code = f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}"
    html = client.post(reverse("web:second-factor-setup"), {"code": code}).content.decode()
    return re.findall(r"<li><code>([A-Z2-9-]{19})</code></li>", html)


@pytest.mark.parametrize("name", ["search", "alerts", "requests-inbox", "home", "audit-log", "admin-users"])
def test_a_password_alone_reaches_nothing_but_the_second_factor(client, name):
    user = make_user(Role.PRACTITIONER)
    give_second_factor(user)
    password_only(client, user)

    response = client.get(reverse(f"web:{name}"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:second-factor"))


def test_a_user_without_a_second_factor_is_sent_to_set_one_up(client):
    user = make_user()
    response = password_only(client, user)
    assert response["Location"] == reverse("web:second-factor-setup")
    assert client.get(reverse("web:search"))["Location"].startswith(reverse("web:second-factor-setup"))
    # Nor can they skip set-up by going to the code page.
    assert client.get(reverse("web:second-factor"))["Location"] == reverse("web:second-factor-setup")


def test_setting_up_an_app_shows_ten_recovery_codes_once_and_keeps_only_their_hashes(client):
    user = make_user()
    password_only(client, user)

    codes = set_up_app(client, user)

    assert len(codes) == 10 and len(set(codes)) == 10
    stored = RecoveryCodes.objects.get(user=user)
    assert sorted(stored.hashes) == sorted(hash_recovery_code(c) for c in codes)
    assert not any(code in str(stored.hashes) for code in codes)
    assert client.get(reverse("web:home")).status_code == 200
    events = list(AuditEvent.objects.filter(target=f"user:{user.username}").values_list("action", flat=True))
    assert "second_factor_added" in events


def test_a_wrong_set_up_code_is_refused_and_the_same_secret_is_offered_again(client):
    user = make_user()
    password_only(client, user)
    client.get(reverse("web:second-factor-setup"))
    pending = TOTPDevice.objects.get(user=user, confirmed=False)

    html = client.post(reverse("web:second-factor-setup"), {"code": "000000"}).content.decode()

    assert "The code is not right" in html
    assert TOTPDevice.objects.get(user=user, confirmed=False).key == pending.key
    assert client.get(reverse("web:home")).status_code == 302


def test_a_code_from_the_app_signs_in_and_cannot_be_used_twice(client):
    user = make_user()
    give_second_factor(user)
    password_only(client, user)
    code = next_code(user)
    assert client.post(reverse("web:second-factor"), {"code": code})["Location"] == reverse("web:home")
    client.post(reverse("web:sign-out"))

    password_only(client, user)
    html = client.post(reverse("web:second-factor"), {"code": code}).content.decode()

    assert "has been used already" in html
    assert client.get(reverse("web:home")).status_code == 302
    failed = AuditEvent.objects.filter(action="second_factor_failed", target=f"user:{user.username}").get()
    assert failed.outcome == "denied" and failed.detail["factor"] == "totp"
    assert code not in str(failed.detail)


def test_a_recovery_code_works_once(client):
    user = make_user()
    password_only(client, user)
    codes = set_up_app(client, user)
    client.post(reverse("web:sign-out"))

    password_only(client, user)
    response = client.post(reverse("web:second-factor"), {"code": codes[3].lower()}, follow=True)
    assert "You have 9 left" in response.content.decode()
    client.post(reverse("web:sign-out"))

    password_only(client, user)
    html = client.post(reverse("web:second-factor"), {"code": codes[3]}).content.decode()
    assert "The code is not right" in html
    assert RecoveryCodes.objects.get(user=user).remaining == 9


def test_the_session_key_changes_at_the_password_and_again_at_the_second_factor(client):
    user = make_user()
    give_second_factor(user)
    client.get(reverse("web:sign-in"))
    client.session.save()
    before = client.session.session_key

    password_only(client, user)
    after_password = client.session.session_key
    client.post(reverse("web:second-factor"), {"code": next_code(user)})
    after_code = client.session.session_key

    assert len({before, after_password, after_code}) == 3


def test_signing_in_and_out_is_audited_without_secrets(client):
    user = make_user()
    give_second_factor(user)
    password_only(client, user)
    code = next_code(user)
    client.post(reverse("web:second-factor"), {"code": code})
    client.post(reverse("web:sign-out"))

    events = AuditEvent.objects.filter(target=f"user:{user.username}").order_by("sequence")
    assert [e.action for e in events] == ["sign_in_password", "sign_in_second_factor", "sign_out"]
    assert all(e.ip_address == "127.0.0.1" and e.username == user.username for e in events)
    assert events[1].detail == {"factor": "totp"}
    assert not any(DEFAULT_PASSWORD in str(e.detail) or code in str(e.detail) for e in events)


def test_a_user_can_get_new_recovery_codes_and_the_old_ones_stop_working(client):
    user = make_user()
    password_only(client, user)
    old = set_up_app(client, user)

    html = client.post(reverse("web:account")).content.decode()
    new = re.findall(r"<li><code>([A-Z2-9-]{19})</code></li>", html)

    assert len(new) == 10 and not set(new) & set(old)
    assert RecoveryCodes.objects.get(user=user).verify_token(old[0]) is False
