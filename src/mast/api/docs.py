"""The API's browsable documentation, for signed-in feed owners and administrators: a GOV.UK page made from
the same OpenAPI description the API serves, so the two cannot disagree."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from drf_spectacular.generators import SchemaGenerator

from mast.api.pages import requires
from mast.gate.policy import Action

METHODS = ("get", "post", "put", "patch", "delete")


def operations(schema: dict) -> list[dict]:
    """Each operation with its method, path, words, and the fields of its JSON body, if any."""
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            body = operation.get("requestBody", {}).get("content", {})
            fields = []
            for media in body.values():
                ref = media.get("schema", {}).get("$ref", "")
                fields = _fields(components, ref.rsplit("/", 1)[-1])
                break
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": with_code(operation.get("description", "")),
                    "fields": fields,
                    "responses": [
                        (code, response.get("description", ""))
                        for code, response in operation.get("responses", {}).items()
                    ],
                }
            )
    return found


def _fields(components: dict, name: str, prefix: str = "") -> list[tuple[str, str, str]]:
    schema = components.get(name, {})
    rows = []
    for field, spec in schema.get("properties", {}).items():
        items = spec.get("items", {})
        if "$ref" in items:
            rows.append((prefix + field, "list", ""))
            rows += _fields(components, items["$ref"].rsplit("/", 1)[-1], f"{prefix}{field}[].")
            continue
        kind = spec.get("type", "")
        kind = " or ".join(kind) if isinstance(kind, list) else kind
        rows.append((prefix + field, kind, spec.get("description", "")))
    return rows


def with_code(text: str) -> SafeString:
    """The description's `names` as code, everything else escaped."""
    parts = escape(text).split("`")
    return mark_safe(  # noqa: S308 (every part escaped above)
        "".join(f"<code>{part}</code>" if index % 2 else part for index, part in enumerate(parts))
    )


@requires(Action.VIEW_API_DOCS)
def api_docs(request: HttpRequest) -> HttpResponse:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(request, "api/docs.html", {"schema": schema, "operations": operations(schema)})
