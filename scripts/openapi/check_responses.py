#!/usr/bin/env python3
"""Checks real responses of the API against the response schemas of its OpenAPI document.

    python3 scripts/openapi/check_responses.py OPENAPI_YAML RESPONSES_JSON

RESPONSES_JSON is a list of {"method", "path", "status", "content_type", "body"}: the path as the
document writes it (`/api/v1/datasets/{dataset}/predict`), the status as a number and the body
parsed from JSON. Each body is validated (JSON Schema 2020-12, which OpenAPI 3.1 schemas are) against
the schema the document gives for that operation, status and content type; `$ref`s resolve within
the document. A status or content type the operation does not document is an error too.
Prints one line per failure and exits 1 when there is any, else prints a count and exits 0.
"""

import json
import sys

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:penguins:openapi"


def pointer(token):
    return token.replace("~", "~0").replace("/", "~1")


def follow(document, node):
    """A response object, following `$ref`s to components."""
    while isinstance(node, dict) and "$ref" in node:
        path = node["$ref"].lstrip("#/").split("/")
        node = document
        for part in path:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    with open(sys.argv[2], encoding="utf-8") as handle:
        records = json.load(handle)
    registry = Registry().with_resource(BASE, Resource(contents=document, specification=DRAFT202012))
    failures = []
    for record in records:
        method, path, status = record["method"].lower(), record["path"], str(record["status"])
        where = f"{method.upper()} {path} {status}"
        operation = document["paths"].get(path, {}).get(method)
        if operation is None:
            failures.append(f"{where}: no such operation in the document")
            continue
        responses = operation.get("responses", {})
        key = status if status in responses else (status[0] + "XX" if status[0] + "XX" in responses else "default")
        if key not in responses:
            failures.append(f"{where}: the status is not documented (documented: {', '.join(sorted(responses))})")
            continue
        response = follow(document, responses[key])
        content = response.get("content", {})
        content_type = record["content_type"].split(";")[0].strip()
        if content_type not in content:
            failures.append(f"{where}: {content_type} is not documented (documented: {', '.join(sorted(content)) or 'no body'})")
            continue
        if "schema" not in content[content_type]:
            failures.append(f"{where}: {content_type} has no schema")
            continue
        if isinstance(responses[key], dict) and "$ref" in responses[key]:
            location = responses[key]["$ref"] + "/content/" + pointer(content_type) + "/schema"
        else:
            location = "#/paths/" + pointer(path) + "/" + method + "/responses/" + key + "/content/" + pointer(content_type) + "/schema"
        validator = Draft202012Validator({"$ref": BASE + location}, registry=registry)
        for error in sorted(validator.iter_errors(record["body"]), key=lambda e: list(e.absolute_path)):
            at = "/".join(str(part) for part in error.absolute_path) or "(the body)"
            failures.append(f"{where}: at {at}: {error.message[:300]}")
    for failure in failures:
        print(failure)
    if failures:
        return 1
    print(f"{len(records)} responses match the document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
