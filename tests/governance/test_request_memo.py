"""The agreement is read once a request (ADR 0034) and never kept beyond it: a participation ended or a
version ended counts from the next request, or at once if it changed during this one."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mast.governance.services import current_agreement
from mast.governance.standing import standing
from mast.request_memo import one_request
from tests.factories.access import make_agency
from tests.factories.governance import make_agreement, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    agency = make_agency("Testshire Police")
    make_partner(make_agreement(), agency)
    return agency


def test_within_a_request_the_standing_is_read_once(police):
    with one_request():
        assert standing(police).allowed
        with CaptureQueriesContext(connection) as again:
            assert standing(police).allowed
    assert len(again) == 0


def test_a_participation_ended_counts_from_the_next_request(police):
    with one_request():
        assert standing(police).allowed
    police.agreements.update(participation_ends=date.today() - timedelta(days=1))  # no signal sent

    with one_request():
        assert not standing(police).allowed


def test_an_agreement_ended_during_a_request_counts_at_once(police):
    with one_request():
        agreement = current_agreement()
        assert agreement is not None and standing(police).allowed
        agreement.end_date = date.today() - timedelta(days=1)
        agreement.save()

        assert current_agreement() is None
        assert not standing(police).allowed


def test_outside_a_request_nothing_is_kept(police):
    assert standing(police).allowed
    police.agreements.update(participation_ends=date.today() - timedelta(days=1))

    assert not standing(police).allowed
