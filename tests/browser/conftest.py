"""Browser tests: Playwright drives Debian's Chromium against a live MAST server; axe-core checks each page.

Fixtures and helpers for every browser test:

- `browser` (module-scoped): headless Chromium from /usr/bin/chromium (or $MAST_CHROMIUM). Playwright never
  downloads a browser here; if Chromium is missing the tests fail and say how to install it. They never skip.
- `page` (per test): a fresh browser context (no cookies) whose relative URLs go to pytest-django's
  `live_server`, so `page.goto("/feeds/")` works. Using it gives the test transactional database access.
- `sign_in(page, user_or_username, password=DEFAULT_PASSWORD)`: signs in through the real sign-in form and
  the second-factor page, with a code from the test authenticator app (tests/signing_in.py) it gives the user.
- `assert_accessible(page)`: checks GOV.UK Frontend's CSS and JavaScript loaded (so the check is of the page
  users see), then runs axe-core for WCAG 2.2 A and AA and fails listing every violation.

Import the helpers with `from tests.browser.conftest import assert_accessible, sign_in`.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from weakref import WeakKeyDictionary

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Response, sync_playwright

from mast.access.models import User
from mast.config.paths import NODE_MODULES_DIR
from tests.factories.access import DEFAULT_PASSWORD
from tests.signing_in import give_second_factor, next_code

CHROMIUM = Path(os.environ.get("MAST_CHROMIUM", "/usr/bin/chromium"))
AXE_SCRIPT = NODE_MODULES_DIR / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what public-sector accessibility regulations ask for.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

# Problems each page met while loading (blocked by CSP, a missing stylesheet, a script error), checked by
# assert_accessible: a page whose CSS did not load would pass colour-contrast checks it should fail.
_problems: "WeakKeyDictionary[Page, list[str]]" = WeakKeyDictionary()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: the browser tests need Debian's chromium package "
            "(`make test` installs it; or `apt-get install chromium`, or set MAST_CHROMIUM).",
            pytrace=False,
        )
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is not at {AXE_SCRIPT}: run `make setup` (npm ci).", pytrace=False)
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an asyncio loop running in this thread while it is started, and Django
        # refuses ORM calls from a thread with a running loop. The loop only drives the browser, so the
        # tests' own ORM calls (factories, assertions) are safe; the setting lasts only as long as Playwright.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as driver:
            yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # Chromium's sandbox cannot start as root (as CI runs); /dev/shm may be small in containers.
    args = ["--disable-dev-shm-usage", *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    problems: list[str] = []
    _problems[new_page] = problems

    def on_console(message: ConsoleMessage) -> None:
        # A CSP refusal is only reported on the console; other console errors include the expected
        # "failed to load resource" of a page that is meant to be a 404.
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"blocked by the Content Security Policy: {message.text}")

    def on_response(response: Response) -> None:
        if "/static/" in response.url and response.status >= 400:
            problems.append(f"{response.url} answered {response.status}")

    new_page.on("console", on_console)
    new_page.on("response", on_response)
    new_page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    yield new_page
    context.close()


def sign_in(page: Page, user: User | str, password: str = DEFAULT_PASSWORD) -> Page:
    """Sign in through the sign-in and second-factor pages as `user` (a User or a username) and wait for
    the page after them."""
    user = User.objects.get(username=user) if isinstance(user, str) else user
    give_second_factor(user)
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/code/**")
    page.get_by_label("Enter the code from your authenticator app").fill(next_code(user))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    return page


_GOVUK_LOADED = """() => {
  const css = [...document.styleSheets].some(
    (sheet) => (sheet.href || '').includes('/govuk-frontend') && sheet.cssRules.length > 0
  );
  // GOV.UK Frontend marks each component it starts with data-<module>-init.
  const notStarted = [...document.querySelectorAll('[data-module^="govuk-"]')]
    .filter((el) => !el.hasAttribute(`data-${el.dataset.module}-init`))
    .map((el) => el.dataset.module);
  return { css, notStarted };
}"""


def _last_line(text: str) -> str:
    # axe's failure summary starts "Fix any of the following:"; its last line says what is wrong.
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _describe(violation: dict) -> str:
    nodes = "\n".join(
        f"      {' '.join(map(str, node['target']))}: {_last_line(node.get('failureSummary', ''))}"
        for node in violation["nodes"]
    )
    return f"  {violation['id']} ({violation.get('impact')}): {violation['help']}\n{nodes}"


def assert_accessible(page: Page) -> None:
    """Fail unless the page, as loaded with GOV.UK's styles and scripts, has no WCAG 2.2 A/AA violations."""
    page.wait_for_load_state("load")
    problems = _problems.get(page, [])
    assert not problems, f"{page.url} did not load cleanly:\n" + "\n".join(problems)
    loaded = page.evaluate(_GOVUK_LOADED)
    assert loaded["css"], f"{page.url}: GOV.UK Frontend's stylesheet did not load"
    assert not loaded["notStarted"], (
        f"{page.url}: GOV.UK Frontend's JavaScript did not start {', '.join(loaded['notStarted'])}"
    )
    # Evaluated through the DevTools protocol rather than added as a <script>, which MAST's CSP would block.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        list(AXE_TAGS),
    )
    violations = results["violations"]
    assert not violations, (
        f"axe found {len(violations)} accessibility violation(s) on {page.url}:\n"
        + "\n".join(_describe(v) for v in violations)
    )


def no_sideways_scroll(page: Page, width: int) -> None:
    """On a screen `width` pixels wide the page fits: nothing to scroll sideways to."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide on a {width} px screen"
