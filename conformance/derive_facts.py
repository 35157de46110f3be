"""Finds, in the official Python SDKs, the form and JSON body fields that make the official
client send a body where the metadata gives the operation none, and prints them as facts
(`generator/official-sdk-facts/<product>-<version>.yaml`, see `generator/src/import/facts.rs`).

The official client builds `body = {}` and fills it field by field from its request model (or
takes the whole request model as its body, `body=UtilClient.to_map(request)`), then sends that
map as the body even when it stays empty: with `content-type` (a form, or `{}` for
JSON), signed. Where the metadata lists none of those fields, ours sends no body at all; a fact
adding the model's fields (`Recipient: {in: formData, type: string}`) makes ours send the
official one. Only operations whose metadata has no body field at all are reported: elsewhere
the body is sent either way, and a field the metadata lacks is an input it cannot express.

It also finds the operations of RESTful clients whose `pathname` is another path than the
metadata's (SLS `GetLogs`: `/logstores/{logstore}/logs`, where the metadata lists
`/logstores/{logstore}?type=log`), placeholders and percent-encoding aside, and prints their
official path as a `path` fact; where the official SDK puts the parameters and reads the
response then is for the one who merges it to read in its `client.py` (`parameters`,
`response_from`).

It also finds the fields of the metadata's shared schemas (`components`) that requests use and
whose official model, the class of the schema's name, holds as text where the metadata types
them otherwise (LinkedMall `GoodsShippingNoticeCreateCmd.disputeId`): the official JSON has a
string there, which a `schemas` fact gives ours.

    python3 conformance/derive_facts.py SITE_PACKAGES OPENMETA_DIR \
        conformance/requirements-products.txt generator/official-sdk-facts

SITE_PACKAGES holds the pinned official SDKs (the conformance venv's). Prints, per
product-version, the facts to merge by hand into its file; an operation whose facts already
move a parameter into the body is left out, as ours sends its body already. Once every such
fact is in its file, it prints nothing.
"""

import json
import os
import re
import sys
from urllib.parse import unquote

WITH_OPTIONS = re.compile(r"\n    def (\w+?)_?with_options\(\n(.*?)(?=\n    (?:async )?def |\Z)", re.S)
ACTION = re.compile(r"action\s*=\s*'(\w+)'|do_\w+request(?:_async)?\(\s*'(\w+)'")
BODY_FIELD = re.compile(r"body\['([^']+)'\]\s*=\s*(?:request|tmp_req)\.(\w+)")
REQUEST_CLASS = re.compile(r"(?:request|tmp_req): [\w.]+\.(\w+),")
SHRINK_CLASS = re.compile(r"request = [\w.]+\.(\w+)\(\)")
MODEL_FIELD = re.compile(r"result\['([^']+)'\] = self\.(\w+)\n")
WHOLE_REQUEST_BODY = "body=UtilClient.to_map(request)"
BODY_KIND = re.compile(r"req_body_type\s*=\s*'(\w+)'")
PATHNAME = re.compile(r"pathname\s*=\s*f?'([^']*)'")
PLACEHOLDER = re.compile(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|\[[^\]]*\]|(?<=/)\*(?=/|$)")
PYTHON_TYPES = {"str": "string", "int": "int64", "bool": "boolean", "float": "double"}
SCHEMA_PREFIX = "#/components/schemas/"


def normalized(name):
    return re.sub(r"[-_.]+", "_", name.lower())


def pinned_packages(path):
    packages = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
            packages[normalized(name)] = f"{name}=={version}"
    return packages


def corpus(openmeta_dir):
    """The metadata of every product-version, by the official package's module name."""
    for dirpath, _, files in os.walk(openmeta_dir):
        if "api-docs.json" in files:
            with open(os.path.join(dirpath, "api-docs.json"), encoding="utf-8") as file:
                document = json.load(file)
            info = document["info"]
            module = normalized(
                "alibabacloud_" + info["product"].lower() + info["version"].replace("-", "")
            )
            yield module, info["product"], info["version"], document


def methods(client_source):
    """The source of each `_with_options` method of a client, by action (the first, where two
    name one)."""
    found = {}
    for match in WITH_OPTIONS.finditer(client_source):
        action = ACTION.search(match.group(2))
        if action:
            found.setdefault(action.group(1) or action.group(2), match.group(2))
    return found


def models_source(package_dir):
    """Every model class's source, by class name."""
    texts = []
    single = os.path.join(package_dir, "models.py")
    if os.path.exists(single):
        texts.append(open(single, encoding="utf-8").read())
    models_dir = os.path.join(package_dir, "models")
    if os.path.isdir(models_dir):
        for name in sorted(os.listdir(models_dir)):
            if name.endswith(".py"):
                texts.append(open(os.path.join(models_dir, name), encoding="utf-8").read())
    classes = {}
    for text in texts:
        for match in re.finditer(r"\nclass (\w+)\(.*?(?=\nclass |\Z)", text, re.S):
            classes[match.group(1)] = match.group(0)
    return classes


def attribute_type(classes, class_name, attribute):
    source = classes.get(class_name, "")
    match = re.search(rf"\n\s+{attribute}: (\w+)", source)
    return PYTHON_TYPES.get(match.group(1)) if match else None


def path_shape(path):
    """A path template with its placeholders (`{Name}`, `{f(name)}`, `[Name]`, a `*` segment)
    made one `{}` and its percent-encoding undone (the clients write `:` as `%3A`)."""
    return PLACEHOLDER.sub("{}", unquote(path))


def official_path(code, api):
    """The official client's `pathname` where it is another path than the metadata's, else
    None. A pathname that is one placeholder (Cloud Control's `request_path`) is the caller's."""
    pathname = PATHNAME.search(code)
    if not pathname or path_shape(pathname.group(1)) == "{}":
        return None
    if path_shape(pathname.group(1)) == path_shape(api.get("path", "/")):
        return None
    return re.sub(r"\{(\w+)\}", lambda m: "{" + m.group(1) + "}", pathname.group(1))


def known_facts(facts_file):
    """What the facts file says already: the operations whose facts move a parameter into the
    body (so that ours sends one), the (operation, parameter) pairs given a type, and the
    (schema, field) pairs given a type. Read line by line, as the facts files are written (a
    section at the margin, an operation or schema at two spaces, a parameter at six, a schema's
    field at four)."""
    moved, typed, schema_typed, pathed = set(), set(), set(), set()
    if not os.path.exists(facts_file):
        return moved, typed, schema_typed, pathed
    section, operation = None, None
    for line in open(facts_file, encoding="utf-8"):
        match = re.match(r"(\w+):", line)
        if match:
            section = match.group(1)
            continue
        match = re.match(r"  (\w+):$", line)
        if match:
            operation = match.group(1)
            continue
        if section == "schemas":
            field = re.match(r"    (\S+): \{.*\btype: ", line)
            if operation and field:
                schema_typed.add((operation, field.group(1)))
            continue
        if operation and re.match(r"    path: ", line):
            pathed.add(operation)
        if operation and re.search(r"\{in: (formData|body)\b", line):
            moved.add(operation)
        parameter = re.match(r"      (\S+): \{.*\btype: ", line)
        if operation and parameter:
            typed.add((operation, parameter.group(1)))
    return moved, typed, schema_typed, pathed


def retyped(parameters, fields, classes, class_name):
    """The JSON body's fields that the official model holds as text where the metadata types
    them otherwise (SAE `CreateConfigMap`'s `Data`, an object): the official JSON body has a
    string there. (In a query or a form, text and number are written alike.)"""
    types = {p["name"]: p.get("schema", {}).get("type") for p in parameters if p.get("in") == "body"}
    facts = {}
    for wire, attribute in fields:
        listed = types.get(wire)
        if listed and listed != "string" and not attribute.endswith("_shrink"):
            if attribute_type(classes, class_name, attribute) == "string":
                facts[wire] = {"type": "string"}
    return facts


def old_signature(client_source, style):
    """The v2 scheme an old-style client signs every call with, when it does: through
    tea-openapi's `do_rpcrequest` (RPC-V2-HMAC-SHA1) or `do_roarequest` and
    `do_roarequest_with_form` (ROA-V2-HMAC-SHA1), with no call through `call_api` or
    `execute`, which sign with ACS3-HMAC-SHA256 unless the client sets
    `_signature_algorithm = 'v2'`: then tea-openapi's `call_api` sends an RPC call through
    `do_rpcrequest` and a ROA call through `do_roarequest`, by the product's style."""
    rpc = re.search(r"\.do_rpcrequest\(", client_source)
    roa = re.search(r"\.do_roarequest(?:_with_form)?\(", client_source)
    acs3 = re.search(r"\.(?:call_api|execute)\(", client_source)
    if "'AK'" not in client_source:
        return None  # Every call is sent unsigned (`Anonymous`): no scheme to name.
    if re.search(r"_signature_algorithm = 'v2'", client_source):
        return "ROA-V2-HMAC-SHA1" if style.upper() == "ROA" else "RPC-V2-HMAC-SHA1"
    if acs3 or (rpc and roa):
        return None
    if rpc:
        return "RPC-V2-HMAC-SHA1"
    if roa:
        return "ROA-V2-HMAC-SHA1"
    return None


def referenced_schemas(value, schemas, found):
    """The names of the shared schemas `value` references, and those they reference, into
    `found`."""
    if isinstance(value, dict):
        reference = value.get("$ref")
        if isinstance(reference, str) and reference.startswith(SCHEMA_PREFIX):
            name = reference[len(SCHEMA_PREFIX):]
            if name in schemas and name not in found:
                found.add(name)
                referenced_schemas(schemas[name], schemas, found)
        for child in value.values():
            referenced_schemas(child, schemas, found)
    elif isinstance(value, list):
        for child in value:
            referenced_schemas(child, schemas, found)


def retyped_schema_fields(site_packages, package_dir_name, document, already_typed):
    """By shared schema, the fields that requests send and that the schema's official model
    holds as text where the metadata types them otherwise."""
    package_dir = os.path.join(site_packages, package_dir_name)
    if not os.path.isdir(package_dir):
        return {}
    classes = models_source(package_dir)
    schemas = document.get("components", {}).get("schemas", {})
    used = set()
    for api in document.get("apis", {}).values():
        referenced_schemas(api.get("parameters", []), schemas, used)
    facts = {}
    for name in sorted(used):
        properties = schemas[name].get("properties") or {}
        for wire, attribute in MODEL_FIELD.findall(classes.get(name, "")):
            listed = properties.get(wire, {})
            if "$ref" in listed or listed.get("type") in (None, "string"):
                continue
            if (name, wire) in already_typed:
                continue
            if attribute_type(classes, name, attribute) == "string":
                facts.setdefault(name, {})[wire] = {"type": "string"}
    return facts


def derive(site_packages, package_dir_name, document, known):
    already_moved, already_typed, _, already_pathed = known
    package_dir = os.path.join(site_packages, package_dir_name)
    client = os.path.join(package_dir, "client.py")
    if not os.path.exists(client):
        return {}, {}
    classes = models_source(package_dir)
    facts, paths = {}, {}
    for action, code in methods(open(client, encoding="utf-8").read()).items():
        kind = BODY_KIND.search(code)
        api = document["apis"].get(action)
        if api is not None and document["info"]["style"] != "RPC" and action not in already_pathed:
            path = official_path(code, api)
            if path:
                paths[action] = path
        shrink = SHRINK_CLASS.search(code)
        request = REQUEST_CLASS.search(code)
        class_name = (shrink or request).group(1) if (shrink or request) else ""
        if WHOLE_REQUEST_BODY in code:
            # The whole request model is the body: every field its `to_map` writes.
            fields = MODEL_FIELD.findall(classes.get(class_name, ""))
        elif "body = {}" in code:
            fields = BODY_FIELD.findall(code)
        else:
            continue
        if api is None or not fields:
            continue
        parameters = api.get("parameters", [])
        form = kind.group(1) == "formData" if kind else "do_rpcrequest" in code
        added = {}
        if any(p.get("in") in ("formData", "body") for p in parameters) or action in already_moved:
            if not form:
                added = retyped(parameters, fields, classes, class_name)
                added = {w: f for w, f in added.items() if (action, w) not in already_typed}
        else:
            # The old clients' `do_rpcrequest` sends a form; the others say which body they send.
            location = "formData" if form else "body"
            listed = {p["name"] for p in parameters}
            for wire, attribute in fields:
                ty = attribute_type(classes, class_name, attribute)
                if wire not in listed and ty:
                    added[wire] = {"in": location, "type": ty}
        if added:
            facts[action] = added
    return facts, paths


def main():
    site_packages, openmeta_dir, requirements, facts_dir = sys.argv[1:5]
    packages = pinned_packages(requirements)
    for module, product, version, document in sorted(corpus(openmeta_dir)):
        if module not in packages:
            continue
        facts_file = os.path.join(facts_dir, f"{product.lower()}-{version}.yaml")
        known = known_facts(facts_file)
        facts, paths = derive(site_packages, module, document, known)
        schema_facts = retyped_schema_fields(site_packages, module, document, known[2])
        client = os.path.join(site_packages, module, "client.py")
        signature = None
        if os.path.exists(client) and document.get("apis"):
            with open(client, encoding="utf-8") as source:
                signature = old_signature(source.read(), document["info"]["style"])
        has_signature = os.path.exists(facts_file) and re.search(
            r"^signature: ", open(facts_file, encoding="utf-8").read(), re.M
        )
        if signature and not has_signature:
            print(f"# {product.lower()}-{version}.yaml, from {packages[module]}")
            print(f"signature: {signature}")
        if schema_facts:
            print(f"# {product.lower()}-{version}.yaml, from {packages[module]}")
            print("schemas:")
            for name, fields in sorted(schema_facts.items()):
                print(f"  {name}:")
                for wire, fact in sorted(fields.items()):
                    print(f"    {wire}: {{type: {fact['type']}}}")
        if not facts and not paths:
            continue
        print(f"# {product.lower()}-{version}.yaml, from {packages[module]}")
        print("operations:")
        for action in sorted(set(facts) | set(paths)):
            print(f"  {action}:")
            if action in paths:
                print(f"    path: {paths[action]}")
            if action in facts:
                print("    parameters:")
                for wire, fact in sorted(facts[action].items()):
                    text = ", ".join(f"{key}: {value}" for key, value in fact.items())
                    print(f"      {wire}: {{{text}}}")


if __name__ == "__main__":
    main()
