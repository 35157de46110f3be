//! Metadata → spec values, on `types.json`, which holds every type, format, style and location.

use acs_codegen::spec::{OperationSpec, ServiceSpec};

use crate::{assert_same, import_fixture, operation};

#[test]
fn service_takes_info_and_endpoints_in_metadata_order() {
    let specs = import_fixture("types.json", None);
    assert_same::<ServiceSpec>(
        &specs.service,
        r#"
product: demo
api_version: "2024-01-01"
style: rpc
protocol: https
signature: ACS3-HMAC-SHA256
endpoints:
  rule: demo.{region}.aliyuncs.com
  regions:
    - {region: cn-shanghai, endpoint: demo.cn-shanghai.aliyuncs.com}
    - {region: ap-southeast-1, endpoint: demo-intl.ap-southeast-1.aliyuncs.com}
"#,
    );
}

#[test]
fn scalars_locations_styles_and_constraints() {
    let specs = import_fixture("types.json", None);
    assert_same::<OperationSpec>(
        operation(&specs, "DescribeScalars"),
        r#"
name: DescribeScalars
summary: Describes every scalar.
description: "First paragraph.\n\nSecond paragraph, long enough to be folded when it is written out as YAML by the importer."
methods: [POST, GET]
ram: {action: "demo:DescribeScalars", access_level: get}
read_only: true
request:
  - {name: Name, in: query, required: true, type: string, description: The name., example: demo}
  - {name: Count32, in: query, type: int32, default: "10", minimum: 1, maximum: 100}
  - {name: Count64, in: formData, type: int64, minimum: 0, maximum: 1000}
  - {name: CountPlain, in: body, type: int64, example: "42"}
  - {name: Ratio, in: path, type: float, minimum: 0.5}
  - {name: Precise, in: header, type: double}
  - {name: Approximate, in: query, type: double}
  - {name: Enabled, in: query, type: boolean, default: "true"}
  - {name: Mode, in: query, type: string, type_name: Mode, enum: [Slow, Fast]}
  - {name: Level, in: query, type: int32, enum: ["1", "2", "3"]}
  - {name: RegionId, in: query, type: string}
  - {name: OldName, in: query, type: string, deprecated: true}
  - {name: Note, in: query, type: string, description: "  Leading spaces stay."}
  - name: Labels
    in: query
    style: flat
    type: array
    max_items: 5
    items: {type: string}
response:
  - {name: RequestId, type: string, description: The request ID., example: r-1}
  - {name: Total, type: int64}
  - {name: Score, type: float}
  - {name: Ready, type: boolean}
  - {name: Ratio, type: double}
response_example: "{\n  \"RequestId\": \"r-1\",\n  \"Ready\": true\n}"
"#,
    );
}

#[test]
fn objects_maps_free_form_and_nested_arrays() {
    let specs = import_fixture("types.json", None);
    assert_same::<OperationSpec>(
        operation(&specs, "CreateWidget"),
        r#"
name: CreateWidget
summary: Creates a widget.
deprecated: true
methods: [POST]
ram: {action: "demo:CreateWidget", access_level: create}
request:
  - name: Widget
    in: query
    style: json
    required: true
    type: object
    type_name: WidgetInput
    fields:
      - {name: Name, required: true, type: string}
      - name: Size
        type: object
        type_name: Size
        fields:
          - {name: Width, type: int32}
          - {name: Height, type: int32}
      - name: Parts
        type: array
        items:
          type: object
          type_name: Part
          fields:
            - {name: PartId, type: string}
            - name: Options
              type: array
              items: {type: array, items: {type: string}}
      - {name: Metadata, type: any, example: '{"k":"v"}'}
  - name: Settings
    in: query
    style: json
    type: map
    values: {type: string}
  - name: Limits
    in: query
    style: json
    type: map
    values:
      type: object
      type_name: Limit
      fields:
        - {name: Max, type: int64}
  - {name: Tags, in: query, style: json, type: any, example: '{"k1":"v1"}'}
  - name: Filter
    in: query
    style: repeatList
    type: array
    max_items: 5
    items:
      type: object
      type_name: Filter
      fields:
        - {name: Name, type: string}
        - {name: Value, type: array, max_items: 20, items: {type: string}}
  - name: Matrix
    in: query
    style: json
    type: array
    items: {type: array, items: {type: int32}}
  - name: Flags
    in: query
    style: repeatList
    type: array
    items: {type: boolean}
response:
  - name: Widget
    type: object
    type_name: Widget
    fields:
      - {name: WidgetId, type: string}
      - name: Policies
        type: array
        items:
          type: object
          type_name: Policy
          fields: [{name: PolicyName, type: string}]
      - name: Statuses
        type: array
        items:
          type: object
          type_name: Status
          fields: [{name: Code, type: string}]
      - name: InstancePatchStates
        type: array
        items:
          type: object
          type_name: InstancePatchState
          fields: [{name: InstanceId, type: string}]
  - {name: Entries, type: array, items: {type: any}}
  - {name: Attributes, type: map, values: {type: string}}
  - {name: Extra, type: any}
"#,
    );
}

#[test]
fn success_response_headers_become_header_fields_of_the_response() {
    use crate::{imported, with_api};
    let specs = imported(&with_api(
        r#"{"methods": ["post"], "responses": {"200": {
            "schema": {"type": "object", "properties": {"RequestId": {"type": "string"}}},
            "headers": {
                "x-next": {"schema": {"type": "integer", "format": "int64"}},
                "x-ok": {"schema": {"type": "boolean"}},
                "x-meta-*": {"schema": {"type": "object", "additionalProperties": {"type": "string"}}},
                "requestid": {"schema": {"type": "string"}},
                "x\u2011count": {"schema": {"type": "integer"}},
                "x-shape": {"schema": {"type": "object", "properties": {"A": {"type": "string"}}}}}}}}"#,
    ));
    assert_same(
        &operation(&specs, "Api").response,
        r#"
- {name: RequestId, type: string}
- {name: x-next, in: header, type: int64}
- {name: x-ok, in: header, type: boolean}
- {name: x-meta-*, in: header, style: prefixed, type: map, values: {type: string}}
"#,
    );
    // Beside a whole body too, but for a header named as the field the body is decoded as.
    let whole_body = imported(&with_api(
        r#"{"methods": ["get"], "responses": {"200": {
            "schema": {"type": "array", "items": {"type": "string"}},
            "headers": {
                "x-count": {"schema": {"type": "integer"}},
                "Body": {"schema": {"type": "string"}}}}}}"#,
    ));
    assert_same(
        &operation(&whole_body, "Api").response,
        "- {name: x-count, in: header, type: int64}\n",
    );
    assert!(operation(&whole_body, "Api").response_body.is_some());
}
