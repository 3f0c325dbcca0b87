"""A feed whose mapping sends no middle names is told so, and why: without them, twins and a person known
by their middle name look alike and matching can only ask a reviewer."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from mast.access.models import Role
from mast.feeds import mapping
from mast.feeds.mapping import RECOMMENDED, load_mapping
from tests.factories.access import make_user
from tests.signing_in import signed_in_with_factor

WHY = RECOMMENDED["middle_names"]


@pytest.fixture
def owner(source, client):
    """A signed-in feed owner of the test partner's source (tests/feeds/conftest.py gives the source)."""
    user = make_user(Role.FEED_OWNER, agency=source.agency)
    source.owners.add(user)
    signed_in_with_factor(client, user)
    return user


def test_a_mapping_without_middle_names_says_so_and_one_with_them_does_not():
    # The real partners' mappings: the police send no middle names, the hospitals do.
    assert load_mapping("northshire-police", mapping.MAPPINGS_DIR).advice == (WHY,)
    assert load_mapping("northshire-hospitals", mapping.MAPPINGS_DIR).advice == ()


def test_mast_sources_gives_the_advice_under_the_mapping(db):
    out = StringIO()
    call_command("sources", stdout=out, stderr=StringIO())

    lines = out.getvalue().splitlines()
    police = next(i for i, line in enumerate(lines) if line.startswith("northshire-police "))
    assert lines[police + 1].strip() == f"advice: {WHY}"
    hospitals = next(i for i, line in enumerate(lines) if line.startswith("northshire-hospitals "))
    assert "advice:" not in lines[hospitals + 1]


def test_the_feed_owner_sees_the_advice_on_the_feeds_page(owner, source, client):
    # The test partner's mapping has no middle-name column.
    assert "middle_names" not in load_mapping(source.mapping).columns

    html = client.get(reverse("web:feeds")).content.decode()

    assert f"{source.name}: {WHY}" in html
