#!/usr/bin/env python3
"""Calls every action of a product-version through Alibaba Cloud's official Python SDK, on
127.0.0.1, and records what it sent and how it took each reply. The other half of
`cargo xtask conformance` (CONFORMANCE.md says how the two fit).

It installs nothing: run it with a Python whose packages are those pinned in
`conformance/requirements-*.txt` (CONFORMANCE.md says how to make that venv).

    official.py INPUTS.json... --out-dir DIR

Each INPUTS.json is written by `cargo xtask conformance`: a product-version, its official
package's module, the replies to serve, and for each action the inputs (parameters by wire name,
JSON-typed) and where each travels. For each one this writes DIR/<dir>.json with, per action:

- `kept`: the inputs the official SDK's own model can express, and `dropped`, the others with
  why. Each request model is given the inputs through `from_map`, read back through `to_map`,
  and whatever did not come back unchanged is dropped (the metadata lists `Filter.1.Key` where
  the Python model holds a list `Filter`, say). Only `kept` is sent, by both SDKs.
- `request`: what the official SDK sent for `kept` (method, raw path and query, headers in the
  order received, body as base64), answered with the first reply.
- `outcomes`: for each reply, whether the official SDK returned (`success`) or raised
  (`error`, with the exception's class and code).
- `failure`, instead of a request: why no call could be made (no such method, a model the
  inputs cannot fill, the SDK's own validation refusing them).

Every call goes to a capturing server on 127.0.0.1 with the signature nonce and date pinned (the
inputs file names them) and the fake keys it names, so the other side can sign the same request.
"""

import argparse
import base64
import copy
import importlib
import inspect
import io
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


def normalized(name):
    """A name without case or separators: `ExecuteDDLWithOptions` and
    `execute_ddlwith_options` are the same method."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


class Capture(BaseHTTPRequestHandler):
    """Records every request and answers with `Capture.reply` (status, text, content type)."""

    captured = []
    reply = (200, "{}", "application/json;charset=utf-8")

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = self.path
        if target.startswith("http://"):
            # Sent to this server as a proxy: the URL is whole (see `main`).
            target = "/" + target[len("http://"):].partition("/")[2]
        raw_path, _, raw_query = target.partition("?")
        Capture.captured.append({
            "method": self.command,
            "path": raw_path,
            "query": raw_query,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": base64.b64encode(body).decode(),
        })
        status, text, content_type = Capture.reply
        reply = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(reply)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any

    def handle_one_request(self):
        """Takes a request line of any length: the standard handler answers one over 64 KiB
        `414 Request-URI Too Long` without recording it, where some official clients send every
        parameter in the query (outboundbot `SaveAnnotationMissionSessionList`, whose inputs
        make a query longer than that)."""
        self.raw_requestline = self.rfile.readline()
        if not self.raw_requestline:
            self.close_connection = True
            return
        if self.parse_request():
            self.handle_any()

    def log_message(self, *args):
        pass


def pin_nonce_and_date(nonce, date, http_date):
    """Every place the official libraries draw a nonce or read the clock for a signature."""
    from alibabacloud_tea_openapi import utils as openapi_utils
    openapi_utils.Utils.get_nonce = staticmethod(lambda: nonce)
    openapi_utils.Utils.get_timestamp = staticmethod(lambda: date)
    openapi_utils.Utils.get_date_utcstring = staticmethod(lambda: http_date)
    try:
        from alibabacloud_tea_util.client import Client as TeaUtil
        TeaUtil.get_nonce = staticmethod(lambda: nonce)
        TeaUtil.get_date_utcstring = staticmethod(lambda: http_date)
    except ImportError:
        pass
    try:
        from alibabacloud_openapi_util.client import Client as OpenApiUtil
        OpenApiUtil.get_timestamp = staticmethod(lambda: date)
    except ImportError:
        pass


def same(a, b):
    """Equal and of the same JSON kind (Python's `True == 1` is not)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def intersect(given, back, path, dropped):
    """The part of `given` that came back unchanged in `back`; what did not is added to
    `dropped` by its path (`Tag[0].Key`). `None` when nothing of it came back."""
    if isinstance(given, dict):
        if not isinstance(back, dict):
            dropped.append([path, "the official model holds no object here"])
            return None
        kept = {}
        for key, value in given.items():
            where = f"{path}.{key}" if path else key
            if key not in back or back[key] is None:
                dropped.append([where, "the official model has no such field"])
                continue
            part = intersect(value, back[key], where, dropped)
            if part is not None:
                kept[key] = part
        return kept if kept or not given else None
    if isinstance(given, list):
        if not isinstance(back, list) or len(back) != len(given):
            dropped.append([path, "the official model holds no list here"])
            return None
        items = []
        for index, (item, item_back) in enumerate(zip(given, back)):
            part = intersect(item, item_back, f"{path}[{index}]", dropped)
            if part is None:
                # A list keeps its positions: without one element, none of it is sent.
                dropped.append([path, "an element cannot be expressed"])
                return None
            items.append(part)
        return items
    if same(given, back):
        return given
    dropped.append([path, f"the official model turns {given!r} into {back!r}"])
    return None


def hints(model_class):
    """The constructor's annotation of each attribute, as text (`str`, `List[X]`, a model's
    name), with the namespace to resolve model names in."""
    namespace = vars(sys.modules[model_class.__module__])
    texts = {}
    for name, parameter in inspect.signature(model_class.__init__).parameters.items():
        annotation = parameter.annotation
        if annotation is inspect.Parameter.empty:
            continue
        if isinstance(annotation, str):
            texts[name] = annotation
        elif inspect.isclass(annotation) and not getattr(annotation, "__args__", None):
            texts[name] = annotation.__name__ if annotation in (str, int, float, bool, bytes) \
                else annotation
        else:
            texts[name] = str(annotation).replace("typing.", "")
    return texts, namespace


def model_class_of(hint, namespace):
    """The model class a hint names, if it names one."""
    if inspect.isclass(hint):
        return hint if hasattr(hint, "from_map") else None
    try:
        found = eval(hint, namespace)  # the SDK's own annotation text
    except Exception:
        return None
    return found if inspect.isclass(found) and hasattr(found, "from_map") else None


def element_hint(hint):
    """`X` of `List[X]`."""
    text = hint if isinstance(hint, str) else ""
    match = re.fullmatch(r"List\[(.*)\]", text)
    return match.group(1) if match else None


def adapt(model_class, inputs, adapted, path=""):
    """`inputs` as the official model holds them where it holds them otherwise than ours: a
    structured or non-text value as the text our SDK sends for it (compact JSON, `true`, `7`)
    where the model holds text, at every depth. Each input so given is added to `adapted`."""
    texts, namespace = hints(model_class)
    by_name = {normalized(name): name for name in texts}
    out = {}
    for key, value in inputs.items():
        where = f"{path}.{key}" if path else key
        hint = texts.get(by_name.get(normalized(key), ""), None)
        if hint == "str" and not isinstance(value, str):
            out[key] = as_text(value)
            adapted.append(where)
            continue
        model = model_class_of(hint, namespace) if hint is not None else None
        element = element_hint(hint)
        element_model = model_class_of(element, namespace) if element else None
        if model is not None and isinstance(value, dict):
            out[key] = adapt(model, value, adapted, where)
        elif element_model is not None and isinstance(value, list):
            out[key] = [adapt(element_model, item, adapted, f"{where}[{index}]")
                        if isinstance(item, dict) else item
                        for index, item in enumerate(value)]
        elif element == "str" and isinstance(value, list):
            out[key] = [item if isinstance(item, str) else as_text(item) for item in value]
            if any(not isinstance(item, str) for item in value):
                adapted.append(where)
        else:
            out[key] = value
    return out


def restore(kept, original):
    """The inputs, in our form, of the part of the adapted inputs the model kept."""
    if isinstance(kept, dict) and isinstance(original, dict):
        return {key: restore(value, original[key]) for key, value in kept.items()
                if key in original}
    if isinstance(kept, list) and isinstance(original, list):
        return [restore(a, b) for a, b in zip(kept, original)]
    return original


def dotted_path(name):
    """The place a flattened name (`TagFilter.Key`, `DataDisk.1.Category`) stands for in the
    nested value it flattens: object keys, and list positions counted from 1 on the wire."""
    return [int(part) - 1 if part.isdigit() else part for part in name.split(".")]


def nest(model_class, inputs, where=()):
    """`inputs` with each name the metadata flattens (`TagFilter.Key`) put where the official
    model holds it, in its nested field (`{"TagFilter": {"Key": …}}`, and in a list's element
    for `DataDisk.1.Category`), when the model has that field and not the flattened name, and
    the place is free (an input naming the object whole, ECS `SystemDisk`, keeps its own
    fields); so inside nested models too (Cloud Monitor's `Escalations.Info.Threshold` in each
    `GroupMetricRules` element). Also returns each name so nested, with the path of the
    object (`where`, then keys and list positions) that names it."""
    nested = copy.deepcopy(inputs)
    moved = []
    for key in inputs:
        path = dotted_path(key)
        if (len(path) > 1 and isinstance(path[0], str) and all(part != "" for part in path)
                and not has_field(model_class, key) and has_field(model_class, path[0])
                and place(nested, path, nested[key])):
            del nested[key]
            moved.append((where, key))
    texts, namespace = hints(model_class)
    by_name = {normalized(name): name for name in texts}
    for key, value in nested.items():
        hint = texts.get(by_name.get(normalized(key), ""))
        if hint is None:
            continue
        model = model_class_of(hint, namespace)
        element = element_hint(hint)
        element_model = model_class_of(element, namespace) if element else None
        if model is not None and isinstance(value, dict):
            nested[key], inner = nest(model, value, where + (key,))
            moved += inner
        elif element_model is not None and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    value[index], inner = nest(element_model, item, where + (key, index))
                    moved += inner
    return nested, moved


def found_at(node, path):
    """What `node` holds at `path` (keys and list positions), or `None`."""
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def place(tree, path, value):
    """Puts `value` at `path` in `tree`, making the objects and lists on the way (a list's
    missing elements empty objects); whether the place was free and of the right kind."""
    node = tree
    for part, following in zip(path, path[1:]):
        empty = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            if not isinstance(node, list):
                return False
            while len(node) <= part:
                node.append({})
            if node[part] == {} and isinstance(following, int):
                node[part] = empty
            node = node[part]
        else:
            if not isinstance(node, dict):
                return False
            node = node.setdefault(part, empty)
        if not isinstance(node, type(empty)):
            return False
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(node, list):
            return False
        while len(node) <= last:
            node.append({})
        if node[last] != {}:
            return False
        node[last] = value
        return True
    if not isinstance(node, dict) or last in node:
        return False
    node[last] = value
    return True


def unnest(kept, moved):
    """The kept inputs with each nested name (`nest`) whose place the model kept back under
    that name, beside its object; `restore` then leaves out the objects nesting made."""
    flat = copy.deepcopy(kept)
    for where, name in moved:
        holder = found_at(flat, where)
        value = found_at(holder, dotted_path(name))
        if isinstance(holder, dict) and value is not None:
            holder[name] = value
    return flat


def as_entries(value, names):
    """A map as the list of key-value objects the wire carries it as."""
    key_name, value_name = names
    return [{key_name: key, value_name: item} for key, item in value.items()]


def expressible(model_class, inputs, dropped):
    """The part of `inputs` (wire names) that `model_class` keeps through `from_map` and
    `to_map`. A field whose value the model cannot even take is tried alone."""
    try:
        back = model_class().from_map(copy.deepcopy(inputs)).to_map()
        return intersect(inputs, back, "", dropped) or {}
    except Exception:
        kept = {}
        for key, value in inputs.items():
            try:
                back = model_class().from_map({key: copy.deepcopy(value)}).to_map()
            except Exception as error:
                dropped.append([key, f"the official model cannot take it ({type(error).__name__})"])
                continue
            part = intersect({key: value}, back, "", dropped)
            if part:
                kept.update(part)
        return kept


def as_text(value):
    """A path argument or plain header as the text the Rust SDK sends for it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def annotation_class(parameter, namespace):
    """The class a parameter's annotation names, in the client module's namespace."""
    annotation = parameter.annotation
    if isinstance(annotation, str):
        try:
            annotation = eval(annotation, namespace)  # the SDK's own annotation text
        except Exception:
            return None
    return annotation if inspect.isclass(annotation) else None


def has_field(model_class, wire_name):
    """Whether `model_class` has a field of wire name `wire_name`."""
    marker = object()
    try:
        probe = model_class().from_map({wire_name: marker})
    except Exception:
        return True  # it tried to read the marker as a model or list: the field is there
    return any(value is marker for value in vars(probe).values())


def binary_field(model, wire_name):
    """The attribute of `model` that holds the wire field `wire_name`, and whether the model's
    constructor declares it a stream or bytes."""
    marker = object()
    probe = type(model)().from_map({wire_name: marker})
    for attribute, value in vars(probe).items():
        if value is marker:
            hint = str(inspect.signature(type(model).__init__).parameters.get(attribute, ""))
            kind = "stream" if "BinaryIO" in hint or "BufferedReader" in hint else (
                "bytes" if "bytes" in hint else "text")
            return attribute, kind
    return None, "text"


# Where an input travels when the request model holds it (a path argument or a header does not).
MODEL_LOCATIONS = ("query", "form", "body-field", "body")


class Product:
    def __init__(self, spec, port):
        self.spec = spec
        self.module = importlib.import_module(spec["module"] + ".client")
        self.namespace = vars(self.module)
        from alibabacloud_tea_openapi import models as openapi_models
        config = openapi_models.Config(
            access_key_id=spec["access_key_id"], access_key_secret=spec["access_key_secret"],
            region_id=spec["region"], endpoint=f"127.0.0.1:{port}", protocol="http")
        self.client = self.module.Client(config)
        self.methods = {}
        for name in dir(self.client):
            # An action ending in a capital letter loses the underscore before the suffix
            # (ECS `DisableNetworkInterfaceQoS`: `disable_network_interface_qo_swith_options`).
            if name.endswith("with_options") and not name.startswith("_"):
                self.methods.setdefault(normalized(name[: -len("with_options")]), name)

    def run(self, action):
        name = self.methods.get(normalized(action["action"]))
        if name is None:
            return {"failure": "the official client has no method for this action"}
        method = getattr(self.client, name)
        signature = inspect.signature(method)
        inputs = copy.deepcopy(action["inputs"])
        where = action["locations"]
        dropped = []
        adapted = []
        kept = {}
        arguments = []
        # Path parameters are the method's leading arguments, in its order.
        by_name = {normalized(key): key for key in inputs}
        parameters = list(signature.parameters.values())
        for parameter in parameters:
            if parameter.name in ("request", "tmp_req", "headers", "runtime"):
                break
            key = by_name.get(normalized(parameter.name))
            if key is None:
                return {"method": name,
                        "failure": f"the official method takes `{parameter.name}`, which no input names"}
            kept[key] = inputs.pop(key)
            arguments.append(as_text(kept[key]))
        header_inputs = {k: inputs.pop(k) for k in list(inputs) if where.get(k) == "header"}
        takes = {parameter.name: parameter for parameter in parameters}
        request_parameter = takes.get("request") or takes.get("tmp_req")
        if request_parameter is not None:
            request_class = annotation_class(request_parameter, self.namespace)
            if request_class is None:
                return {"method": name, "failure": "the request model's class is not found"}
            # A path argument whose wire name is also a field of the request model (CS
            # `CreateTrigger`'s `cluster_id`, in the path and the body): the model takes it too.
            for key in list(kept):
                if where.get(key) in MODEL_LOCATIONS and has_field(request_class, key):
                    inputs[key] = kept[key]
            body_fields = [k for k in inputs if where.get(k) == "body-field"]
            regrouped = (body_fields and "body" not in inputs
                         and hasattr(request_class(), "body"))
            model_inputs = dict(inputs)
            if regrouped:
                # The metadata's `body` object: a `body` field of the Python model.
                model_inputs["body"] = {k: model_inputs.pop(k) for k in body_fields}
            # A whole body the model lacks by its metadata name (FC's `function`): the model
            # holds the body's fields as its own, and sends them as the JSON body.
            spread = [k for k in inputs if where.get(k) == "body"
                      and isinstance(inputs[k], dict) and not has_field(request_class, k)]
            for key in spread:
                model_inputs.update(model_inputs.pop(key))
            binary = [k for k in model_inputs if k == action.get("binary_body")]
            entries = action.get("entries", {})
            given = {k: as_entries(v, entries[k]) if k in entries and isinstance(v, dict) else v
                     for k, v in model_inputs.items()}
            given, nested = nest(request_class, given)
            given = adapt(request_class, given, adapted)
            model_kept = expressible(request_class, given, dropped)
            request = request_class().from_map(copy.deepcopy(model_kept))
            model_kept = restore(unnest(model_kept, nested), model_inputs)
            if regrouped and "body" in model_kept:
                kept.update(model_kept.pop("body"))
            for key in spread:
                fields = {k: model_kept.pop(k) for k in inputs[key] if k in model_kept}
                if fields:
                    kept[key] = fields
            kept.update(model_kept)
            for key in binary:
                if key in kept:
                    attribute, kind = binary_field(request, key)
                    if attribute and kind == "stream":
                        setattr(request, attribute, io.BytesIO(kept[key].encode()))
                    elif attribute and kind == "bytes":
                        setattr(request, attribute, kept[key].encode())
            arguments.append(request)
        else:
            for key in inputs:
                dropped.append([key, "the official method takes no request"])
        if "headers" in takes:
            headers_class = annotation_class(takes["headers"], self.namespace)
            if headers_class is not None and hasattr(headers_class, "from_map"):
                given = adapt(headers_class, header_inputs, adapted)
                header_kept = expressible(headers_class, given, dropped)
                arguments.append(headers_class().from_map(copy.deepcopy(header_kept)))
                kept.update(restore(header_kept, header_inputs))
            else:
                kept.update(header_inputs)
                arguments.append({k: as_text(v) for k, v in header_inputs.items()})
        else:
            for key in header_inputs:
                dropped.append([key, "the official method takes no headers"])
        runtime_class = annotation_class(takes["runtime"], self.namespace)
        record = {"method": name, "kept": kept, "dropped": dropped, "adapted": adapted,
                  "outcomes": {}}
        for reply in self.spec["replies"]:
            Capture.captured.clear()
            Capture.reply = (reply["status"], reply["body"], reply["content_type"])
            try:
                method(*arguments, runtime_class())
                outcome = {"outcome": "success"}
            except Exception as error:
                code = getattr(error, "code", None)
                outcome = {"outcome": "error",
                           "detail": type(error).__name__ + (f" {code}" if code else ""),
                           "message": str(error)[:300]}
            outcome["requests"] = len(Capture.captured)
            record["outcomes"][reply["name"]] = outcome
            if reply is self.spec["replies"][0]:
                if not Capture.captured:
                    return {"method": name, "kept": kept, "dropped": dropped,
                            "failure": "nothing was sent: " + outcome.get("detail", "")
                                       + ": " + outcome.get("message", "")}
                record["request"] = Capture.captured[0]
        return record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--out-dir", required=True)
    options = parser.parse_args()
    server = HTTPServer(("127.0.0.1", 0), Capture)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # Every request goes to the capturing server as to a proxy, so that a host label put before
    # the endpoint (`project-1.127.0.0.1`), which resolves nowhere, is sent too.
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy"):
        os.environ.pop(name, None)
    os.environ["HTTP_PROXY"] = os.environ["http_proxy"] = f"http://127.0.0.1:{port}"
    pinned = None
    for path in options.inputs:
        with open(path, encoding="utf-8") as file:
            spec = json.load(file)
        if pinned != (spec["nonce"], spec["date"]):
            pinned = (spec["nonce"], spec["date"])
            pin_nonce_and_date(spec["nonce"], spec["date"], spec["http_date"])
        result = {"dir": spec["dir"], "port": port, "actions": {}}
        try:
            product = Product(spec, port)
        except Exception as error:
            result["failure"] = f"the official client cannot be made: {type(error).__name__}: {error}"
            product = None
        if product is not None:
            for action in spec["actions"]:
                try:
                    record = product.run(action)
                except Exception as error:
                    record = {"failure": f"{type(error).__name__}: {str(error)[:300]}"}
                result["actions"][action["action"]] = record
        out = os.path.join(options.out_dir, spec["dir"] + ".json")
        with open(out, "w", encoding="utf-8") as file:
            json.dump(result, file, ensure_ascii=False, indent=1)
        print(f"{spec['dir']}: {len(result['actions'])} actions", flush=True)
    server.shutdown()


if __name__ == "__main__":
    main()
