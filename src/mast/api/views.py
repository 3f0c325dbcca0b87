"""The partner API's endpoints: thin — each checks the body's shape and hands it to api/push.py or
api/match.py, which do the work and the auditing."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from mast.api import fhir, match, push
from mast.api.auth import AllowedByPolicy, ApiKeyAuthentication, PerKeyThrottle
from mast.api.problems import problem
from mast.api.serializers import ProblemSerializer, PushResultSerializer, PushSerializer
from mast.feeds.withdrawal import NotHeld
from mast.gate.policy import Action
from mast.governance import mais

PROBLEM = "application/problem+json"
FHIR = "application/fhir+json"
PROBLEMS = {
    (code, PROBLEM): OpenApiResponse(ProblemSerializer, description=words)
    for code, words in (
        (400, "The body is not valid: every problem, field by field."),
        (401, "No API key, or one that is wrong, expired or revoked."),
        (403, "The key's direction does not allow this."),
        (429, "Too many calls with this key: wait as Retry-After says."),
    )
}


class FhirJSONParser(JSONParser):
    media_type = "application/fhir+json"


class PartnerView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [AllowedByPolicy]
    throttle_classes = [PerKeyThrottle]
    policy_actions: dict[str, Action] = {}


class Records(PartnerView):
    policy_actions = {"POST": Action.API_PUSH}

    @extend_schema(
        operation_id="push_records",
        summary="Push records (one or a batch) as they happen",
        description=(
            "Each record is one involvement in the canonical headline format. Records are checked exactly "
            "as rows of your file are, with the same reasons; the good ones are stored, matched and shown to "
            "practitioners, the others refused one by one (the last good version stays on show). Nothing "
            "you leave out is removed. Send an `Idempotency-Key` to make a retry safe."
        ),
        request=PushSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Up to 100 characters; the same key and body again get the first answer.",
            )
        ],
        responses={
            200: OpenApiResponse(
                PushResultSerializer,
                description="Loaded (or unchanged): what became of each record, refused ones with reasons.",
            ),
            **PROBLEMS,
            (409, PROBLEM): OpenApiResponse(
                ProblemSerializer, description="Idempotency-Key reused with other records."
            ),
            (503, PROBLEM): OpenApiResponse(
                ProblemSerializer, description="The feed's mapping cannot be read: nothing was loaded."
            ),
            (422, PROBLEM): OpenApiResponse(
                ProblemSerializer, description="No record could be loaded; each one's reason."
            ),
        },
    )
    def post(self, request):
        body = PushSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 100:
            return problem(
                400,
                "The request is not valid",
                "Idempotency-Key is longer than 100 characters.",
                "invalid-request",
            )
        try:
            answer = push.push_records(request.user, body.validated_data["records"], key)
        except push.IdempotencyConflict as exc:
            return problem(409, "Idempotency-Key reused", str(exc), "idempotency-conflict")
        except push.PushUnavailable as exc:
            return problem(503, "Cannot check records for this feed", str(exc), "feed-unavailable")
        if answer.status_code == 422:
            return problem(
                422,
                "No record could be loaded",
                answer.body["message"] or "Every record was refused; see rejected.",
                "records-rejected",
                # The push's figures, as a 200 gives them; its load's status by another name, as a
                # problem's `status` is the HTTP status.
                **{name: value for name, value in answer.body.items() if name != "status"},
                load_status=answer.body["status"],
            )
        response = Response(answer.body, status=answer.status_code)
        if answer.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class Record(PartnerView):
    policy_actions = {"DELETE": Action.API_WITHDRAW}

    @extend_schema(
        operation_id="withdraw_record",
        summary="Withdraw one record",
        description="The involvement with this record_id is no longer shared (kept removed, can be undone).",
        responses={
            204: OpenApiResponse(description="Withdrawn."),
            **{(code, PROBLEM): PROBLEMS[code, PROBLEM] for code in (401, 403, 429)},
            (404, PROBLEM): OpenApiResponse(ProblemSerializer, description="No such record."),
        },
    )
    def delete(self, request, record_id: str):
        try:
            push.withdraw_record(request.user, record_id)
        except NotHeld:
            return problem(
                404, "Not found", "Your source holds no current record with this record_id.", "not-found"
            )
        return Response(status=204)


REQUEST_EXAMPLE = {
    "resourceType": "Parameters",
    "parameter": [
        {
            "name": "resource",
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": fhir.NHS_NUMBER_SYSTEM, "value": "9434765919"}],
                "name": [{"family": "Example", "given": ["Alex"]}],
                "birthDate": "2015-05-01",
            },
        },
        {"name": "reason", "valueUri": "https://www.legislation.gov.uk/ukpga/1989/41/section/47"},
        {"name": "requestingOrganisation", "valueString": "Southshire Children's Services"},
        {"name": "requestingPractitioner", "valueString": "A. Worker (MASH)"},
    ],
}


class Match(PartnerView):
    policy_actions = {"POST": Action.API_MATCH}
    parser_classes = [JSONParser, FhirJSONParser]

    @extend_schema(
        operation_id="person_known",
        summary="Is this person known? (MAIS Data Exchange $match)",
        description=(
            "A FHIR R4 Parameters resource: `resource` (Patient), `reason`, `requestingOrganisation`, "
            "`requestingPractitioner`, and `reviewedQuery` when asking again after a review. The answer is a "
            "Parameters resource: `match`, `outcome` (known, not-known, possible), `decision`, `agreement`, "
            "`queryId`, and for a known person `openCase` and each `involvement` with its `contact`."
        ),
        request={FHIR: OpenApiTypes.OBJECT, "application/json": OpenApiTypes.OBJECT},
        responses={
            (200, FHIR): OpenApiResponse(
                OpenApiTypes.OBJECT, description="PERMIT: the answer (FHIR Parameters)."
            ),
            (202, FHIR): OpenApiResponse(
                OpenApiTypes.OBJECT, description="REVIEW: held for a person to decide."
            ),
            **PROBLEMS,
            (403, PROBLEM): OpenApiResponse(
                ProblemSerializer, description="DENY, or a key for the other direction."
            ),
        },
        examples=[OpenApiExample("Section 47 enquiry", value=REQUEST_EXAMPLE, request_only=True)],
    )
    def post(self, request):
        try:
            question = fhir.read_request(request.data)
        except fhir.BadRequest as exc:
            return problem(
                400, "The request is not valid", str(exc)[:500], "invalid-request", errors=exc.problems
            )
        answer = match.ask(request.user, question, request.META.get("REMOTE_ADDR"))
        if answer.status_code == 403:
            return problem(
                403,
                "Refused by the sharing agreement",
                answer.decision.why,
                "policy-deny",
                decision="DENY",
                agreement=answer.decision.agreement,
                queryId=str(answer.query.pk),
            )
        return Response(answer.parameters, status=answer.status_code, content_type="application/fhir+json")


class Agreement(PartnerView):
    policy_actions = {"GET": Action.API_AGREEMENT}

    @extend_schema(
        operation_id="sharing_agreement",
        summary="The data-sharing agreement in force (MAIS SharingPolicy)",
        description=(
            "The agreement MAST decides every question against, in the MAIS information-governance "
            "standard's SharingPolicy form (dsa.json), with MAST's own terms under `mast`. A key of either "
            "direction may read it."
        ),
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="The SharingPolicy."),
            **{code: response for code, response in PROBLEMS.items() if code[0] != 400},
            (404, PROBLEM): OpenApiResponse(ProblemSerializer, description="No version is in force."),
        },
    )
    def get(self, request):
        document = mais.in_force_document()
        if document is None:
            return problem(
                404,
                "No agreement is in force",
                "No version of the data-sharing agreement is in force: MAST answers no questions and takes "
                "no records until one is.",
                "no-agreement",
            )
        return Response(document)
