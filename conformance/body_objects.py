"""Classifies how the official Python SDKs send a ROA (or FC, V3, …: any but RPC) operation's `in: body` parameter that the
metadata types an inline `object` (no `$ref`), and prints the counts beside the metadata that
may tell the kinds apart (issue 17: FC's `function`, opened into the body, where SAE's object
is one field of it).

    python3 conformance/body_objects.py SITE_PACKAGES OPENMETA_DIR \
        conformance/requirements-products.txt [--list]

For each such parameter the official client method, found by action as `derive_facts.py`
finds it, either fills the body's field of the parameter's name (`body['Data'] = …`: one
field), or fills fields named as the object's properties (`body['code'] = request.code`:
opened), or passes a request attribute as the body itself (`body=request.body`: whole).
Where the parameter's name is also one of its object's properties (SAE `CreateConfigMap`'s
`Data`, whose one property is `Data`), the code reads alike either way, and the request
model's type for that field tells: the property's scalar type (`data: str`) is opened.
"""

import collections
import os
import re
import sys

from derive_facts import corpus, methods, pinned_packages

BODY_FIELD_NAME = re.compile(r"body\['([^']+)'\]\s*=")
WHOLE_BODY = re.compile(r"\bbody=(?!OpenApiUtilClient\.parse_to_map\(body\)|body\b)([^,\n]+)")


def inline_object_bodies(document):
    """(action, parameter, the API's other body parameters' count, api) of every inline
    object body parameter."""
    for action, api in sorted(document.get("apis", {}).items()):
        bodies = [p for p in api.get("parameters", []) if p.get("in") == "body"]
        for parameter in bodies:
            schema = parameter.get("schema", {})
            if "$ref" not in schema and schema.get("type") == "object":
                yield action, parameter, len(bodies) - 1, api


SCALAR_TYPES = {"string": "str", "integer": "int", "boolean": "bool", "number": "float"}
REQUEST_CLASS = re.compile(r"request: (?:\w+\.)?(\w+),")


def model_field_type(models_source, class_name, wire_name):
    """The annotation of the request model's field that `from_map` fills from `wire_name`."""
    start = models_source.find(f"class {class_name}(")
    if start < 0:
        return None
    body = models_source[start:models_source.find("\nclass ", start + 1)]
    attribute = re.search(r"m\.get\('%s'\) is not None:\s*self\.(\w+)" % re.escape(wire_name), body)
    if not attribute:
        return None
    annotation = re.search(r"\b%s: ([^=\n]+?) = None" % attribute.group(1), body)
    return annotation.group(1).strip() if annotation else None


def classify(parameter, code, models_source):
    written = set(BODY_FIELD_NAME.findall(code))
    properties = parameter.get("schema", {}).get("properties") or {}
    name = parameter["name"]
    if name in written and name in properties:
        request_class = REQUEST_CLASS.search(code)
        annotation = request_class and model_field_type(models_source, request_class.group(1), name)
        if annotation == SCALAR_TYPES.get(properties[name].get("type")):
            return "opened"
    if name in written:
        return "one field"
    if written & set(properties):
        return "opened"
    whole = WHOLE_BODY.search(code)
    if whole:
        return "whole body"
    if written:
        return "other fields"
    return "no body"


def traits(document, parameter, others, api):
    schema = parameter.get("schema", {})
    extra = sorted(k for k in list(parameter) + list(schema) if k.startswith("x-"))
    return (
        f"API style={document['info'].get('style')}",
        f"named body={parameter['name'].lower() == 'body'}",
        f"style={parameter.get('style')}",
        f"properties={bool(schema.get('properties'))}",
        f"additionalProperties={'additionalProperties' in schema}",
        f"other body parameters={others > 0}",
        f"x-keys={','.join(extra) or '-'}",
        f"consumes={','.join(api.get('consumes', [])) or '-'}",
    )


def models_text(package_dir):
    """Every model's source of a package: its `models.py`, or the files of its `models/`."""
    single = os.path.join(package_dir, "models.py")
    if os.path.exists(single):
        return open(single, encoding="utf-8").read()
    folder = os.path.join(package_dir, "models")
    return "\n".join(open(os.path.join(folder, name), encoding="utf-8").read()
                     for name in sorted(os.listdir(folder)) if name.endswith(".py"))


def main():
    site_packages, openmeta_dir, requirements = sys.argv[1:4]
    listing = "--list" in sys.argv[4:]
    packages = pinned_packages(requirements)
    by_kind = collections.Counter()
    by_trait = collections.defaultdict(collections.Counter)
    for module, product, version, document in sorted(corpus(openmeta_dir), key=lambda x: x[:3]):
        if document["info"].get("style", "").upper() == "RPC" or module not in packages:
            continue
        client = os.path.join(site_packages, module, "client.py")
        if not os.path.exists(client):
            continue
        found = methods(open(client, encoding="utf-8").read())
        models_source = models_text(os.path.join(site_packages, module))
        for action, parameter, others, api in inline_object_bodies(document):
            code = found.get(action)
            kind = classify(parameter, code, models_source) if code else "no method"
            by_kind[kind] += 1
            for trait in traits(document, parameter, others, api):
                by_trait[trait][kind] += 1
            if listing:
                print(f"{product}/{version} {action} {parameter['name']}: {kind}; "
                      + "; ".join(traits(document, parameter, others, api)))
    print("kinds:", dict(by_kind))
    for trait, kinds in sorted(by_trait.items()):
        print(f"  {trait}: {dict(kinds)}")


if __name__ == "__main__":
    main()
