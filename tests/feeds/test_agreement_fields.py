"""A partner's file is read within the agreement: fields the agreement does not list for the partner are
dropped at load (and the feed owner told), and a partner that may not send under it sends nothing."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from mast.canonical import FIELD_NAMES
from mast.feeds.models import Involvement, Load, PartnerRecord
from mast.feeds.services import load_file
from mast.ingest.intake import OutsideAgreement, ingest_file
from tests.factories.governance import make_agreement, make_partner
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS

NOT_SHARED = ("contact_phone", "nhs_number")


def test_fields_not_shared_are_dropped_at_load_and_the_load_says_which(source, tmp_path):
    make_partner(make_agreement(), source.agency, fields=[f for f in FIELD_NAMES if f not in NOT_SHARED])

    load = load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS)).load

    assert load.status == Load.Status.LOADED
    assert Involvement.objects.get(record_id="OC1").contact_phone == ""
    assert not PartnerRecord.objects.exclude(nhs_number="").exists()
    assert PartnerRecord.objects.get(person_ref="N1").given_name == "Zoë"
    assert "does not list them for this partner: NHS number, phone" in load.message


def test_the_same_file_keeps_every_field_the_agreement_shares(source, tmp_path):
    make_partner(make_agreement(), source.agency)

    load = load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS)).load

    assert Involvement.objects.get(record_id="OC1").contact_phone == "01632 960111"
    assert "Not kept" not in load.message


def test_a_partner_whose_participation_ended_cannot_send(source, tmp_path):
    make_partner(make_agreement(), source.agency, participation_ends=date.today() - timedelta(days=1))
    path = write_feed(tmp_path / "feed.csv", GOOD_ROWS)

    with pytest.raises(OutsideAgreement, match="participation in the data-sharing agreement ended"):
        ingest_file(source, path)
    with pytest.raises(CommandError, match=r"Not loaded: .*participation"):
        call_command("load", source.code, str(path))
    assert not Load.objects.exists()


def test_a_partner_that_only_uses_mast_cannot_send(source, tmp_path):
    make_partner(make_agreement(), source.agency, role="user")

    with pytest.raises(OutsideAgreement, match="does not share data"):
        ingest_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
