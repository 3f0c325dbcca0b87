"""The demo's alerts: practitioners put in their agency's busiest team and alerted from the loaded region."""

from django.core import mail

from mast.alerts.models import Alert
from mast.synth import demo
from tests.alerts.conftest import CSC_TEAM, csc_case, police_incident
from tests.factories.access import make_user


def test_demo_practitioners_are_alerted_from_the_loaded_region_once(partners):
    partners.load(partners.childrens, [csc_case(email="someone.else@csc.testshire.example")])
    partners.load(partners.police, [police_incident()])
    assert not Alert.objects.exists()  # nobody to alert while the demo users do not exist
    worker = make_user(agency=partners.childrens.agency, username="mash.worker", email="mash@csc.example")

    assert demo.ensure_demo_alerts([partners.childrens, partners.police]) == 1
    assert demo.ensure_demo_alerts([partners.childrens, partners.police]) == 1

    worker.refresh_from_db()
    assert worker.team == CSC_TEAM
    assert Alert.objects.get().recipient == worker
    assert [m.to for m in mail.outbox] == [["mash@csc.example"]]
