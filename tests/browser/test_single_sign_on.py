"""Signing in with an agency's work account, against a real OpenID Connect provider that the test starts on
loopback (panva's oidc-provider, in Node: tests/sso/provider.mjs), not a mock of the protocol: MAST
discovers it, sends the browser there with state, nonce and PKCE, and checks the signed ID token it gets
back. Then MAST's own second factor, as for a password."""

import select
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mast.access.models import Role, SingleSignOn
from mast.audit.models import AuditEvent
from tests.browser.conftest import assert_accessible
from tests.factories.access import make_agency, make_user
from tests.signing_in import give_second_factor, next_code

PROVIDER = Path(__file__).resolve().parents[1] / "sso" / "provider.mjs"
SECRET_VARIABLE = "MAST_TEST_SSO_SECRET"
SECRET = "a-test-only-client-secret-for-loopback"
AGENCY = "northshire-police"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def provider(live_server, monkeypatch):
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to run the test OpenID Connect provider (`make setup` installs it).")
    issuer = f"http://127.0.0.1:{_free_port()}"
    back = f"{live_server.url}/sign-in/work-account/{AGENCY}/back/"
    process = subprocess.Popen(
        [node, str(PROVIDER), issuer, "mast", SECRET, back],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready and "ready" in process.stdout.readline():
            break
        if process.poll() is not None:
            pytest.fail("The test OpenID Connect provider stopped: is `npm ci` done (oidc-provider)?")
    else:
        process.kill()
        pytest.fail("The test OpenID Connect provider did not start within 20 seconds.")
    monkeypatch.setenv(SECRET_VARIABLE, SECRET)
    yield issuer
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def police(provider):
    agency = make_agency("Northshire Police", code=AGENCY)
    SingleSignOn.objects.create(
        agency=agency,
        issuer=provider,
        client_id="mast",
        secret_variable=SECRET_VARIABLE,
        email_domains="police.example",
    )
    return agency


def sign_in_at_the_provider(page: Page, login: str) -> None:
    # The provider's development pages ask for a web font; nothing here leaves loopback.
    page.route(
        "**/*",
        lambda route: (
            route.abort()
            if "127.0.0.1" not in route.request.url and "localhost" not in route.request.url
            else route.continue_()
        ),
    )
    page.goto("/sign-in/")
    page.get_by_role("link", name="Sign in with your Northshire Police account").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything: the test provider takes any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def test_a_practitioner_signs_in_with_their_work_account_then_their_second_factor(page: Page, police):
    user = make_user(
        Role.PRACTITIONER,
        agency=police,
        first_name="Priya",
        last_name="Shah",
        email="Priya.Shah@police.example",
    )
    give_second_factor(user)
    page.goto("/sign-in/")
    assert_accessible(page)

    sign_in_at_the_provider(page, "priya.shah@police.example")
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    page.get_by_label("Enter the code from your authenticator app").fill(next_code(user))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Welcome, Priya Shah")).to_be_visible()

    actions = list(AuditEvent.objects.filter(target=f"user:{user.username}").values_list("action", flat=True))
    assert actions[:2] == ["sign_in_single_sign_on", "sign_in_second_factor"]


@pytest.mark.parametrize(
    ("login", "says", "reason"),
    [
        ("nobody.here@police.example", "There is no MAST account", "no account for this email"),
        ("unverified.priya.shah@police.example", "verified email address", "no verified email"),
        (
            "priya.shah@elsewhere.example",
            "only for email addresses at police.example",
            "email domain not allowed",
        ),
    ],
)
def test_no_account_is_made_and_nobody_is_signed_in_without_a_verified_matching_email(
    page: Page, police, login, says, reason
):
    make_user(Role.PRACTITIONER, agency=police, email="priya.shah@police.example")
    sign_in_at_the_provider(page, login)
    expect(page.get_by_role("heading", name="You could not sign in with your work account")).to_be_visible()
    expect(page.get_by_test_id("refusal")).to_contain_text(says)
    assert_accessible(page)
    refused = AuditEvent.objects.filter(action="sign_in_failed", target=f"agency:{AGENCY}").last()
    assert refused.detail == {"reason": f"single sign-on: {reason}"}
    page.goto("/")
    assert "/sign-in/" in page.url
