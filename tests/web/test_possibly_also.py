"""The person page says when another record may be this person's: which agencies, what kinds of
involvement and why it is in doubt — never the other record's name, birthday, address or contacts."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mast.identity.matching import possible
from mast.identity.models import MatchCandidate
from tests.factories.people import (
    TODAY,
    agreement_purposes,
    family,
    involve,
    make_person,
    page_text,
    practitioner,
)

pytestmark = pytest.mark.django_db
# Fixtures from tests/factories/people.py used here (agreement_purposes is autouse).
__all__ = ["agreement_purposes", "family", "practitioner"]


@pytest.fixture
def twin(family):
    """Tia Barker, known to the police with Tyler's surname and date of birth: a twin, or Tyler under another
    name. Matching could not tell, and left the pair for a reviewer."""
    born = family.tyler.links.first().partner_record.date_of_birth
    # Recorded at another address, so that nothing but the panel could show her on Tyler's page.
    record = make_person(
        family.police, "Tia", "Barker", born, address_line_1="8 Mill Row", postcode="ZZ9 9ZZ"
    )
    involve(record, "domestic_abuse", TODAY - timedelta(days=20), status="open", lead_practitioner="PC Vale")
    tyler_police = family.tyler.links.get(partner_record__source=family.police).partner_record
    first, second = sorted((tyler_police, record), key=lambda r: r.pk)
    candidate = MatchCandidate.objects.create(
        record_a=first,
        record_b=second,
        match_probability=0.97,
        match_weight=5.0,
        reason=possible.TWINS_OR_MIDDLE_NAME,
        model_version="test",
    )
    return record, candidate


def test_the_page_says_another_agency_may_know_this_person_and_why(client, practitioner, family, twin):
    text = page_text(client.get(reverse("web:person", args=[family.tyler.public_id])))

    assert "Possibly also recorded as another person" in text
    assert "Known to Testshire Police" in text
    assert "Domestic abuse incident" in text
    assert possible.TWINS_OR_MIDDLE_NAME in text
    # Nothing that may be another person's: not the name, not the officer.
    assert not re.search(r"\bTia\b", text) and "PC Vale" not in text


def test_the_panel_links_to_a_request_to_that_agency(client, practitioner, family, twin):
    html = client.get(reverse("web:person", args=[family.tyler.public_id])).content.decode()

    ask = reverse("web:request-new", args=[family.tyler.public_id]) + f"?agency={family.police.agency_id}"
    assert f'href="{ask}"' in html


def test_restricted_involvements_show_their_agency_only(client, practitioner, family, twin):
    record, _candidate = twin
    record.involvements.update(restricted=True)

    text = page_text(client.get(reverse("web:person", args=[family.tyler.public_id])))

    assert "Known to Testshire Police" in text
    assert "Domestic abuse incident" not in text
    assert "some restricted: ask the agency" in text


def test_once_decided_the_pair_is_no_longer_possible(client, practitioner, family, twin):
    _record, candidate = twin
    candidate.status = MatchCandidate.Status.DECIDED
    candidate.save()

    text = page_text(client.get(reverse("web:person", args=[family.tyler.public_id])))

    assert "Possibly also recorded as" not in text


@pytest.mark.parametrize("withdrawn", ["the other record", "this person's record"])
def test_a_pair_with_a_withdrawn_record_is_no_longer_possible(client, practitioner, family, twin, withdrawn):
    # The partner withdrew one of the two records: it is nobody's now, whatever its pair still says.
    record, candidate = twin
    tyler_police = candidate.record_a if candidate.record_b_id == record.pk else candidate.record_b
    gone = record if withdrawn == "the other record" else tyler_police
    gone.removed_at = timezone.now()
    gone.save(update_fields=["removed_at"])

    text = page_text(client.get(reverse("web:person", args=[family.tyler.public_id])))

    assert "Possibly also recorded as" not in text


def test_a_person_with_no_undecided_pair_has_no_panel(client, practitioner, family):
    text = page_text(client.get(reverse("web:person", args=[family.tyler.public_id])))

    assert "Possibly also recorded as" not in text
