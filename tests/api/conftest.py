"""Two synthetic partners under a sharing agreement, a push key for the police feed, a query key for
children's services, and a REST client — as a partner's developer would call MAST."""

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from mast.access.models import Role
from mast.api import keys
from mast.canonical import FIELD_NAMES
from mast.feeds import mapping
from mast.feeds.services import source_for_mapping
from mast.governance.demo import ensure_demo_agreement
from tests.factories.access import make_user

MAPPINGS = Path(__file__).resolve().parent.parent / "alerts" / "mappings"

# Synthetic people; NHS numbers with valid check digits.
ROBIN = {
    "given_name": "Robin",
    "family_name": "Quillfeather",
    "date_of_birth": "2016-05-14",
    "sex": "female",
    "address_line_1": "12 Larch Close",
    "postcode": "TS1 4QP",
    "nhs_number": "9434765870",
}
ELLIS = {
    "given_name": "Ellis",
    "family_name": "Marrowby",
    "date_of_birth": "2012-09-02",
    "sex": "male",
    "postcode": "TS2 7LB",
    "nhs_number": "9434765919",
}


def record(record_id="P1", person_ref="N1", who=ROBIN, **fields):
    return {
        "record_id": record_id,
        "person_ref": person_ref,
        **who,
        "involvement_type": "DOMESTIC",
        "start_date": "2026-11-01",
        "status": "open",
        "lead_practitioner": "PC Lark",
        "team": "Public Protection Unit",
        "contact_email": "pc.lark@police.testshire.example",
        "restricted": False,
        **fields,
    }


class World:
    def __init__(self):
        self.police = source_for_mapping("alerts-police")
        self.childrens = source_for_mapping("alerts-childrens")
        ensure_demo_agreement(
            {self.police.agency.code: list(FIELD_NAMES), self.childrens.agency.code: list(FIELD_NAMES)}, []
        )
        self.admin = make_user(Role.ADMINISTRATOR, agency=self.police.agency)
        self.feed_owner = make_user(Role.FEED_OWNER, agency=self.police.agency)
        self.police.owners.add(self.feed_owner)
        self.push = keys.create_key(self.feed_owner, self.police, "push", "Niche live")
        self.query = keys.create_key(self.admin, self.childrens, "query", "Mosaic live")

    def client(self, made=None) -> APIClient:
        client = APIClient()
        if made is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {made.secret}")
        return client

    def pusher(self) -> APIClient:
        return self.client(self.push)

    def asker(self) -> APIClient:
        return self.client(self.query)


@pytest.fixture
def world(db, tmp_path, monkeypatch, settings):
    monkeypatch.setattr(mapping, "MAPPINGS_DIR", MAPPINGS)
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    monkeypatch.setattr("mast.api.push.incoming_dir", lambda: tmp_path / "incoming")
    monkeypatch.setattr("mast.identity.model_files.models_dir", lambda: tmp_path / "identity-models")
    monkeypatch.setattr("mast.identity.record_store.store_path", lambda: tmp_path / "records.arrow")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    return World()
