//! `request_also_as_json_body` (SAF's official clients: the query as the metadata says, and the
//! whole request again as a JSON body): the generated request writes each parameter where it
//! goes and then again as a body field, in the byte order of the wire names, and the operation
//! tells the runtime (and so the CLI's table) so.

use std::collections::BTreeMap;
use std::path::PathBuf;

const SERVICE: &str = "product: saf\napi_version: \"2019-05-21\"\nstyle: rpc\nprotocol: https\n\
    signature: ACS3-HMAC-SHA256\nendpoints:\n  rule: 'saf.{region}.aliyuncs.com'\n";

fn generated(copied: bool) -> String {
    let operation = format!(
        "name: ExecuteRequest\nmethods: [POST]\nrequest_also_as_json_body: {copied}\nrequest:\n\
         - {{name: Service, in: query, type: string, required: true}}\n\
         - {{name: Count, in: query, type: int32}}\n\
         - {{name: Lang, in: query, type: string}}\n"
    );
    let texts: BTreeMap<PathBuf, String> = [
        ("spec/saf/service.yaml", SERVICE.to_owned()),
        ("spec/saf/operations/ExecuteRequest.yaml", operation),
    ]
    .into_iter()
    .map(|(path, text)| (PathBuf::from(path), text))
    .collect();
    let files = acs_codegen::generate_from_texts("saf", &texts).expect("the spec generates");
    files
        .iter()
        .filter(|(path, _)| path.to_string_lossy().contains("execute_request"))
        .map(|(_, text)| text.replace(char::is_whitespace, ""))
        .collect()
}

#[test]
fn each_parameter_goes_to_the_query_and_again_to_the_json_body_in_name_order() {
    let code = generated(true);
    assert!(
        code.contains(".with_request_also_as_json_body()"),
        "the operation tells the runtime: {code}"
    );
    let position = |needle: &str| {
        code.find(needle)
            .unwrap_or_else(|| panic!("`{needle}` is not written: {code}"))
    };
    let query = position(r#"params.query.put("Service",&self.service);"#);
    let count = position(r#"params.put_body_field("Count",value)?;"#);
    let lang = position(r#"params.put_body_field("Lang",value)?;"#);
    let service = position(r#"params.put_body_field("Service",&self.service)?;"#);
    assert!(query < count && count < lang && lang < service, "{code}");
}

#[test]
fn without_the_key_the_parameters_go_where_they_go_only() {
    let code = generated(false);
    assert!(!code.contains("with_request_also_as_json_body"), "{code}");
    assert!(!code.contains("put_body_field"), "{code}");
    assert!(
        code.contains(r#"params.query.put("Service",&self.service);"#),
        "{code}"
    );
}
