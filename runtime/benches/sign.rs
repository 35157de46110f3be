//! Encoding one call's parameters and signing it; the target is under 5 µs together.

use std::collections::BTreeMap;
use std::hint::black_box;

use acs_runtime::params::Params;
use acs_runtime::sign::{self, SigningRequest};
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Serialize;

#[derive(Serialize)]
struct Filter {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Value")]
    value: Vec<String>,
}

/// A StartExecution-sized request: scalars, a JSON map and a repeat list.
struct Request {
    region_id: Option<String>,
    template_name: Option<String>,
    mode: Option<String>,
    parameters: Option<String>,
    client_token: Option<String>,
    description: Option<String>,
    max_results: Option<i32>,
    safety_check: Option<bool>,
    tags: Option<BTreeMap<String, String>>,
    filter: Option<Vec<Filter>>,
}

impl Request {
    fn encode(&self) -> Params {
        let mut params = Params::with_capacity(16);
        params.put("RegionId", &self.region_id);
        params.put("TemplateName", &self.template_name);
        params.put("Mode", &self.mode);
        params.put("Parameters", &self.parameters);
        params.put("ClientToken", &self.client_token);
        params.put("Description", &self.description);
        params.put("MaxResults", &self.max_results);
        params.put("SafetyCheck", &self.safety_check);
        params.put_json("Tags", &self.tags).expect("string map");
        params
            .put_repeat_list("Filter", &self.filter)
            .expect("structs");
        params
    }
}

fn request() -> Request {
    Request {
        region_id: Some("cn-hangzhou".into()),
        template_name: Some("ACS-ECS-BulkyStartInstances".into()),
        mode: Some("Automatic".into()),
        parameters: Some(r#"{"regionId":"cn-hangzhou","targets":{"Type":"ResourceIds"}}"#.into()),
        client_token: Some("123e4567-e89b-12d3-a456-426655440000".into()),
        description: Some("nightly restart 中文".into()),
        max_results: Some(50),
        safety_check: Some(true),
        tags: Some(BTreeMap::from([
            ("team".into(), "ops".into()),
            ("env".into(), "prod".into()),
        ])),
        filter: Some(vec![Filter {
            name: "PlatformName".into(),
            value: vec!["ubuntu".into(), "centos 7".into()],
        }]),
    }
}

const HEADERS: [(&str, &str); 6] = [
    ("host", "oos.cn-hangzhou.aliyuncs.com"),
    ("x-acs-action", "StartExecution"),
    ("x-acs-version", "2019-06-01"),
    ("x-acs-date", "2024-05-01T08:30:00Z"),
    ("x-acs-signature-nonce", "3f2b7c9e1d4a4b6f8e0c5a7d9b1e2f30"),
    (
        "x-acs-content-sha256",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
];

fn sign_params(params: &Params) -> sign::Signature {
    let query: Vec<(&str, &str)> = params.iter().collect();
    sign::sign(
        &SigningRequest {
            method: "POST",
            path: "/",
            query: &query,
            headers: &HEADERS,
            body: b"",
        },
        "LTAI5tExampleAccessKeyId",
        "ExampleAccessKeySecret",
    )
}

fn encode_and_sign(criterion: &mut Criterion) {
    let request = request();
    let params = request.encode();
    assert_eq!(params.len(), 12);

    let mut group = criterion.benchmark_group("start_execution_call");
    group.bench_function("encode", |bencher| {
        bencher.iter(|| black_box(&request).encode())
    });
    group.bench_function("sign", |bencher| {
        bencher.iter(|| sign_params(black_box(&params)))
    });
    group.bench_function("encode_and_sign", |bencher| {
        bencher.iter(|| sign_params(&black_box(&request).encode()).authorization)
    });
    group.finish();
}

criterion_group!(benches, encode_and_sign);
criterion_main!(benches);
