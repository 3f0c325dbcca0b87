"""The committed OpenAPI description is the code's: regenerate it and compare (docs/api.md says how to
update it). A partner's developer builds their client from the committed file."""

from pathlib import Path

import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def test_the_committed_schema_matches_the_code():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    generated = OpenApiYamlRenderer().render(schema, renderer_context={}).decode()
    assert yaml.safe_load(generated) == yaml.safe_load(COMMITTED.read_text(encoding="utf-8")), (
        "docs/api/openapi.yaml is out of date: run "
        "`mast spectacular --file docs/api/openapi.yaml --validate` and commit it."
    )


def test_the_schema_is_openapi_3_1_and_served_to_anyone(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert {"/api/v1/records/", "/api/v1/records/{record_id}/", "/api/v1/Patient/$match"} <= set(
        schema["paths"]
    )
    assert schema["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
