"""Signing in and out, and what a signed-in user first sees."""

import pytest
from django.urls import reverse

from mast.access.models import Role
from mast.access.services import capabilities
from tests.factories.access import DEFAULT_PASSWORD, make_agency, make_user
from tests.signing_in import give_second_factor, next_code, signed_in_with_factor

pytestmark = pytest.mark.django_db

# One phrase per role that only that role's home page shows.
DISTINCTIVE = {
    Role.PRACTITIONER: "Search for a person, family or address",
    Role.FEED_OWNER: "Upload a feed file",
    Role.IG_OFFICER: "Read the audit log",
    Role.ADMINISTRATOR: "Manage users",
    Role.ANALYST: "You cannot see any person&#x27;s details",
}


def sign_in(client, username, password):
    return client.post(reverse("web:sign-in"), {"username": username, "password": password}, follow=True)


def enter_code(client, user, **extra):
    return client.post(reverse("web:second-factor"), {"code": next_code(user), **extra}, follow=True)


def test_someone_not_signed_in_is_sent_from_home_to_sign_in(client):
    response = client.get(reverse("web:home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:sign-in')}?next=/"


def test_the_sign_in_page_is_a_govuk_form_with_labels_and_autocomplete(client):
    html = client.get(reverse("web:sign-in")).content.decode()

    assert '<label class="govuk-label" for="id_username">Username</label>' in html
    assert '<label class="govuk-label" for="id_password">Password</label>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "autofocus" not in html
    assert "govuk-error-summary" not in html


@pytest.mark.parametrize("role", list(Role))
def test_signing_in_lands_on_home_with_the_roles_capabilities(client, role):
    agency = make_agency("Northshire Police")
    user = make_user(role=role, agency=agency, first_name="Alex", last_name="Morgan")
    give_second_factor(user)

    response = sign_in(client, user.username, DEFAULT_PASSWORD)
    assert response.redirect_chain[-1][0] == reverse("web:second-factor")
    response = enter_code(client, user)

    assert response.redirect_chain[-1][0] == reverse("web:home")
    html = response.content.decode()
    assert "Welcome, Alex Morgan" in html
    assert role.label.replace("'", "&#x27;") in html
    assert "Northshire Police" in html
    assert DISTINCTIVE[role] in html
    for other_role, phrase in DISTINCTIVE.items():
        if other_role != role:
            assert phrase not in html
    # What is built is a link; what is not says so rather than linking to a missing page.
    for capability in capabilities(user):
        if capability.available:
            assert f'href="{reverse(capability.url_name)}"' in html
        else:
            assert "Coming soon" in html


def test_signing_in_returns_to_the_page_asked_for_after_the_second_factor(client):
    user = make_user()
    give_second_factor(user)
    response = client.post(
        reverse("web:sign-in"), {"username": user.username, "password": DEFAULT_PASSWORD, "next": "/alerts/"}
    )
    assert response["Location"] == f"{reverse('web:second-factor')}?next=%2Falerts%2F"

    response = client.post(reverse("web:second-factor"), {"code": next_code(user), "next": "/alerts/"})

    assert response["Location"] == "/alerts/"


def test_a_next_address_off_the_site_is_ignored(client):
    user = make_user()
    give_second_factor(user)
    client.post(reverse("web:sign-in"), {"username": user.username, "password": DEFAULT_PASSWORD})

    response = client.post(
        reverse("web:second-factor"), {"code": next_code(user), "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("web:home")


def test_a_wrong_password_shows_the_error_summary_and_does_not_sign_in(client):
    user = make_user()

    response = sign_in(client, user.username, "not-the-password")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Sign in " in html
    assert 'class="govuk-error-summary"' in html
    assert "There is a problem" in html
    assert '<a href="#id_username">The username or password is not right.' in html
    assert 'aria-describedby="id_username-error"' in html
    # The username typed is kept; the password is never sent back.
    assert f'value="{user.username}"' in html
    assert "not-the-password" not in html
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:home")).status_code == 302


def test_empty_fields_are_each_named_in_the_error_summary(client):
    html = sign_in(client, "", "").content.decode()

    assert '<a href="#id_username">Enter your username</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


def test_a_switched_off_account_cannot_sign_in(client):
    user = make_user(is_active=False)

    html = sign_in(client, user.username, DEFAULT_PASSWORD).content.decode()

    assert "govuk-error-summary" in html
    assert "_auth_user_id" not in client.session


def test_someone_already_signed_in_is_sent_home_from_sign_in(client):
    signed_in_with_factor(client, make_user())
    response = client.get(reverse("web:sign-in"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_signing_out_by_post_signs_out(client):
    signed_in_with_factor(client, make_user())

    response = client.post(reverse("web:sign-out"))

    assert response.status_code == 302
    assert response["Location"] == reverse("web:sign-in")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:home")).status_code == 302


def test_signing_out_by_get_is_refused(client):
    signed_in_with_factor(client, make_user())

    response = client.get(reverse("web:sign-out"))

    assert response.status_code == 405
    assert client.get(reverse("web:home")).status_code == 200


def test_the_navigation_shows_who_is_signed_in_and_a_sign_out_form(client):
    user = make_user(
        agency=make_agency("Northshire Fire and Rescue Service"), first_name="Jo", last_name="Bloggs"
    )
    signed_in_with_factor(client, user)

    html = client.get(reverse("web:home")).content.decode()

    assert "Jo Bloggs, Northshire Fire and Rescue Service" in html
    assert f'<form class="mast-sign-out" method="post" action="{reverse("web:sign-out")}">' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize("step", ["web:second-factor", "web:second-factor-setup"])
def test_with_only_a_password_given_the_navigation_offers_only_sign_out(client, step):
    user = make_user(role=Role.PRACTITIONER, first_name="Jo", last_name="Bloggs")
    if step == "web:second-factor":
        give_second_factor(user)
    sign_in(client, user.username, DEFAULT_PASSWORD)

    html = client.get(reverse(step)).content.decode()

    assert f'<form class="mast-sign-out" method="post" action="{reverse("web:sign-out")}">' in html
    # Home, Search, Requests, Alerts and the account page would each lead back to this page.
    for leads_back in ("web:home", "web:search", "web:requests-inbox", "web:alerts", "web:account"):
        assert f'class="govuk-service-navigation__link" href="{reverse(leads_back)}"' not in html
    assert "Jo Bloggs" not in html


def test_what_a_user_typed_is_escaped(client):
    agency = make_agency("<b>Agency</b>")
    signed_in_with_factor(
        client, make_user(agency=agency, first_name="<script>alert(1)</script>", last_name="")
    )

    html = client.get(reverse("web:home")).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Agency</b>" not in html
    assert "&lt;b&gt;Agency&lt;/b&gt;" in html
