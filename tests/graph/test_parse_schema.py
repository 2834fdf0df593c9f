"""Graph routes keep to their OpenAPI schema (make fuzz findings): `POST
/v1/graph/extract/llm-parse` answers what it declares whatever the parsed answer holds (a
declared `extractor` was never returned), and `GET /v1/graph/triples` declares the bound of the
`offset` it accepts."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

pytestmark = pytest.mark.django_db

BODIES = [
    {"response": "nothing in the format"},
    {"response": "Entity: Alice (Person)"},
    {"response": "Entity: !!! (Thing)\nRelation: !!! likes ???"},
    {"response": "Relation: Alice works_at Google\nRelation: Alice likes", "user_id": "u1"},
    {"response": "Entity: ＡＬＩＣＥ\nRelation: ＡＬＩＣＥ knows_well Bob", "user_id": ""},
]


@pytest.fixture(scope="module")
def parse_schema() -> Draft202012Validator:
    document = SchemaGenerator().get_schema(request=None, public=True)
    operation = document["paths"]["/v1/graph/extract/llm-parse"]["post"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]
    return Draft202012Validator({**ref, "components": document["components"]})


@pytest.mark.parametrize("body", BODIES)
def test_llm_parse_answers_its_declared_schema(alice, parse_schema, body):
    response = alice.client().post("/v1/graph/extract/llm-parse", body, format="json")
    assert response.status_code == 200, response.content
    errors = [e.message for e in parse_schema.iter_errors(response.json())]
    assert errors == []


def test_triples_offset_is_bounded_by_its_schema(alice):
    # make fuzz: an offset past bigint was a schema-valid request refused (400 unstorable_value)
    client = alice.client()
    assert client.get("/v1/graph/triples", {"offset": 10**9}).json()["triples"] == []
    refused = client.get("/v1/graph/triples", {"offset": 10**27})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_input"
