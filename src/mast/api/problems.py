"""Errors as RFC 9457 problem details (`application/problem+json`): a type, a title, the status, a detail in
words a partner's developer can act on, and, for invalid input, every problem field by field."""

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM = "application/problem+json"
TYPES = "https://mast.invalid/problems/"


def problem(status_code: int, title: str, detail: str, kind: str, **extra) -> Response:
    body = {"type": TYPES + kind, "title": title, "status": status_code, "detail": detail, **extra}
    return Response(body, status=status_code, content_type=PROBLEM)


def _fields(data, prefix: str = "") -> list[dict]:
    """DRF's nested error structure, flattened to [{"field": "records.0.given_name", "detail": ...}]."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            found += _fields(value, "" if key == "non_field_errors" and not prefix else name)
    elif isinstance(data, list):
        if all(isinstance(item, str) for item in data):
            found += [{"field": prefix, "detail": str(item)} for item in data]
        else:
            for index, item in enumerate(data):
                found += _fields(item, f"{prefix}.{index}" if prefix else str(index))
    else:
        found.append({"field": prefix, "detail": str(data)})
    return found


TITLES = {
    status.HTTP_400_BAD_REQUEST: ("The request is not valid", "invalid-request"),
    status.HTTP_401_UNAUTHORIZED: ("No valid API key", "unauthenticated"),
    status.HTTP_403_FORBIDDEN: ("Not allowed", "forbidden"),
    status.HTTP_404_NOT_FOUND: ("Not found", "not-found"),
    status.HTTP_405_METHOD_NOT_ALLOWED: ("Method not allowed", "method-not-allowed"),
    status.HTTP_406_NOT_ACCEPTABLE: ("Not acceptable", "not-acceptable"),
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: ("Send JSON", "unsupported-media-type"),
    status.HTTP_429_TOO_MANY_REQUESTS: ("Too many requests", "rate-limited"),
}


def handle(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's handler answers (and logs it, without the body)
    title, kind = TITLES.get(response.status_code, ("Request failed", "error"))
    if isinstance(exc, exceptions.ValidationError):
        errors = _fields(exc.detail)
        detail = "; ".join(f"{e['field']}: {e['detail']}" if e["field"] else e["detail"] for e in errors[:5])
        answer = problem(response.status_code, title, detail, kind, errors=errors)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else str(response.data)
        answer = problem(response.status_code, title, str(detail), kind)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            answer[header] = response[header]
    return answer
