"""Single sign-on's edges below the browser: an agency without it, a switched-off agency, and a server missing
the client secret. (Signing in against a real provider: tests/browser/test_single_sign_on.py.)"""

import pytest

from mast.access import single_sign_on
from mast.access.models import SingleSignOn
from tests.factories.access import make_agency

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _sso(agency, **fields):
    fields = {
        "issuer": "https://login.example/tenant/v2.0",
        "client_id": "mast",
        "secret_variable": "MAST_TEST_SECRET_NOBODY_SET",
        "email_domains": "police.example, @Northshire.Police.Example ",
        **fields,
    }
    return SingleSignOn.objects.create(agency=agency, **fields)


def test_domains_are_read_as_people_type_them():
    assert _sso(make_agency()).domains == ["police.example", "northshire.police.example"]


def test_only_enabled_single_sign_on_of_active_agencies_is_offered(client):
    on = _sso(make_agency("Northshire Police"))
    _sso(make_agency("Northshire Fire"), enabled=False)
    _sso(make_agency("Old Partner", is_active=False))
    assert single_sign_on.available() == [on]
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with your Northshire Police account" in page
    assert "Northshire Fire account" not in page and "Old Partner account" not in page
    assert client.get(f"/sign-in/work-account/{make_agency().code}/").status_code == 404


def test_a_server_without_the_secret_says_it_is_not_working_and_offers_the_password(client, monkeypatch):
    agency = make_agency("Northshire Police")
    _sso(agency)
    monkeypatch.delenv("MAST_TEST_SECRET_NOBODY_SET", raising=False)
    response = client.get(f"/sign-in/work-account/{agency.code}/")
    assert response.status_code == 503
    assert "not working at the moment. Sign in with your MAST password" in response.content.decode()
