"""Finds, in the official Python SDKs, the lists and maps of models that a request's nested
models have and the metadata lacks, and prints each as an `added` fact (and those the
metadata has and the official models lack, as `official_model_lacks: true`)
(`generator/official-sdk-facts/<product>-<version>.yaml`, see `generator/src/import/facts.rs`).

An official model's `to_map` writes a list or map of models even when it is unset, as `[]` or
`{}` (`result['StorageMounts'] = []`), so that the JSON text or body of the model that holds it
always has the key. Where the metadata lacks the field (adb `CreateDBResourceGroup`'s
`RayConfig.StorageMounts`), ours can neither send it nor write it unset, and its JSON differs
from the official one whatever the caller sets. The fact gives the field as the official model
types it, its models' fields included, so that ours has it (and writes it `[]` unset, as it
writes the lists of models the metadata lists). The other way round, a list or map of models
the metadata has and the official model lacks (IMM's `File.SmartClusters`, private in the
metadata) is written `[]` by ours alone; `official_model_lacks: true` makes ours leave it out
unset.

Only fields inside a parameter written as JSON (a JSON body, or `style: json` text) are
reported: the official clients copy a request's own fields one by one (`if not
UtilClient.is_unset(request.x)`), so an unset top-level list is never sent, and a flat or
repeated parameter writes an unset list as nothing (ECS spreads such objects over parameters
named `LaunchConfiguration.DataDisk`, which a field added to `LaunchConfiguration` would repeat).
Read by importing each SDK's models (run it with the conformance venv's Python):

    VENV/bin/python conformance/derive_added_fields.py OPENMETA_DIR \
        conformance/requirements-products.txt generator/official-sdk-facts

Prints, per product-version, the facts its file lacks, to merge by hand; once every one is in
its file it prints nothing.
"""

import importlib
import inspect
import os
import re
import sys
import typing

from derive_facts import (
    REQUEST_CLASS,
    SCHEMA_PREFIX,
    corpus,
    methods,
    pinned_packages,
    referenced_schemas,
)

SCALARS = {str: "string", int: "int64", bool: "boolean", float: "double", bytes: "binary"}
# A list or map of models the metadata has and the official model lacks.
LACKS = "official_model_lacks"
WRITTEN = re.compile(r"result\['([^']+)'\] = (self\.(\w+)|\[\]|\{\})")
UNSET_GUARD = re.compile(r"if self\.(\w+) is not None")


def is_model(value):
    return inspect.isclass(value) and hasattr(value, "to_map") and hasattr(value, "from_map")


def fields_of(model):
    """(wire name, attribute, `[]` or `{}` when `to_map` writes it unset, else None), in the
    order `to_map` writes them."""
    lines = inspect.getsource(model.to_map).splitlines()
    fields = []
    for number, line in enumerate(lines):
        written = WRITTEN.search(line)
        if not written:
            continue
        wire, attribute = written.group(1), written.group(3)
        if attribute:
            fields.append((wire, attribute, None))
            continue
        guard = next((UNSET_GUARD.search(after) for after in lines[number + 1 : number + 3]), None)
        if guard:
            fields.append((wire, guard.group(1), written.group(2)))
    return fields


def hints_of(model):
    try:
        return typing.get_type_hints(model.__init__)
    except Exception:  # noqa: BLE001 - a model whose hints do not resolve is left alone
        return {}


def holds_models(hint):
    if is_model(hint):
        return True
    return any(holds_models(argument) for argument in typing.get_args(hint))


def shape_of(hint, seen, shared):
    """The spec's shape of a model field's type (`type`, `items`, `values`, `fields`): a model
    that is the class of a shared schema the import takes (`shared`, by lower-case name) is
    that schema (`ref`), as the official SDK has it."""
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin in (list, typing.List) and arguments:
        return {"type": "array", "items": shape_of(arguments[0], seen, shared)}
    if origin in (dict, typing.Dict) and len(arguments) == 2 and arguments[1] is not typing.Any:
        return {"type": "map", "values": shape_of(arguments[1], seen, shared)}
    if hint in SCALARS:
        return {"type": SCALARS[hint]}
    if is_model(hint) and hint.__name__.lower() in shared:
        return {"ref": shared[hint.__name__.lower()]}
    if is_model(hint) and hint not in seen:
        hints = hints_of(hint)
        fields = [
            {"name": wire, **shape_of(hints.get(attribute, typing.Any), seen | {hint}, shared)}
            for wire, attribute, _ in fields_of(hint)
        ]
        return {"type": "object", "fields": fields}
    return {"type": "any"}


class Finder:
    def __init__(self, document):
        self.schemas = document.get("components", {}).get("schemas", {})
        # The shared schemas the import takes: those the requests and responses reference.
        used = set()
        for api in document.get("apis", {}).values():
            referenced_schemas([api.get("parameters", []), api.get("responses", {})], self.schemas, used)
        self.shared = {name.lower(): name for name in used}
        self.operations = {}  # action -> {path: shape}
        self.schema_facts = {}  # schema -> {path: shape}
        self.walked_schemas = set()

    def walk(self, hint, schema, path, facts):
        """Compares the official type `hint` with the metadata's `schema` at `path`, adding to
        `facts` the lists and maps of models the official model writes unset and the metadata
        lacks."""
        reference = schema.get("$ref", "")
        if reference.startswith(SCHEMA_PREFIX):
            name = reference[len(SCHEMA_PREFIX):]
            if name in self.walked_schemas or name not in self.schemas:
                return
            self.walked_schemas.add(name)
            facts, path, schema = self.schema_facts.setdefault(name, {}), "", self.schemas[name]
        origin = typing.get_origin(hint)
        arguments = typing.get_args(hint)
        if origin in (list, typing.List) and arguments and "items" in schema:
            self.walk(arguments[0], schema["items"], path + "[]", facts)
        elif origin in (dict, typing.Dict) and len(arguments) == 2:
            values = schema.get("additionalProperties")
            if isinstance(values, dict):
                self.walk(arguments[1], values, path + "{}", facts)
        elif is_model(hint) and schema.get("properties"):
            self.walk_model(hint, schema["properties"], path, facts)

    def walk_model(self, model, properties, path, facts):
        hints = hints_of(model)
        official = {wire for wire, _, _ in fields_of(model)}
        for wire, schema in properties.items():
            if wire not in official and self.metadata_holds_objects(schema):
                facts[f"{path}.{wire}" if path else wire] = LACKS
        for wire, attribute, unset in fields_of(model):
            hint = hints.get(attribute)
            if hint is None:
                continue
            at = f"{path}.{wire}" if path else wire
            if wire in properties:
                self.walk(hint, properties[wire], at, facts)
            elif unset and holds_models(hint):
                facts[at] = shape_of(hint, {model}, self.shared)

    def metadata_holds_objects(self, schema):
        """Whether the metadata's `schema` is a list or map of objects, which ours writes
        unset as `[]` or `{}`."""
        inner = schema.get("items") if schema.get("type") == "array" else None
        if inner is None and schema.get("type") == "object" and not schema.get("properties"):
            inner = schema.get("additionalProperties")
        if not isinstance(inner, dict):
            return False
        return "$ref" in inner or bool(inner.get("properties")) or self.metadata_holds_objects(inner)

    def operation(self, action, request, parameters):
        facts = self.operations.setdefault(action, {})
        hints = hints_of(request)
        attributes = {wire: hints.get(attribute) for wire, attribute, _ in fields_of(request)}
        for parameter in parameters:
            if parameter.get("style") != "json" and parameter.get("in") != "body":
                continue  # Flat, repeated or simple: an unset list is written as nothing.
            schema = parameter.get("schema") or {}
            hint = attributes.get(parameter.get("name"))
            if hint is not None:
                self.walk(hint, schema, parameter["name"], facts)
            elif parameter.get("in") == "body" and schema.get("properties"):
                # A ROA body object: its properties are the request model's own fields.
                for wire, property_schema in schema["properties"].items():
                    if attributes.get(wire) is not None:
                        self.walk(attributes[wire], property_schema, f"{parameter['name']}.{wire}", facts)


def derive(module, document):
    try:
        models = importlib.import_module(f"{module}.models")
        client_file = importlib.import_module(f"{module}.client").__file__
    except Exception as error:  # noqa: BLE001
        print(f"# {module}: not imported ({error})", file=sys.stderr)
        return None
    finder = Finder(document)
    for action, code in methods(open(client_file, encoding="utf-8").read()).items():
        request = REQUEST_CLASS.search(code)
        if not request:
            continue
        api = document.get("apis", {}).get(action)
        model = getattr(models, request.group(1), None)
        if api is not None and is_model(model):
            finder.operation(action, model, api.get("parameters", []))
    return finder


def yaml_lines(shape, indent):
    """`shape` in the block style of the facts files."""
    pad = " " * indent
    if "ref" in shape:
        return [f"{pad}ref: {shape['ref']}"]
    lines = [f"{pad}type: {shape['type']}"]
    for key in ("items", "values"):
        if key in shape:
            lines.append(f"{pad}{key}:")
            lines.extend(yaml_lines(shape[key], indent + 2))
    if shape.get("fields"):
        lines.append(f"{pad}fields:")
        for field in shape["fields"]:
            inner = yaml_lines({k: v for k, v in field.items() if k != "name"}, indent + 2)
            lines.append(f"{pad}- name: {field['name']}")
            lines.extend(inner)
    return lines


def already_added(facts_file):
    if not os.path.exists(facts_file):
        return set()
    text = open(facts_file, encoding="utf-8").read()
    added = re.findall(r"^ +(\S+):\n +added:", text, re.M)
    lacking = re.findall(r"^ +(\S+): \{official_model_lacks: true\}", text, re.M)
    return set(added) | set(lacking)


def main():
    openmeta_dir, requirements, facts_dir = sys.argv[1:4]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    packages = pinned_packages(requirements)
    for module, product, version, document in sorted(corpus(openmeta_dir), key=lambda x: x[:3]):
        if module not in packages:
            continue
        finder = derive(module, document)
        if finder is None:
            continue
        known = already_added(os.path.join(facts_dir, f"{product.lower()}-{version}.yaml"))
        sections = (("operations", finder.operations, "request"), ("schemas", finder.schema_facts, None))
        printed_header = False
        for section, by_name, key in sections:
            found = {n: {p: s for p, s in f.items() if p not in known} for n, f in by_name.items()}
            found = {n: f for n, f in found.items() if f}
            if not found:
                continue
            if not printed_header:
                print(f"# {product.lower()}-{version}.yaml, from {packages[module]}")
                printed_header = True
            print(f"{section}:")
            for name, fields in sorted(found.items()):
                print(f"  {name}:")
                indent = 4
                if key:
                    print(f"    {key}:")
                    indent = 6
                for path, shape in sorted(fields.items()):
                    if shape == LACKS:
                        print(f"{' ' * indent}{path}: {{official_model_lacks: true}}")
                        continue
                    print(f"{' ' * indent}{path}:")
                    print(f"{' ' * (indent + 2)}added:")
                    print("\n".join(yaml_lines(shape, indent + 4)))


if __name__ == "__main__":
    main()
