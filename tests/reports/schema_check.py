#!/usr/bin/env python3
"""Validate JSON documents against the subset of JSON Schema the report schema uses:
type, enum, required, properties, additionalProperties, items, anyOf, $ref to #/definitions.

usage: schema_check.py SCHEMA FILE...   exit 0 when every file is valid, 1 otherwise."""
import json
import sys

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
}
KNOWN = {"$schema", "$id", "title", "description", "type", "enum", "required", "properties",
         "additionalProperties", "items", "anyOf", "$ref", "definitions"}


def resolve(root, ref):
    if not ref.startswith("#/definitions/"):
        raise ValueError("unsupported $ref " + ref)
    return root["definitions"][ref[len("#/definitions/"):]]


def validate(root, schema, value, path, errors):
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError("%s: schema keyword(s) this checker does not know: %s" % (path, unknown))
    if "$ref" in schema:
        validate(root, resolve(root, schema["$ref"]), value, path, errors)
    if "anyOf" in schema:
        if not any(not check(root, s, value, path) for s in schema["anyOf"]):
            errors.append("%s: matches none of anyOf" % path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](value) for t in types):
            errors.append("%s: %r is not of type %s" % (path, value, types))
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append("%s: %r is not one of %s" % (path, value, schema["enum"]))
    if isinstance(value, dict):
        for k in schema.get("required", []):
            if k not in value:
                errors.append("%s: required key '%s' is missing" % (path, k))
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for k, v in value.items():
            if k in props:
                validate(root, props[k], v, path + "." + k, errors)
            elif extra is False:
                errors.append("%s: key '%s' is not allowed" % (path, k))
            elif isinstance(extra, dict):
                validate(root, extra, v, path + "." + k, errors)
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            validate(root, schema["items"], v, "%s[%d]" % (path, i), errors)


def check(root, schema, value, path="$"):
    errors = []
    validate(root, schema, value, path, errors)
    return errors


def main():
    schema = json.load(open(sys.argv[1]))
    bad = 0
    for f in sys.argv[2:]:
        errors = check(schema, schema, json.load(open(f)))
        for e in errors[:20]:
            print("%s: %s" % (f, e))
        bad += bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
