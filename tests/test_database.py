import os

import pytest
from django.db import connection

from mast.access.models import Agency, AgencyKind


@pytest.mark.django_db
def test_suite_runs_on_the_database_it_was_asked_for():
    wanted = os.environ.get("MAST_TEST_DATABASE", "sqlite")
    assert connection.vendor == wanted
    Agency.objects.create(code="t-police", name="Test Police", kind=AgencyKind.POLICE)
    assert Agency.objects.filter(kind=AgencyKind.POLICE).count() == 1
