//! What the official Python SDKs' models write for a field left unset that holds models in a
//! list or a map. Their `to_map` writes such a field whatever its value (`result['Rules'] = []`,
//! then the elements if any; `result['Permission'] = {}` likewise), and every other field only
//! when it is set. The text sent is that map's JSON wherever a nested model travels as JSON: a
//! JSON-style parameter (`RayConfig={"StorageMounts":[],…}`) or a JSON body. Flattened, an
//! empty list or map names no parameter, so flat and repeat-list styles send nothing for it.
//! Generated `Serialize` implementations write these for such fields of request structs.

use serde::{Serialize, Serializer};

/// An empty JSON list, `[]`: an unset list that holds models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsetList;

impl Serialize for UnsetList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(std::iter::empty::<()>())
    }
}

/// An empty JSON object, `{}`: an unset map whose values hold models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsetMap;

impl Serialize for UnsetMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(std::iter::empty::<((), ())>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_lists_and_maps_are_written_empty() {
        assert_eq!(serde_json::to_string(&UnsetList).unwrap(), "[]");
        assert_eq!(serde_json::to_string(&UnsetMap).unwrap(), "{}");
    }

    #[test]
    fn flattened_they_name_no_parameter() {
        let value = serde_json::json!({"Key": "k", "Rules": UnsetList, "Labels": UnsetMap});
        let mut params = crate::Params::new();
        params.put_flat("Config", &value).unwrap();
        params.put_repeat_list("Items", &[&value]).unwrap();
        let sent: Vec<(&str, &str)> = params.iter().collect();
        assert_eq!(sent, [("Config.Key", "k"), ("Items.1.Key", "k")]);
    }
}
