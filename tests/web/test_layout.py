"""Pages use the GOV.UK layout, the phase banner says when data is synthetic, public pages are public."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db

GOVUK_LAYOUT = (
    '<html lang="en-GB" class="govuk-template">',
    '<body class="govuk-template__body">',
    '<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>',
    'class="govuk-generic-header__homepage-link">MAST</a>',
    '<main class="govuk-main-wrapper" id="main-content">',
    '<a class="govuk-footer__link" href="/cookies/">Cookies</a>',
    '<a class="govuk-footer__link" href="/accessibility/">Accessibility statement</a>',
    "/static/govuk/govuk-frontend.min.css",
)


def assert_govuk_layout(html: str) -> None:
    for fragment in GOVUK_LAYOUT:
        assert fragment in html


@override_settings(DEMO=True)
def test_the_demo_banner_says_the_data_is_synthetic(client):
    html = client.get(reverse("web:sign-in")).content.decode()

    assert "govuk-phase-banner" in html
    assert "All the data in this service is synthetic" in html
    assert "It contains no real person's details." in html


@override_settings(DEMO=False)
def test_outside_the_demo_the_banner_says_beta_and_nothing_about_synthetic_data(client):
    html = client.get(reverse("web:sign-in")).content.decode()

    assert '<strong class="govuk-tag govuk-phase-banner__content__tag">Beta</strong>' in html
    assert "synthetic" not in html


@pytest.mark.parametrize("name", ["web:cookies", "web:accessibility", "web:sign-in"])
def test_public_pages_need_no_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert_govuk_layout(response.content.decode())


def test_the_cookies_page_names_the_two_cookies_mast_sets(client, settings):
    html = client.get(reverse("web:cookies")).content.decode()

    assert settings.SESSION_COOKIE_NAME in html
    assert settings.CSRF_COOKIE_NAME in html
    assert "30 minutes without using MAST, and in any case 10 hours after you signed in" in html
    assert "does not use analytics" in html


def test_the_accessibility_statement_says_it_has_not_been_audited(client):
    html = client.get(reverse("web:accessibility")).content.decode()

    assert "Accessibility statement for MAST" in html
    assert "has not yet been audited" in html


def test_a_missing_page_is_a_govuk_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert_govuk_layout(html)
    assert "Page not found" in html


def test_a_refused_form_is_explained_in_the_govuk_layout():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("web:sign-in"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    html = response.content.decode()
    assert_govuk_layout(html)
    assert "MAST could not accept that form" in html


def test_the_500_page_renders_with_no_request_and_no_user_content():
    html = render_to_string("500.html")

    assert_govuk_layout(html)
    assert "Sorry, there is a problem with the service" in html
    # No request means no CSP nonce, so the page carries no script at all.
    assert "<script" not in html
    assert "Sign out" not in html


def test_djangos_500_handler_uses_it():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


@pytest.mark.parametrize(
    ("template", "heading"),
    [("400.html", "problem with your request"), ("403.html", "You cannot see this page")],
)
def test_the_other_error_pages_use_the_govuk_layout(rf, template, heading):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_to_string(template, request=request)

    assert_govuk_layout(html)
    assert heading in html
