//! The catalog of the product-versions Alibaba Cloud publishes OpenMeta metadata for: product
//! code, version, style, number of operations, and where the metadata service publishes each
//! `api-docs.json`. These are facts about the metadata, not the metadata itself, which is
//! never committed. `cargo xtask catalog --openmeta-dir DIR` makes the catalog from an unpacked
//! corpus ([`Catalog::from_entries`]); `cargo xtask import PRODUCT` finds a product-version in
//! it ([`Catalog::resolve`]).

use serde::{Deserialize, Serialize};

/// The committed catalog, from the workspace root.
pub const CATALOG_FILE: &str = "catalog/products.json";

/// Alibaba Cloud's metadata service: `<base>/products/<Code>/versions/<version>/api-docs.json`.
pub const METADATA_SERVICE: &str = "https://api.aliyun.com/meta/v1";

/// The language of the documentation the catalog's metadata is in (the service's `language`
/// query parameter; a corpus keeps it as its top directory, `en_us`).
pub const LANGUAGE: &str = "EN_US";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// The metadata service every entry's `path` is relative to.
    pub service: String,
    /// The documentation's language, as the service's `language` parameter takes it.
    pub language: String,
    /// Sorted by product code (ignoring case), then version.
    pub products: Vec<Entry>,
}

/// One product-version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The product code as the metadata spells it (`Ecs`, `dataworks-public`): the service's
    /// paths are case-sensitive.
    pub code: String,
    pub version: String,
    /// `RPC`, `ROA`, … as `info.style` gives it.
    pub style: String,
    pub operations: usize,
}

impl Entry {
    /// Where the metadata service publishes this product-version's `api-docs.json`, relative
    /// to the service.
    pub fn path(&self) -> String {
        format!(
            "products/{}/versions/{}/api-docs.json",
            self.code, self.version
        )
    }

    /// The `api-docs.json` of this product-version on `service` (the catalog's, or another
    /// that serves the same paths), in `language`.
    pub fn url(&self, service: &str, language: &str) -> String {
        format!(
            "{}/{}?language={language}",
            service.trim_end_matches('/'),
            self.path()
        )
    }

    /// Where an unpacked corpus holds this product-version's `api-docs.json`, from the
    /// corpus's language directory: `<code in lower case>/<version>/api-docs.json`.
    pub fn corpus_path(&self) -> String {
        format!(
            "{}/{}/api-docs.json",
            self.code.to_lowercase(),
            self.version
        )
    }

    /// `code@version`, as `cargo xtask import` takes it.
    pub fn name(&self) -> String {
        format!("{}@{}", self.code.to_lowercase(), self.version)
    }
}

impl Catalog {
    /// The catalog of these product-versions on Alibaba Cloud's metadata service.
    pub fn from_entries(mut products: Vec<Entry>) -> Catalog {
        products.sort_by(|a, b| {
            (a.code.to_lowercase(), &a.version).cmp(&(b.code.to_lowercase(), &b.version))
        });
        Catalog {
            service: METADATA_SERVICE.to_owned(),
            language: LANGUAGE.to_owned(),
            products,
        }
    }

    pub fn parse(text: &str) -> Result<Catalog, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The catalog as JSON, one product-version a line, so that a refresh shows as a diff of
    /// the lines that changed.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\n");
        out.push_str(&format!("  \"service\": {},\n", quoted(&self.service)));
        out.push_str(&format!("  \"language\": {},\n", quoted(&self.language)));
        out.push_str("  \"products\": [\n");
        let lines: Vec<String> = self
            .products
            .iter()
            .map(|entry| {
                format!(
                    "    {}",
                    serde_json::to_string(entry).expect("an entry is plain data")
                )
            })
            .collect();
        out.push_str(&lines.join(",\n"));
        out.push_str("\n  ]\n}\n");
        out
    }

    /// The product-version that `wanted` names: a product code in any case (`ecs`, its newest
    /// version) or a code and a version (`ecs@2014-05-26`).
    pub fn resolve(&self, wanted: &str) -> Result<&Entry, String> {
        let (code, version) = match wanted.split_once('@') {
            Some((code, version)) => (code, Some(version)),
            None => (wanted, None),
        };
        let versions: Vec<&Entry> = self
            .products
            .iter()
            .filter(|entry| entry.code.eq_ignore_ascii_case(code))
            .collect();
        if versions.is_empty() {
            let hint = self
                .nearest_code(code)
                .map(|nearest| format!("; did you mean `{}`?", nearest.to_lowercase()))
                .unwrap_or_default();
            return Err(format!(
                "no product `{code}` in the catalog ({CATALOG_FILE}){hint} \
                 `cargo xtask import --list` shows them all"
            ));
        }
        match version {
            None => Ok(versions
                .iter()
                .max_by(|a, b| a.version.cmp(&b.version))
                .expect("at least one version")),
            Some(version) => versions
                .iter()
                .find(|entry| entry.version == version)
                .copied()
                .ok_or_else(|| {
                    let known: Vec<&str> = versions
                        .iter()
                        .map(|entry| entry.version.as_str())
                        .collect();
                    format!(
                        "the catalog has no version {version} of `{code}`; it has {}",
                        known.join(", ")
                    )
                }),
        }
    }

    /// The entry of exactly this product code (any case) and version.
    pub fn find(&self, code: &str, version: &str) -> Option<&Entry> {
        self.products
            .iter()
            .find(|entry| entry.code.eq_ignore_ascii_case(code) && entry.version == version)
    }

    /// The newest version of `code` in the catalog.
    pub fn newest(&self, code: &str) -> Option<&Entry> {
        self.products
            .iter()
            .filter(|entry| entry.code.eq_ignore_ascii_case(code))
            .max_by(|a, b| a.version.cmp(&b.version))
    }

    /// The product-versions whose code contains `filter`, ignoring case (all for `""`).
    pub fn matching(&self, filter: &str) -> Vec<&Entry> {
        let filter = filter.to_lowercase();
        self.products
            .iter()
            .filter(|entry| entry.code.to_lowercase().contains(&filter))
            .collect()
    }

    fn nearest_code(&self, code: &str) -> Option<&str> {
        let code = code.to_lowercase();
        self.products
            .iter()
            .map(|entry| {
                let distance = strsim::levenshtein(&code, &entry.code.to_lowercase());
                (distance, entry.code.as_str())
            })
            .filter(|(distance, _)| *distance <= 2)
            .min()
            .map(|(_, code)| code)
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string is JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str, version: &str) -> Entry {
        Entry {
            code: code.to_owned(),
            version: version.to_owned(),
            style: "RPC".to_owned(),
            operations: 3,
        }
    }

    fn catalog() -> Catalog {
        Catalog::from_entries(vec![
            entry("Ecs", "2014-05-26"),
            entry("cas", "2020-04-07"),
            entry("cas", "2018-07-13"),
            entry("dataworks-public", "2024-05-18"),
        ])
    }

    #[test]
    fn a_code_names_its_newest_version_and_code_at_version_one_version() {
        let catalog = catalog();
        assert_eq!(catalog.resolve("ECS").unwrap().code, "Ecs");
        assert_eq!(catalog.resolve("cas").unwrap().version, "2020-04-07");
        assert_eq!(
            catalog.resolve("cas@2018-07-13").unwrap().version,
            "2018-07-13"
        );
        let unknown_version = catalog.resolve("cas@2019-01-01").unwrap_err();
        assert!(
            unknown_version.contains("2018-07-13, 2020-04-07"),
            "{unknown_version}"
        );
        let misspelt = catalog.resolve("ecss").unwrap_err();
        assert!(misspelt.contains("did you mean `ecs`?"), "{misspelt}");
        assert!(
            !catalog
                .resolve("kafka")
                .unwrap_err()
                .contains("did you mean")
        );
    }

    #[test]
    fn urls_keep_the_codes_case_and_corpus_paths_lower_it() {
        let ecs = entry("Ecs", "2014-05-26");
        assert_eq!(
            ecs.url(METADATA_SERVICE, LANGUAGE),
            "https://api.aliyun.com/meta/v1/products/Ecs/versions/2014-05-26/api-docs.json?language=EN_US"
        );
        assert_eq!(
            ecs.url("http://127.0.0.1:8080/meta/", "EN_US"),
            "http://127.0.0.1:8080/meta/products/Ecs/versions/2014-05-26/api-docs.json?language=EN_US"
        );
        assert_eq!(ecs.corpus_path(), "ecs/2014-05-26/api-docs.json");
        assert_eq!(ecs.name(), "ecs@2014-05-26");
    }

    #[test]
    fn the_json_reads_back_sorted_one_entry_a_line() {
        let catalog = catalog();
        let json = catalog.to_json();
        assert_eq!(Catalog::parse(&json).unwrap(), catalog);
        let codes: Vec<&str> = catalog.products.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["cas", "cas", "dataworks-public", "Ecs"]);
        assert!(json.contains(
            "\n    {\"code\":\"Ecs\",\"version\":\"2014-05-26\",\"style\":\"RPC\",\"operations\":3}\n"
        ));
        assert_eq!(catalog.matching("CA").len(), 2);
        assert_eq!(catalog.matching("").len(), 4);
        assert_eq!(catalog.newest("CAS").unwrap().version, "2020-04-07");
        assert!(catalog.find("ecs", "2014-05-26").is_some());
    }
}
