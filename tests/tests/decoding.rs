//! Response decoders never panic, whatever the service sends: arbitrary bytes and arbitrary
//! JSON either decode or give an error.

use alibabacloud_oos::operation::{
    describe_application_group_bill::DescribeApplicationGroupBillResponse,
    get_template::GetTemplateResponse, list_executions::ListExecutionsResponse,
    list_instance_patch_states::ListInstancePatchStatesResponse,
    list_tag_resources::ListTagResourcesResponse,
};
use proptest::prelude::*;
use serde_json::Value;

fn decode_all(bytes: &[u8]) {
    let _ = acs_runtime::de::from_slice::<ListInstancePatchStatesResponse>(bytes);
    let _ = acs_runtime::de::from_slice::<ListExecutionsResponse>(bytes);
    let _ = acs_runtime::de::from_slice::<GetTemplateResponse>(bytes);
    let _ = acs_runtime::de::from_slice::<ListTagResourcesResponse>(bytes);
    let _ = acs_runtime::de::from_slice::<DescribeApplicationGroupBillResponse>(bytes);
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("RequestId".to_string()),
            Just("Executions".to_string()),
            Just("Status".to_string()),
            Just("InstancePatchStates".to_string()),
            Just("MaxResults".to_string()),
            Just("TagResources".to_string()),
            "[A-Za-z]{1,8}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((keys, inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        decode_all(value.to_string().as_bytes());
    }
}
