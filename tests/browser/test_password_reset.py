"""A forgotten password, in Chromium: the user asks for a link by work email, chooses a new password with it,
and still meets their second factor before anything else. The pages checked with axe."""

import re

from django.core import mail
from playwright.sync_api import Page, expect

from mast.access.models import Role
from tests.browser.conftest import assert_accessible
from tests.factories.access import make_user
from tests.signing_in import give_second_factor, next_code

NEW_PASSWORD = "harbour violet compass thimble"


def test_a_user_resets_their_password_by_email_and_still_needs_their_second_factor(page: Page, settings):
    settings.MAST_BASE_URL = "http://testserver"
    user = make_user(Role.PRACTITIONER, first_name="Jo", last_name="Marsh", email="jo.marsh@council.example")
    give_second_factor(user)
    mail.outbox.clear()

    page.goto("/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your work email address")
    assert_accessible(page)
    page.get_by_label("Your work email address").fill("Jo.Marsh@council.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    assert [m.to for m in mail.outbox] == [["jo.marsh@council.example"]]
    body = mail.outbox[0].body
    assert "still need your authenticator app" in body
    page.goto(re.search(r"http://testserver(/set-password/\S+/)", body).group(1))
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()

    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    # The password alone opens nothing: any page sends them back to the code.
    page.goto("/search/")
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    page.get_by_label("Enter the code from your authenticator app").fill(next_code(user))
    page.get_by_role("button", name="Continue").click()
    # On to the page they asked for, now that both steps are done.
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    assert "/sign-in/" not in page.url and ("/search/" in page.url or "/purpose/" in page.url)


def test_an_address_without_an_account_sees_the_same_page_and_no_email_is_sent(page: Page):
    mail.outbox.clear()
    page.goto("/forgotten-password/")
    page.get_by_label("Your work email address").fill("nobody@council.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert mail.outbox == []
