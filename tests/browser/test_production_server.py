"""MAST as production runs it: `mast serve` (gunicorn) with MAST_ENVIRONMENT=production on a PostgreSQL
cluster of its own, and someone signing in through it in Chromium — the first administrator's link, a
password, an authenticator app, the home page — with the headers a production response must carry.

The server is a separate process with its own database, so nothing here uses Django's test database; the
cluster is removed at the end (tests/postgres_cluster.py).
"""

import base64
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django_otp.oath import totp
from playwright.sync_api import Browser, expect

from tests.browser.conftest import assert_accessible
from tests.postgres_cluster import PostgresCluster

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "kettle orchard lantern mosaic"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    cluster = PostgresCluster().start()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    db = cluster.settings
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "MAST_ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "BEHIND_TLS_PROXY": "1",
        "MAST_TRUSTED_PROXIES": "127.0.0.1/32",
        "CSRF_TRUSTED_ORIGINS": base,
        "MAST_BASE_URL": base,
        "MAST_VAR_DIR": str(tmp_path_factory.mktemp("var")),
        "MAST_HEALTH_NEEDS_WORKER": "0",
        "MAST_EMAIL_BACKEND": "console",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    mast = [sys.executable, "-m", "mast.cli"]
    server = None
    try:
        for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
            subprocess.run([*mast, *command], env=env, check=True, cwd=ROOT, timeout=600)
        created = subprocess.run(
            [*mast, "create_administrator", "--email", "ada.minister@partnership.example", "--first-name",
             "Ada", "--last-name", "Minister", "--agency-code", "northshire-mast", "--agency-name",
             "Northshire MAST Partnership"],
            env=env, check=True, cwd=ROOT, timeout=120, capture_output=True, text=True,
        )  # fmt: skip
        link = re.search(r"(/set-password/\S+/)", created.stdout).group(1)
        server = subprocess.Popen(
            [*mast, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        _wait_for(f"{base}/health/", server)
        yield {"base": base, "link": link}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cluster.stop()


def _wait_for(url: str, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"mast serve stopped: {server.stdout.read()}")
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=2):  # noqa: S310 (loopback only)
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("mast serve did not answer within a minute")


def test_signing_in_through_mast_serve_with_production_settings(production, browser: Browser):
    # As nginx would tell it: the browser's connection was HTTPS.
    context = browser.new_context(
        base_url=production["base"], extra_http_headers={"X-Forwarded-Proto": "https"}
    )
    page = context.new_page()
    response = page.goto(production["link"])
    headers = response.headers
    assert headers["server"] == "gunicorn" and "python" not in headers["server"].lower()
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "no-store" in headers["cache-control"]

    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm new password").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.get_by_label("Username").fill("ada.minister@partnership.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    session = next(c for c in context.cookies() if c["name"] == "sessionid")
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Lax"

    page.get_by_text("I cannot scan the QR code").click()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Enter the 6-digit code the app shows").fill(
        f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}"
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", name="Welcome, Ada Minister")).to_be_visible()
    # WhiteNoise serves the collected, hashed static files: the page is styled as users see it.
    assert_accessible(page)
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    context.close()
