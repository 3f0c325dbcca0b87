"""In Chromium, as people meet them: a new user's invitation, password, authenticator app and recovery codes;
signing in with a code; the lockout page; the timeout warning; and the administrator's pages, each checked
with axe."""

import base64
import re

import pytest
from django.core import mail
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from mast.access.models import Role, Team, User
from mast.administration import accounts
from mast.administration.actor import Actor
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.access import make_agency, make_user
from tests.signing_in import next_code

PASSWORD = "kettle orchard lantern mosaic"
SCREENSHOTS = "var/screenshots"


def shot(page: Page, name: str) -> None:
    page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_an_invited_user_chooses_a_password_sets_up_an_app_and_signs_in_with_a_code(page: Page, settings):
    settings.MAST_BASE_URL = "http://testserver"
    agency = make_agency("Northshire Police")
    admin = make_user(Role.ADMINISTRATOR, agency=agency)
    data = {
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya.shah@police.example",
        "agency": agency,
        "role": Role.PRACTITIONER,
        "team": "",
        "job_title": "",
    }
    user = accounts.create(Actor(admin), data, invite=False)
    accounts.invite_again(Actor(admin), user)
    link = re.search(r"(/set-password/\S+/)", mail.outbox[0].body).group(1)

    page.goto(link)
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("Confirm new password").fill("password1234")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("too common")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm new password").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password is set")

    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    assert_accessible(page)
    shot(page, "mfa-set-up")
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    code = f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}"
    page.get_by_label("Enter the 6-digit code the app shows").fill(code)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    assert_accessible(page)
    shot(page, "mfa-recovery-codes")
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", name="Welcome, Priya Shah")).to_be_visible()

    page.get_by_role("button", name="Sign out").first.click()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    page.get_by_label("Enter the code from your authenticator app").fill("123456")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_accessible(page)
    shot(page, "mfa-code-wrong")
    # django-otp reads no code for a second after a wrong one (doubling after each); a person is slower.
    page.wait_for_timeout(1500)
    page.get_by_label("Enter the code from your authenticator app").fill(
        next_code(User.objects.get(pk=user.pk))
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Welcome, Priya Shah")).to_be_visible()


def test_five_wrong_passwords_show_the_lockout_page(page: Page):
    user = make_user()
    page.goto("/sign-in/")
    for _ in range(5):
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password", exact=True).fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="You cannot sign in for 15 minutes")).to_be_visible()
    assert_accessible(page)
    shot(page, "lockout")


def test_the_timeout_warning_offers_to_stay_signed_in_then_signs_out(page: Page, settings):
    settings.MAST_IDLE_MINUTES = 0.2  # 12 seconds; the warning shows for the last 6
    sign_in(page, make_user())
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=10_000)
    assert_accessible(page)
    shot(page, "timeout-warning")
    with page.expect_response("**/session/keep-alive/") as kept:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()

    page.wait_for_url("**/signed-out/?reason=idle", timeout=20_000)
    expect(page.get_by_role("heading", name="You have been signed out")).to_be_visible()
    assert_accessible(page)
    page.goto("/")
    page.wait_for_url("**/sign-in/?next=/")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_administrators_pages_are_accessible_and_do_what_they_say(page: Page, width):
    page.set_viewport_size({"width": width, "height": 900})
    police = make_agency("Northshire Police", code="northshire-police")
    Team.objects.create(agency=police, name="Response")
    admin = make_user(Role.ADMINISTRATOR, agency=police, first_name="Ada", last_name="Minister")
    leaver = make_user(
        Role.PRACTITIONER, agency=police, first_name="Lee", last_name="Leaver", email="lee@p.example"
    )
    sign_in(page, admin)

    if width < 641:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    assert_accessible(page)
    shot(page, f"admin-users-{width}")

    page.get_by_role("link", name="Add a user").click()
    page.get_by_role("button", name="Add user and send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter their first name")
    assert_accessible(page)
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("Work email address").fill("duty@police.example")
    page.get_by_label("Agency").select_option(label="Northshire Police")
    page.get_by_role("button", name="Add user and send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not a shared or team mailbox")
    shot(page, f"admin-user-errors-{width}")
    page.get_by_label("Work email address").fill("priya.shah@police.example")
    page.get_by_role("button", name="Add user and send invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent an invitation")
    assert_accessible(page)
    shot(page, f"admin-user-{width}")

    page.goto(f"/administration/users/{leaver.pk}/")
    page.get_by_role("link", name="Switch off this account").click()
    assert_accessible(page)
    page.get_by_role("button", name="Switch off account").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is switched off")
    assert not User.objects.get(pk=leaver.pk).is_active

    page.get_by_role("link", name="Back to users").click()
    page.get_by_role("link", name="Agencies and teams").click()
    assert_accessible(page)
    page.get_by_role("link", name="Northshire Police", exact=True).click()
    assert_accessible(page)
    shot(page, f"admin-agency-{width}")
    page.get_by_role("link", name="Add a team").click()
    assert_accessible(page)
    page.get_by_label("Team name").fill("MASH")
    page.get_by_role("button", name="Save team").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Team MASH saved")

    page.goto("/administration/feeds/")
    assert_accessible(page)
    page.goto("/administration/users/import/")
    assert_accessible(page)
    csv = "first_name,last_name,email,agency,role\nTom,Okafor,tom@police.example,northshire-police,admin\n"
    page.get_by_label("Upload a CSV file").set_input_files(
        files=[{"name": "users.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Line 2")
    assert_accessible(page)
    shot(page, f"admin-import-preview-{width}")
