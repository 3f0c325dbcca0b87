"""Every URL of the partner API, called with every kind of credential: who gets in, generated from the one
policy (access.policy RULES). A new endpoint without a row here fails the first test."""

import pytest
from django.urls import get_resolver, reverse

from mast.access.models import Role
from mast.access.policy import API_PUSH_KEY, API_QUERY_KEY, RULES, Action
from mast.api import keys
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PUBLIC = "public"
# url name: (method, the action that decides who may, or PUBLIC)
ENDPOINTS = {
    "records": ("post", Action.API_PUSH),
    "record": ("delete", Action.API_WITHDRAW),
    "match": ("post", Action.API_MATCH),
    "schema": ("get", PUBLIC),
    "docs": ("get", Action.VIEW_API_DOCS),
}
ARGS = {"record": ["P1"]}
CALLERS = ["nobody", "revoked push key", API_PUSH_KEY, API_QUERY_KEY, *Role.values]


def test_every_api_url_has_a_row():
    api = next(p for p in get_resolver().url_patterns if getattr(p, "app_name", "") == "api")
    assert {p.name for p in api.url_patterns} == set(ENDPOINTS)


def _expected(name: str, caller: str) -> bool:
    _, action = ENDPOINTS[name]
    return action == PUBLIC or caller in RULES[action][0]


@pytest.mark.parametrize("caller", CALLERS)
def test_who_may_call_each_api_url(caller, world, client):
    from rest_framework.test import APIClient

    api = APIClient()
    if caller in (API_PUSH_KEY, "revoked push key"):
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {world.push.secret}")
        if caller == "revoked push key":
            keys.revoke_key(world.feed_owner, world.push.key)
    elif caller == API_QUERY_KEY:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {world.query.secret}")
    elif caller in Role.values:
        # A signed-in person's session opens the docs page; it is no key for the API itself.
        api.force_login(make_user(caller, agency=world.police.agency))
    wrong = []
    for name, (method, _) in ENDPOINTS.items():
        response = getattr(api, method)(reverse(f"api:{name}", args=ARGS.get(name, [])), {}, format="json")
        # Let in: anything but 401/403 and the sign-in redirect (an empty body is 400, an unknown record 404).
        let_in = response.status_code not in (401, 403) and not (
            response.status_code == 302 and "/sign-in/" in response["Location"]
        )
        if let_in != _expected(name, caller):
            wrong.append(f"{name}: {'let in' if let_in else 'kept out'} ({response.status_code})")
    assert wrong == []
