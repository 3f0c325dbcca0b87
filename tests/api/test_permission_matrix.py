"""Every URL of mast.api — the partner endpoints, the schema, the docs page, the API key and review pages —
called with every kind of credential: who gets in is what the one policy (gate RULES) says for the action
each view declares. A new URL without a row here fails the first test."""

import pytest
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient

from mast.access.models import Role
from mast.api import keys
from mast.api.models import MatchQuery
from mast.api.pages import RULE_ATTRIBUTE
from mast.gate.policy import API_PUSH_KEY, API_QUERY_KEY, RULES, Action
from tests.factories.access import make_user
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db

PUBLIC = "public"
# url name: (method, the action that decides who may, or PUBLIC)
ENDPOINTS = {
    "records": ("post", Action.API_PUSH),
    "record": ("delete", Action.API_WITHDRAW),
    "match": ("post", Action.API_MATCH),
    "agreement": ("get", Action.API_AGREEMENT),
    "schema": ("get", PUBLIC),
    "docs": ("get", Action.VIEW_API_DOCS),
    "keys": ("get", Action.MANAGE_API_KEYS),
    # Posted empty, it only shows the form again with what is missing.
    "key-create": ("post", Action.MANAGE_API_KEYS),
    "key-revoke": ("post", Action.MANAGE_API_KEYS),
    "review": ("get", Action.REVIEW_API_QUERY),
    # Posted without a decision, it only sends the officer back to the queue.
    "review-decide": ("post", Action.REVIEW_API_QUERY),
}
CALLERS = ["nobody", "revoked push key", API_PUSH_KEY, API_QUERY_KEY, *Role.values]


def _patterns() -> dict:
    api = next(p for p in get_resolver().url_patterns if getattr(p, "app_name", "") == "api")
    return {p.name: p for p in api.url_patterns}


def test_every_api_url_has_a_row_and_declares_the_action_in_it():
    patterns = _patterns()
    assert set(patterns) == set(ENDPOINTS)
    for name, (method, action) in ENDPOINTS.items():
        view = patterns[name].callback
        declared = (
            getattr(view.cls, "policy_actions", {}).get(method.upper(), PUBLIC)
            if hasattr(view, "cls")
            else getattr(view, RULE_ATTRIBUTE, None)
        )
        assert declared == action, name


def _expected(name: str, caller: str) -> bool:
    _, action = ENDPOINTS[name]
    return action == PUBLIC or caller in RULES[action][0]


@pytest.mark.parametrize("caller", CALLERS)
def test_who_may_call_each_api_url(caller, world):
    held = MatchQuery.objects.create(
        api_key=world.query.key,
        requesting_organisation="Testshire Council",
        requesting_user="A. Worker",
        reason="https://www.legislation.gov.uk/ukpga/2017/16/section/1",
        decision="REVIEW",
        decision_reason="Held",
    )
    args = {"record": ["P1"], "key-revoke": [world.push.key.key_id], "review-decide": [held.pk]}
    api = APIClient()
    if caller in (API_PUSH_KEY, "revoked push key"):
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {world.push.secret}")
        if caller == "revoked push key":
            keys.revoke_key(world.feed_owner, world.push.key)
    elif caller == API_QUERY_KEY:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {world.query.secret}")
    elif caller in Role.values:
        # A signed-in person's session opens the pages; it is no key for the API itself.
        signed_in_with_factor(api, make_user(caller, agency=world.police.agency))
    wrong = []
    for name, (method, _) in ENDPOINTS.items():
        response = getattr(api, method)(reverse(f"api:{name}", args=args.get(name, [])), {}, format="json")
        # Let in: anything but 401/403 and the sign-in redirect (an empty body is 400, an unknown record 404).
        let_in = response.status_code not in (401, 403) and not (
            response.status_code == 302 and "/sign-in/" in response["Location"]
        )
        if let_in != _expected(name, caller):
            wrong.append(f"{name}: {'let in' if let_in else 'kept out'} ({response.status_code})")
    assert wrong == []
