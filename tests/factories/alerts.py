"""An alert as a practitioner gets one: an open case of theirs, and another agency's new involvement with
the same person, raised as a load raises it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mast.alerts.models import Alert
from mast.alerts.services import raise_for_load
from mast.feeds.models import Involvement, Load
from mast.identity.models import Person, PersonLink
from tests.factories.access import make_user
from tests.factories.identity import make_record, make_source


@pytest.fixture
def world():
    """Adaline has an open children's social care case with Dana; the police just recorded an incident."""
    csc, police = make_source("Testshire Children's Services"), make_source("Testshire Police")
    case = make_record(csc, involvements=[("csc_assessment", timezone.localdate() - timedelta(days=90))])
    incident = make_record(police, involvements=[("domestic_abuse", timezone.localdate())])
    person = Person.objects.create()
    for record in (case, incident):
        PersonLink.objects.create(partner_record=record, person=person, method=PersonLink.Method.SINGLETON)
    Involvement.objects.filter(partner_record=case).update(
        status="open", team="Assessment Team North", contact_email="dana@csc.example"
    )
    Involvement.objects.filter(partner_record=incident).update(lead_practitioner="PC Lark")
    dana = make_user(agency=csc.agency, email="Dana@csc.example", username="dana")
    stranger = make_user(agency=csc.agency, email="sam@csc.example")
    raise_for_load(Load.objects.get(source=police))
    return {"dana": dana, "stranger": stranger, "person": person, "alert": Alert.objects.get()}
