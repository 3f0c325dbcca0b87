"""The MAIS Data Exchange request and response as FHIR R4 `Parameters`, read and built with fhir.resources
(its R4B models: R4B changed nothing in Parameters, Patient or Organization), never as hand-written JSON.

The request (MAIS v0.3, a constrained `$match`): `resource` (a Patient: NHS number, names, birth date,
address), `reason` (a code from the agreed list: a legislation.gov.uk URI or urn:mast:purpose:<code>), and who
is asking — `requestingOrganisation` and `requestingPractitioner`, which v0.3 asks for without yet naming.
"""

from dataclasses import dataclass, field
from datetime import date

from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.parameters import Parameters
from pydantic import ValidationError

from mast.identity.search.find import SearchQuery
from mast.people.redaction import InvolvementLine

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"


class BadRequest(ValueError):
    """The request is not a MAIS query MAST can answer; `problems` says what is wrong, field by field."""

    def __init__(self, problems: list[dict]):
        super().__init__("; ".join(p["detail"] for p in problems))
        self.problems = problems


@dataclass
class MatchRequest:
    query: SearchQuery
    reason: str
    organisation: str
    practitioner: str
    reviewed_query: int | None = None
    problems: list[dict] = field(default_factory=list)


def _value(parameter) -> str:
    for name in ("valueUri", "valueCode", "valueString", "valueInteger"):
        value = getattr(parameter, name, None)
        if value not in (None, ""):
            return str(value)
    if parameter.valueIdentifier is not None and parameter.valueIdentifier.value:
        return str(parameter.valueIdentifier.value)
    if parameter.valueCoding is not None and parameter.valueCoding.code:
        coding = parameter.valueCoding
        return f"{coding.system}/{coding.code}".replace("//", "/") if coding.system else str(coding.code)
    return ""


def read_request(body: object) -> MatchRequest:
    """Validate the body as FHIR and read the question from it; raises BadRequest saying what is wrong."""
    if not isinstance(body, dict):
        raise BadRequest([{"field": "", "detail": "The body must be a FHIR Parameters resource (JSON)."}])
    try:
        parameters = Parameters.model_validate(body)
    except ValidationError as exc:
        # The location and the rule only: the input itself (a person's details) is never echoed or logged.
        raise BadRequest(
            [
                {"field": ".".join(str(p) for p in error["loc"]), "detail": error["msg"]}
                for error in exc.errors(include_input=False, include_url=False)[:20]
            ]
        ) from None
    given = {p.name: p for p in parameters.parameter or []}
    problems = []
    patient = given.get("resource").resource if "resource" in given else None
    if patient is None or patient.get_resource_type() != "Patient":
        problems.append({"field": "resource", "detail": "Give the person asked about as a Patient resource."})
    values = {name: _value(given[name]) if name in given else "" for name in given}
    for name, words in (
        ("reason", "Give the reason for asking (a code from the agreement's list)."),
        ("requestingOrganisation", "Name the organisation asking."),
        ("requestingPractitioner", "Name the practitioner asking (name or user id)."),
    ):
        if not values.get(name, "").strip():
            problems.append({"field": name, "detail": words})
    reviewed = values.get("reviewedQuery", "")
    if reviewed and not reviewed.isdigit():
        problems.append({"field": "reviewedQuery", "detail": "reviewedQuery is the queryId MAST gave."})
    if problems:
        raise BadRequest(problems)
    query = _query(patient)
    if not (query.nhs_number or (query.family_name and (query.given_name or query.date_of_birth))):
        raise BadRequest(
            [
                {
                    "field": "resource",
                    "detail": "Give an NHS number, or a family name with a given name or date of birth.",
                }
            ]
        )
    return MatchRequest(
        query=query,
        reason=values["reason"].strip()[:300],
        organisation=values["requestingOrganisation"].strip()[:200],
        practitioner=values["requestingPractitioner"].strip()[:200],
        reviewed_query=int(reviewed) if reviewed else None,
    )


def _query(patient) -> SearchQuery:
    nhs = next(
        (i.value for i in patient.identifier or [] if i.system == NHS_NUMBER_SYSTEM and i.value),
        "",
    )
    name = (patient.name or [None])[0]
    address = (patient.address or [None])[0]
    birth = patient.birthDate
    return SearchQuery(
        given_name=" ".join(name.given or []) if name else "",
        family_name=(name.family or "") if name else "",
        # As a practitioner would type it: a full date day first; a partial FHIR date ("2015") as given.
        date_of_birth=birth.strftime("%d/%m/%Y") if isinstance(birth, date) else str(birth or ""),
        postcode=(address.postalCode or "") if address else "",
        address=" ".join(address.line or []) if address else "",
        nhs_number=nhs,
    )


def _part(name: str, **value) -> dict:
    return {"name": name, **value}


def involvement_parameter(item: InvolvementLine) -> dict:
    parts = [_part("agency", valueString=item.agency)]
    if item.status:
        parts.append(_part("status", valueCode=item.status))
    if item.restricted:
        parts += [
            _part("restricted", valueBoolean=True),
            _part("contactPoint", valueString=item.agency_contact),
        ]
        return {"name": "involvement", "part": parts}
    parts += [
        _part("category", valueString=item.category),
        _part("involvementType", valueString=item.involvement_type),
        _part("startDate", valueDate=item.start_date.isoformat()),
    ]
    if item.end_date:
        parts.append(_part("endDate", valueDate=item.end_date.isoformat()))
    contact = _contact(item)
    if contact:
        parts.append({"name": "contact", "resource": contact})
    return {"name": "involvement", "part": parts}


def _contact(item: InvolvementLine) -> dict | None:
    """The MAIS `contact`: an Organization (the team, or the agency) with the lead practitioner's details."""
    telecom = [
        {"system": system, "value": value, "use": "work"}
        for system, value in (("phone", item.contact_phone), ("email", item.contact_email))
        if value
    ]
    if not (telecom or item.lead_practitioner or item.team):
        return None
    organisation: dict = {"resourceType": "Organization", "name": item.team or item.agency}
    person: dict = {}
    if item.lead_practitioner:
        person["name"] = {"text": item.lead_practitioner}
    if telecom:
        person["telecom"] = telecom
    if person:
        organisation["contact"] = [person]
    return Organization.model_validate(organisation).model_dump(mode="json", exclude_none=True)


def response(parameters: list[dict]) -> dict:
    """The response, built and checked as a FHIR Parameters resource."""
    return Parameters.model_validate({"resourceType": "Parameters", "parameter": parameters}).model_dump(
        mode="json", exclude_none=True
    )
