"""The OpenAPI document describes what the API does (issue 15): unique schema names (a
name clash once described /ratings/figures with the policies' schema), and every error
answer an operation can give is declared with the error schema."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def document() -> dict[str, Any]:
    # what clients read: the served JSON document
    return Client().get("/api/v1/openapi.json").json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "array":
        return resolve(document, schema["items"])
    return schema


def test_ratings_figures_are_described_with_the_ratings_schema(document) -> None:
    from qinqing.ratings.schemas import RatingFiguresRead

    op = document["paths"]["/api/v1/ratings/figures"]["get"]
    schema = resolve(document, op["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(schema["properties"]) == set(RatingFiguresRead.model_fields)


def test_every_schema_name_names_one_class() -> None:
    from ninja import Schema

    seen: dict[str, type] = {}
    clashes = []
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("qinqing."):
            continue
        other = seen.setdefault(cls.__name__, cls)
        if other is not cls:
            clashes.append(f"{cls.__name__}: {other.__module__} and {cls.__module__}")
    assert not clashes, "ninja needs unique schema names: " + "; ".join(clashes)


def test_every_operation_declares_the_errors_it_can_answer(document) -> None:
    missing = []
    for path, method, op in operations(document):
        declared = set(op["responses"])
        expected = {"400", "429"}
        if op.get("security"):
            expected |= {"401", "403"}
        if op.get("parameters") or op.get("requestBody"):
            expected.add("422")
        if "{" in path:
            expected.add("404")
        for status in sorted(expected - declared):
            missing.append(f"{method.upper()} {path}: {status}")
    assert not missing, "undeclared answers:\n" + "\n".join(missing)


def test_error_answers_use_the_error_schema(document) -> None:
    for _path, _method, op in operations(document):
        for status, response in op["responses"].items():
            if status.startswith("4"):
                schema = resolve(document, response["content"]["application/json"]["schema"])
                assert {"detail", "errors"} <= set(schema["properties"])
