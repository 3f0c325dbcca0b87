"""Security keys and passkeys in Chromium, with Chromium's virtual authenticator (WebAuthn over the DevTools
protocol) standing in for a key: adding one from the account page and signing in with it; a new user whose
first factor is a key; and the pages checked with axe."""

from django.core import mail
from playwright.sync_api import Page, expect

from mast.access.models import Role, SecurityKey
from mast.audit.models import AuditEvent
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.access import DEFAULT_PASSWORD, make_user
from tests.signing_in import next_code

SCREENSHOTS = "var/screenshots"


def plug_in_a_key(page: Page) -> str:
    """A virtual security key that answers as if touched (user present and verified)."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return added["authenticatorId"]


def password_step(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_user_adds_a_security_key_and_signs_in_with_it_instead_of_a_code(page: Page):
    user = make_user(Role.PRACTITIONER, first_name="Nadia", last_name="Okafor")
    plug_in_a_key(page)
    sign_in(page, user)

    page.goto("/account/")
    page.get_by_role("link", name="Add a security key or passkey").click()
    expect(page.get_by_role("heading", name="Add a security key or passkey")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name this key").fill("Blue key on my lanyard")
    page.get_by_role("button", name="Add security key").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("“Blue key on my lanyard” is added")
    expect(page.get_by_test_id("security-keys")).to_contain_text("Blue key on my lanyard")
    assert_accessible(page)
    page.screenshot(path=f"{SCREENSHOTS}/security-key-account.png", full_page=True)

    page.get_by_role("button", name="Sign out").first.click()
    password_step(page, user.username)
    expect(page.get_by_role("heading", name="Use your security key")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=f"{SCREENSHOTS}/security-key-sign-in.png", full_page=True)
    page.get_by_role("button", name="Use security key").click()
    expect(page.get_by_role("heading", name="Welcome, Nadia Okafor")).to_be_visible()

    used = AuditEvent.objects.filter(action="sign_in_second_factor", target=f"user:{user.username}").last()
    assert used.detail["factor"] == "security_key"
    assert SecurityKey.objects.get(user=user).last_used_at is not None


def test_a_key_that_is_not_registered_is_refused_and_the_code_still_works(page: Page):
    user = make_user(Role.PRACTITIONER, first_name="Ola", last_name="Berg")
    sign_in(page, user)
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    first = plug_in_a_key(page)
    page.goto("/account/security-keys/new/")
    page.get_by_role("button", name="Add security key").click()
    expect(page.get_by_test_id("security-keys")).to_contain_text("Security key")
    page.get_by_role("button", name="Sign out").first.click()

    # The registered key is unplugged and another put in its place: it holds no credential for MAST.
    devtools.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": first})
    plug_in_a_key(page)
    password_step(page, user.username)
    page.get_by_role("button", name="Use security key").click()
    expect(page.get_by_role("heading", name="Your security key did not answer")).to_be_visible(timeout=70_000)
    assert_accessible(page)
    page.get_by_label("Enter the code from your authenticator app").fill(next_code(user))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Welcome, Ola Berg")).to_be_visible()


def test_a_new_user_can_make_a_passkey_their_first_factor_and_gets_recovery_codes(page: Page):
    user = make_user(Role.PRACTITIONER, first_name="Tom", last_name="Reyes")
    mail.outbox.clear()
    plug_in_a_key(page)
    password_step(page, user.username)
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    page.get_by_role("link", name="Use a security key or passkey instead").click()
    page.get_by_label("Name this key").fill("Work laptop")
    page.get_by_role("button", name="Add security key").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", name="Welcome, Tom Reyes")).to_be_visible()
    assert SecurityKey.objects.filter(user=user, name="Work laptop").exists()
