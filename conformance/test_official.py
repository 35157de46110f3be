"""Tests of official.py's own logic, with models shaped as the official SDKs' (`from_map`,
`to_map`, annotated constructors) but written here: no official package is needed.

    python3 -m unittest conformance/test_official.py
"""

import http.client
import os
import sys
import threading
import unittest
from typing import List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import official  # noqa: E402


class Tag:
    def __init__(self, key: str = None, value: str = None):
        self.key = key
        self.value = value

    def to_map(self):
        result = {}
        if self.key is not None:
            result["Key"] = self.key
        if self.value is not None:
            result["Value"] = self.value
        return result

    def from_map(self, m):
        self.key = m.get("Key")
        self.value = m.get("Value")
        return self


class Request:
    """As the Python models are: lists always written, text fields, a list of models."""

    def __init__(self, name: str = None, rules: str = None, count: int = None,
                 tag: List[Tag] = None):
        self.name = name
        self.rules = rules
        self.count = count
        self.tag = tag

    def to_map(self):
        result = {"Tag": [t.to_map() for t in self.tag or []]}
        for wire, value in (("Name", self.name), ("Rules", self.rules), ("Count", self.count)):
            if value is not None:
                result[wire] = value
        return result

    def from_map(self, m):
        self.name = m.get("Name")
        self.rules = m.get("Rules")
        self.count = m.get("Count")
        self.tag = [Tag().from_map(t) for t in m.get("Tag") or []]
        return self


class Disk:
    def __init__(self, category: str = None, size: int = None):
        self.category = category
        self.size = size

    def to_map(self):
        result = {}
        if self.category is not None:
            result["Category"] = self.category
        if self.size is not None:
            result["Size"] = self.size
        return result

    def from_map(self, m):
        self.category = m.get("Category")
        self.size = m.get("Size")
        return self


class NestedRequest:
    """As the models of ECS `DescribePrice` and Tag `ListTagKeys` are: an object field and a
    list of objects where the metadata lists `TagFilter.Key` and `DataDisk.1.Category`."""

    def __init__(self, name: str = None, tag_filter: Tag = None, data_disk: List[Disk] = None):
        self.name = name
        self.tag_filter = tag_filter
        self.data_disk = data_disk

    def to_map(self):
        result = {}
        if self.name is not None:
            result["Name"] = self.name
        if self.tag_filter is not None:
            result["TagFilter"] = self.tag_filter.to_map()
        result["DataDisk"] = [d.to_map() for d in self.data_disk or []]
        return result

    def from_map(self, m):
        self.name = m.get("Name")
        if m.get("TagFilter") is not None:
            self.tag_filter = Tag().from_map(m["TagFilter"])
        self.data_disk = [Disk().from_map(d) for d in m.get("DataDisk") or []]
        return self


class Rule:
    def __init__(self, disk: "Disk" = None):
        self.disk = disk

    def to_map(self):
        return {"Disk": self.disk.to_map()} if self.disk is not None else {}

    def from_map(self, m):
        if m.get("Disk") is not None:
            self.disk = Disk().from_map(m["Disk"])
        return self


class RulesRequest:
    def __init__(self, rules: "List[Rule]" = None):
        self.rules = rules

    def to_map(self):
        return {"Rules": [r.to_map() for r in self.rules or []]}

    def from_map(self, m):
        self.rules = [Rule().from_map(r) for r in m.get("Rules") or []]
        return self


class OfficialTest(unittest.TestCase):
    def test_flattened_names_are_given_nested_and_kept_by_their_names(self):
        inputs = {"Name": "n", "TagFilter.Key": "k", "TagFilter.Extra": "e",
                  "DataDisk.2.Size": 20, "DataDisk.1.Category": "c", "Other.Key": "o"}
        given, moved = official.nest(NestedRequest, inputs)
        self.assertEqual(given, {
            "Name": "n", "TagFilter": {"Key": "k", "Extra": "e"},
            "DataDisk": [{"Category": "c"}, {"Size": 20}], "Other.Key": "o"})
        self.assertEqual(moved, [((), "TagFilter.Key"), ((), "TagFilter.Extra"),
                                 ((), "DataDisk.2.Size"), ((), "DataDisk.1.Category")])
        dropped = []
        kept = official.expressible(NestedRequest, given, dropped)
        kept = official.restore(official.unnest(kept, moved), inputs)
        self.assertEqual(kept, {"Name": "n", "TagFilter.Key": "k", "DataDisk.2.Size": 20,
                                "DataDisk.1.Category": "c"})
        self.assertEqual(sorted(path for path, _ in dropped), ["Other.Key", "TagFilter.Extra"])

    def test_a_flattened_name_joins_its_whole_object_where_the_place_is_free(self):
        # ECS `CreateInstance` lists `SystemDisk` (with `StorageClusterId`) and
        # `SystemDisk.Category`; `DataDisk` and `DataDisk.1.Size` both name the first disk's.
        inputs = {"TagFilter": {"Key": "k"}, "TagFilter.Value": "v", "TagFilter.Key": "k2",
                  "DataDisk": [{"Size": 1}], "DataDisk.1.Size": 2, "DataDisk.2.Size": 3}
        given, moved = official.nest(NestedRequest, inputs)
        self.assertEqual(given, {"TagFilter": {"Key": "k", "Value": "v"}, "TagFilter.Key": "k2",
                                 "DataDisk": [{"Size": 1}, {"Size": 3}], "DataDisk.1.Size": 2})
        dropped = []
        kept = official.expressible(NestedRequest, given, dropped)
        kept = official.restore(official.unnest(kept, moved), inputs)
        self.assertEqual(kept, {"TagFilter": {"Key": "k"}, "TagFilter.Value": "v",
                                "DataDisk": [{"Size": 1}], "DataDisk.2.Size": 3})
        self.assertEqual(sorted(path for path, _ in dropped), ["DataDisk.1.Size", "TagFilter.Key"])

    def test_flattened_names_inside_list_elements_are_nested_too(self):
        # Cloud Monitor `CreateGroupMetricRules`: `Escalations.Info.Threshold` in each rule.
        inputs = {"Rules": [{"Disk.Size": 1}, {"Disk.Category": "c"}]}
        given, moved = official.nest(RulesRequest, inputs)
        self.assertEqual(given, {"Rules": [{"Disk": {"Size": 1}}, {"Disk": {"Category": "c"}}]})
        self.assertEqual(moved, [(("Rules", 0), "Disk.Size"), (("Rules", 1), "Disk.Category")])
        kept = official.expressible(RulesRequest, given, [])
        self.assertEqual(official.restore(official.unnest(kept, moved), inputs), inputs)


    def test_what_the_model_cannot_hold_is_dropped_with_why(self):
        dropped = []
        kept = official.expressible(Request, {
            "Name": "n", "Filter.1.Key": "k", "Tag": [{"Key": "a", "Extra": 1}],
        }, dropped)
        self.assertEqual(kept, {"Name": "n", "Tag": [{"Key": "a"}]})
        self.assertEqual([path for path, _ in dropped], ["Filter.1.Key", "Tag[0].Extra"])

    def test_a_value_the_model_changes_is_dropped(self):
        dropped = []
        self.assertEqual(official.intersect(True, 1, "Flag", dropped), None)
        self.assertEqual(dropped[0][0], "Flag")

    def test_structures_given_to_a_text_field_are_their_json_text_and_come_back_whole(self):
        adapted = []
        inputs = {"Rules": {"b": 1, "a": [True, "中"]}, "Count": 7, "Name": False}
        given = official.adapt(Request, inputs, adapted)
        self.assertEqual(given["Rules"], '{"b":1,"a":[true,"中"]}')
        self.assertEqual(given["Name"], "false")
        self.assertEqual(given["Count"], 7, "an int field keeps its number")
        self.assertEqual(sorted(adapted), ["Name", "Rules"])
        kept = official.expressible(Request, given, [])
        self.assertEqual(official.restore(kept, inputs), inputs)

    def test_a_map_carried_as_key_value_objects_is_given_so(self):
        entries = official.as_entries({"k1": "v1"}, ["Key", "Value"])
        self.assertEqual(entries, [{"Key": "k1", "Value": "v1"}])
        kept = official.expressible(Request, {"Tag": entries}, [])
        self.assertEqual(official.restore(kept, {"Tag": {"k1": "v1"}}), {"Tag": {"k1": "v1"}})

    def test_a_field_is_known_by_its_wire_name(self):
        self.assertTrue(official.has_field(Request, "Rules"))
        self.assertTrue(official.has_field(Request, "Tag"))
        self.assertFalse(official.has_field(Request, "function"))

    def test_method_names_compare_without_case_or_separators(self):
        self.assertEqual(official.normalized("ExecuteDDLWithOptions"),
                         official.normalized("execute_ddlwith_options"))


class CaptureTest(unittest.TestCase):
    def test_a_request_line_over_64_kib_is_recorded_and_answered_with_the_reply(self):
        server = official.HTTPServer(("127.0.0.1", 0), official.Capture)
        thread = threading.Thread(target=server.handle_request)
        thread.start()
        official.Capture.captured.clear()
        official.Capture.reply = (200, "<Result/>", "application/xml")
        query = "Data=" + "x" * 70000
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1])
        connection.request("GET", "/?" + query)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        thread.join()
        server.server_close()
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Content-Type"), "application/xml")
        self.assertEqual(body, b"<Result/>")
        self.assertEqual(official.Capture.captured[0]["query"], query)


if __name__ == "__main__":
    unittest.main()
