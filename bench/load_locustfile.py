"""Locust's virtual practitioners for the load test (bench/load.py runs this file; not a test of its own).

Each virtual user signs in once (password, then a code from the demo's authenticator secret), states a
purpose, then at a steady pace searches, opens the person pages its searches found and reads the request
inbox. One task in 46 is
a whole new sign-in, in a browser session of its own, by another of the load accounts in turn, so that each
account signs in at most once per 30-second code. A practitioner signs in once or twice a shift and opens
dozens of pages in between; one new sign-in in every 63 requests is still many times that, and each costs
the server a third of a second of CPU on purpose (PBKDF2, Django's default of a million iterations). The
first version had one in ten tasks (one request in five) sign in: the hashing alone wanted more than a core
at 50 requests a second. The plan (accounts, people, purpose) comes from
bench/load_child.py through MAST_LOAD_PLAN.

Behind nginx MAST sees https; here the requests say so themselves (X-Forwarded-Proto, the server trusting
loopback as its proxy), and the cookie jar is told to send MAST's Secure cookies over loopback.
"""

import base64
import itertools
import json
import os
import random
import re
import time
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlsplit

from django_otp.oath import totp
from locust import HttpUser, constant_throughput, events, task
from locust.clients import HttpSession

PLAN = json.loads(open(os.environ["MAST_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
KEY = base64.b32decode(PLAN["totp_secret"])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Tasks per second per virtual user, set by bench/load.py from the rate asked for.
PACE = float(os.environ.get("MAST_LOAD_TASKS_PER_USER", "1.7"))
_accounts = itertools.cycle(PLAN["accounts"])
_last_sign_in: dict[str, float] = {}


# MAST in production marks its cookies Secure, and behind nginx the browser only ever speaks https. This
# client speaks http to loopback, so it is told to send Secure cookies anyway — for every cookie jar in this
# process, since requests makes a new jar for each request and each redirect. Only this load-test client.
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


def _path(response) -> str:
    return urlsplit(response.url).path


def _code(step_offset: int = 0) -> str:
    return f"{totp(KEY, step=30, drift=step_offset):06d}"


def _csrf(response) -> str:
    found = CSRF.search(response.text)
    if not found:
        raise RuntimeError(f"no CSRF token on {response.url}")
    return found.group(1)


def sign_in(client, username: str) -> None:
    """Password, then a code; the response is checked for the page a signed-in user sees."""
    # A code is good once per account: wait out the 30 seconds since this account's last sign-in.
    wait = _last_sign_in.get(username, 0) + 31 - time.time()
    if wait > 0:
        time.sleep(wait)
    page = client.get("/sign-in/", name="sign-in: page")
    with client.post(
        "/sign-in/",
        {"username": username, "password": PLAN["password"], "csrfmiddlewaretoken": _csrf(page)},
        name="sign-in: password",
        catch_response=True,
    ) as response:
        if _path(response) != "/sign-in/code/":
            response.failure("the password step did not lead to the code")
            return
        token = _csrf(response)
    with client.post(
        "/sign-in/code/",
        {"code": _code(), "csrfmiddlewaretoken": token},
        name="sign-in: code",
        catch_response=True,
    ) as response:
        if _path(response).startswith("/sign-in/"):
            response.failure("the code was refused")
    _last_sign_in[username] = time.time()


class Practitioner(HttpUser):
    wait_time = constant_throughput(PACE)

    def on_start(self) -> None:
        self.found: list[dict] = []
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": self.host})
        sign_in(self.client, next(_accounts))
        page = self.client.get("/purpose/", name="purpose: page")
        with self.client.post(
            "/purpose/",
            {"reference": PLAN["reference"], "reason": PLAN["reason"], "csrfmiddlewaretoken": _csrf(page)},
            name="purpose: stated",
            catch_response=True,
        ) as response:
            if _path(response) != "/search/":
                response.failure(
                    f"the purpose was not accepted ({response.status_code} at {_path(response)})"
                )

    @task(15)
    def search(self) -> None:
        person = random.choice(PLAN["people"])
        page = self.client.get("/search/", name="search: page")
        with self.client.post(
            "/search/",
            {
                "given_name": person["given"],
                "family_name": person["family"],
                "csrfmiddlewaretoken": _csrf(page),
            },
            name="search: results",
            catch_response=True,
        ) as response:
            if not _path(response).startswith("/search/") or response.status_code != 200:
                response.failure(f"search answered {response.status_code} at {_path(response)}")
            elif person["id"] in response.text:
                self.found.append(person)

    @task(20)
    def person_page(self) -> None:
        # As a practitioner does, from what a search found: a page opened by its address alone is what
        # MAST's misuse rules look for (mast.oversight.rules.unsearched), and would raise an alert each time.
        person = random.choice(self.found or PLAN["people"])
        with self.client.get(f"/people/{person['id']}/", name="person page", catch_response=True) as response:
            if response.status_code != 200 or not _path(response).startswith("/people/"):
                response.failure(f"person page answered {response.status_code} at {_path(response)}")

    @task(10)
    def inbox(self) -> None:
        with self.client.get("/requests/inbox/", name="request inbox", catch_response=True) as response:
            if _path(response) != "/requests/inbox/":
                response.failure(f"the inbox answered {response.status_code} at {_path(response)}")

    @task(1)
    def another_sign_in(self) -> None:
        fresh = HttpSession(base_url=self.host, request_event=self.environment.events.request, user=self)
        fresh.headers.update({"X-Forwarded-Proto": "https", "Origin": self.host})
        sign_in(fresh, next(_accounts))
        fresh.close()


@events.init_command_line_parser.add_listener
def _no_options(parser) -> None:
    """Everything comes from the environment bench/load.py sets."""
