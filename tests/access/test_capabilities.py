"""Each role is told what it can do in MAST, and nothing links to a page that does not exist."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from mast.access.models import Role
from mast.access.services import capabilities
from tests.factories.access import make_user

pytestmark = pytest.mark.django_db

EXPECTED = {
    Role.PRACTITIONER: [
        "Search for a person, family or address",
        "See open cases and allocated workers",
        "Send a targeted request for information",
        "Answer requests for your team",
        "Hear when another agency becomes involved",
    ],
    Role.FEED_OWNER: [
        "See your agency's feed loads",
        "See rejected rows and why",
        "Upload a feed file",
        "Review uncertain matches of your feeds' records",
        "Manage your systems' API keys",
    ],
    Role.IG_OFFICER: [
        "Review uncertain matches",
        "Oversight alerts",
        "Read the audit log",
        "How your agency's records were used",
        "Who may break glass",
        "Your users' homes and working hours",
        "Watched people",
        "Decide partner systems' questions held for review",
        "See how quickly requests are answered",
        "See the partnership's figures",
        "Read the data-sharing agreement",
        "Draft, approve and compare versions of the agreement",
        "Read the IG pack",
    ],
    Role.ADMINISTRATOR: [
        "Who may break glass",
        "Manage partner systems' API keys",
        "Manage users",
        "Manage agencies and teams",
        "Choose who owns each feed",
    ],
    Role.ANALYST: [
        "See trends over three years",
        "See demand between agencies",
        "See the quality of each feed",
        "See whether MAST's use falls fairly",
    ],
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_its_own_capabilities(role):
    assert [c.title for c in capabilities(make_user(role=role))] == EXPECTED[role]


def test_every_role_is_covered():
    assert set(EXPECTED) == set(Role)


def test_the_analyst_is_told_they_see_no_person_level_data():
    first, *_ = capabilities(make_user(role=Role.ANALYST))
    assert "cannot see any person's details" in first.description
    assert all(c.available for c in capabilities(make_user(role=Role.ANALYST))), "no more 'Coming soon'"


@pytest.mark.parametrize("role", list(Role))
def test_a_capability_links_only_to_a_page_that_exists(role):
    for capability in capabilities(make_user(role=role)):
        if capability.available:
            reverse(capability.url_name)
        else:
            assert capability.url_name is None


def test_someone_not_signed_in_can_do_nothing():
    assert capabilities(AnonymousUser()) == []


def test_an_unknown_role_can_do_nothing():
    user = make_user()
    user.role = "retired"
    assert capabilities(user) == []
