#!/usr/bin/env python3
"""Validate SARIF files against the SARIF 2.1.0 JSON schema with Python's jsonschema
(python3-jsonschema), under the draft the schema names.

usage: sarif_schema_check.py SCHEMA FILE...   exit 0 when every file is valid, 1 otherwise."""
import json
import sys

try:
    import jsonschema
except ImportError:
    # A python3 other than Debian's (pyenv, a venv) does not see python3-jsonschema's folder.
    sys.path.append("/usr/lib/python3/dist-packages")
    import jsonschema


def schema_errors(schema_path, doc):
    """Each way doc breaks the schema, as 'path: message' (empty when valid)."""
    schema = json.load(open(schema_path))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
            for e in validator(schema).iter_errors(doc)]


def main():
    bad = 0
    for path in sys.argv[2:]:
        for e in schema_errors(sys.argv[1], json.load(open(path))):
            print("%s: %s" % (path, e))
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main())
