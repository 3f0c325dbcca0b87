"""'Is this person known?' asked system to system: the MAIS Data Exchange request and response, the policy
decision against the agreement, and what a partner's system is told."""

import pytest
from fhir.resources.R4B.parameters import Parameters

from mast.access.models import Role
from mast.api.models import MatchQuery
from mast.audit.models import AuditEvent
from mast.governance.models import Purpose
from tests.api.conftest import ELLIS, ROBIN, record
from tests.factories.access import make_user
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db
URL = "/api/v1/Patient/$match"
S47 = "https://www.legislation.gov.uk/ukpga/1989/41/section/47"


def patient(who=ROBIN, nhs=True):
    resource = {
        "resourceType": "Patient",
        "name": [{"family": who["family_name"], "given": [who["given_name"]]}],
        "birthDate": who["date_of_birth"],
    }
    if nhs:
        resource["identifier"] = [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": who["nhs_number"]}]
    return resource


def question(resource=None, reason=S47, **extra):
    parameters = [
        {"name": "resource", "resource": resource or patient()},
        {"name": "reason", "valueUri": reason},
        {"name": "requestingOrganisation", "valueString": "Testshire Children's Services"},
        {"name": "requestingPractitioner", "valueString": "Dana Worker (MASH)"},
    ]
    parameters += [{"name": name, "valueString": value} for name, value in extra.items()]
    return {"resourceType": "Parameters", "parameter": parameters}


def ask(world, body):
    return world.asker().post(URL, body, format="json")


def values(response) -> dict:
    parsed = Parameters.model_validate(response.json())  # every answer is a valid FHIR Parameters resource
    return {p.name: p for p in parsed.parameter}


def test_a_known_person_with_an_open_case_is_answered_with_whom_to_contact(world):
    world.pusher().post("/api/v1/records/", {"records": [record()]}, format="json")

    response = ask(world, question())

    assert response.status_code == 200, response.json()
    assert response["Content-Type"] == "application/fhir+json"
    answer = values(response)
    assert answer["match"].valueBoolean is True and answer["outcome"].valueCode == "known"
    assert answer["decision"].valueCode == "PERMIT" and answer["agreement"].valueString == "NSP-ISA-001 v1.0"
    assert answer["openCase"].valueBoolean is True
    involvement = {p.name: p for p in answer["involvement"].part}
    assert involvement["agency"].valueString == "Testshire Constabulary"
    assert involvement["status"].valueCode == "open"
    assert str(involvement["startDate"].valueDate) == "2026-11-01"
    contact = involvement["contact"].resource
    assert contact.name == "Public Protection Unit"
    assert contact.contact[0].name.text == "PC Lark"
    assert contact.contact[0].telecom[0].value == "pc.lark@police.testshire.example"
    # Logged here with the decision, the agreement and the answer; audited through the gate with the key.
    logged = MatchQuery.objects.get()
    assert (logged.decision, logged.outcome, logged.agreement) == ("PERMIT", "known", "NSP-ISA-001 v1.0")
    event = AuditEvent.objects.get(action="api_match")
    assert event.outcome == "allowed" and event.detail["api_key"] == world.query.key.key_id
    assert (event.purpose_code, event.detail["outcome"]) == ("child_at_risk", "known")
    assert "Robin" not in str(event.detail) and "9434765870" not in str(event.detail)


def test_a_restricted_record_says_only_whom_to_ask(world):
    world.pusher().post("/api/v1/records/", {"records": [record(restricted=True)]}, format="json")
    involvement = {p.name: p for p in values(ask(world, question()))["involvement"].part}
    assert involvement["restricted"].valueBoolean is True
    assert "contact" not in involvement and "category" not in involvement
    assert involvement["contactPoint"].valueString == world.police.agency.contact_point


def test_someone_nobody_knows_is_not_known(world):
    world.pusher().post("/api/v1/records/", {"records": [record()]}, format="json")
    answer = values(ask(world, question(patient(ELLIS))))
    assert answer["match"].valueBoolean is False and answer["outcome"].valueCode == "not-known"
    assert "involvement" not in answer


def test_two_people_alike_are_a_possible_match_for_a_practitioner_not_a_guess(world):
    # Twins: same family name, birth date and address, different given names, no NHS number (DESIGN.md §4).
    twin = {**ROBIN, "given_name": "Jordan", "sex": "male", "nhs_number": ""}
    other = {**ROBIN, "nhs_number": ""}
    world.pusher().post(
        "/api/v1/records/", {"records": [record("P1", "N1", other), record("P2", "N2", twin)]}, format="json"
    )
    answer = values(ask(world, question(patient({**ROBIN, "given_name": "Robin"}, nhs=False))))
    assert answer["outcome"].valueCode == "possible" and answer["match"].valueBoolean is False
    assert "Ask a practitioner" in answer["message"].valueString
    assert "involvement" not in answer


def test_a_reason_the_agreement_does_not_recognise_is_denied_before_anyone_is_looked_at(world):
    response = ask(world, question(reason="because I am curious"))
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["decision"] == "DENY" and body["agreement"] == "NSP-ISA-001 v1.0"
    assert MatchQuery.objects.get().decision == "DENY"
    event = AuditEvent.objects.get(action="api_match")
    assert event.outcome == "denied" and event.detail["decision"] == "DENY"


def test_a_purpose_the_partners_switched_off_is_denied(world):
    Purpose.objects.filter(code="child_at_risk").update(is_active=False)
    assert ask(world, question()).json()["decision"] == "DENY"


def test_an_agency_outside_the_agreement_is_denied(world):
    world.police.agency.agreements.all().delete()
    world.childrens.agency.agreements.all().delete()
    assert ask(world, question()).status_code == 403


def test_unlisted_legislation_waits_for_an_ig_officer_then_is_answered(world, client):
    world.pusher().post("/api/v1/records/", {"records": [record()]}, format="json")
    other_law = "https://www.legislation.gov.uk/ukpga/2017/16/section/1"

    held = ask(world, question(reason=other_law))
    assert held.status_code == 202
    answer = values(held)
    assert answer["decision"].valueCode == "REVIEW" and "involvement" not in answer
    query_id = answer["queryId"].valueString

    officer = make_user(Role.IG_OFFICER)
    signed_in_with_factor(client, officer)
    page = client.get("/api/queries/review/")
    assert other_law in page.content.decode()
    client.post(f"/api/queries/{query_id}/decide/", {"decision": "PERMIT"})
    assert AuditEvent.objects.filter(action="review_api_query", username=officer.username).exists()

    again = values(ask(world, question(reason=other_law, reviewedQuery=query_id)))
    assert again["decision"].valueCode == "PERMIT" and again["outcome"].valueCode == "known"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"resourceType": "Parameters", "parameter": [{"name": "resource", "resource": patient()}]},
            "reason",
        ),
        (question(patient({**ROBIN, "date_of_birth": "2016-13-40"})), "parameter.0.resource.birthDate"),
        ({"resourceType": "Patient"}, "resource_type"),
        (question({"resourceType": "Patient", "gender": "female"}), "resource"),
        ([], ""),
    ],
)
def test_a_malformed_question_is_a_problem_that_never_echoes_the_person(world, body, field):
    response = ask(world, body)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    problems = response.json()["errors"]
    assert any(p["field"] == field for p in problems), problems
    assert "2016-13-40" not in response.content.decode()
    assert not MatchQuery.objects.exists()


# The MAIS Data Exchange standard's own examples (SocialCareData/data-exchange-standard,
# docs/operation-definition.md), with the requester MAST also asks for: a contract both sides can test.
MAIS_REQUEST = {
    "resourceType": "Parameters",
    "parameter": [
        {
            "name": "resource",
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "1234567890"}],
                "name": [{"family": "Smith", "given": ["Jane"]}],
                "birthDate": "2015-05-01",
            },
        },
        {"name": "reason", "valueUri": "https://www.legislation.gov.uk/ukpga/1989/41/section/47"},
        {"name": "requestingOrganisation", "valueString": "Southshire Council"},
        {"name": "requestingPractitioner", "valueString": "Front door worker"},
    ],
}
MAIS_NO_MATCH = {"resourceType": "Parameters", "parameter": [{"name": "match", "valueBoolean": False}]}


def test_the_standards_example_request_is_understood_and_answered_in_its_shape(world):
    response = ask(world, MAIS_REQUEST)
    assert response.status_code == 200
    body = response.json()
    assert body["resourceType"] == "Parameters"
    # The standard's no-match answer is the first parameter; MAST adds its own after it.
    assert body["parameter"][0] == MAIS_NO_MATCH["parameter"][0]


def test_a_push_key_cannot_ask(world):
    assert world.pusher().post(URL, question(), format="json").status_code == 403
