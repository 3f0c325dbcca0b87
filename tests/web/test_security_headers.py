"""Every page carries the security headers, and the CSP nonce is the one on the page's inline scripts."""

import re

import pytest
from django.urls import reverse

from tests.factories.access import make_user
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    signed_in_with_factor(client, make_user())
    return client


def pages(client):
    yield client.get(reverse("web:sign-in"))
    yield client.get(reverse("web:cookies"))
    yield client.get("/no-such-page/")


def test_the_csp_nonce_matches_every_inline_script(client):
    response = client.get(reverse("web:sign-in"))

    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert len(scripts) == 2
    for script in scripts:
        assert f'nonce="{nonce}"' in script


def test_each_response_has_a_fresh_nonce(client):
    first = client.get(reverse("web:sign-in"))["Content-Security-Policy"]
    second = client.get(reverse("web:sign-in"))["Content-Security-Policy"]
    assert first != second


def test_the_csp_allows_only_this_site_and_the_nonce(client):
    csp = client.get(reverse("web:sign-in"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())

    assert directives["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[^']+'", directives["script-src"])
    assert directives["style-src"] == "'self'"
    assert directives["font-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp


@pytest.mark.parametrize("who", ["anonymous", "signed in"])
def test_the_security_headers_are_on_every_page(client, who):
    if who == "signed in":
        signed_in_with_factor(client, make_user())
    responses = list(pages(client))
    if who == "signed in":
        responses.append(client.get(reverse("web:home")))

    for response in responses:
        assert "Content-Security-Policy" in response
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]


def test_the_home_page_scripts_carry_the_nonce_too(signed_in):
    response = signed_in.get(reverse("web:home"))

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    for script in re.findall(r"<script\b[^>]*>", response.content.decode()):
        assert f'nonce="{nonce}"' in script
