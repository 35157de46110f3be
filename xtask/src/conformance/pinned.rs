//! Which product-versions have an official Python SDK, and at which version: the pinned list
//! `conformance/requirements-products.txt`, matched to the corpus by the official packages'
//! naming rule.

use std::collections::BTreeMap;

/// A pinned official package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// As PyPI spells it (`alibabacloud-aligenieiap_1-0`).
    pub name: String,
    pub version: String,
}

impl Package {
    /// The Python module it installs (`alibabacloud_aligenieiap_1_0`).
    pub fn module(&self) -> String {
        normalized(&self.name).replace('-', "_")
    }
}

/// Pinned packages by normalised name, from the lines `name==version` of a requirements file
/// (comments and blank lines skipped).
pub fn parse(text: &str) -> Result<BTreeMap<String, Package>, String> {
    let mut packages = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, version) = line
            .split_once("==")
            .ok_or_else(|| format!("line {}: `{line}` is not `name==version`", number + 1))?;
        let package = Package {
            name: name.trim().to_owned(),
            version: version.trim().to_owned(),
        };
        packages.insert(normalized(&package.name), package);
    }
    Ok(packages)
}

/// A package name as PyPI compares names (PEP 503): lower case, every run of `-`, `_` and
/// `.` one `-`.
pub fn normalized(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut separated = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !separated {
                out.push('-');
            }
            separated = true;
        } else {
            out.extend(c.to_lowercase());
            separated = false;
        }
    }
    out
}

/// The official package of a product-version, normalised: `alibabacloud-` then the product
/// code in lower case and the version without its dashes (`ecs` `2014-05-26` →
/// `alibabacloud-ecs20140526`; `AliGenie` `iap_1.0` → `alibabacloud-aligenieiap-1-0`).
pub fn package_of(product: &str, version: &str) -> String {
    normalized(&format!(
        "alibabacloud-{}{}",
        product.to_lowercase(),
        version.replace('-', "")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_follow_the_official_naming_rule() {
        assert_eq!(package_of("Ecs", "2014-05-26"), "alibabacloud-ecs20140526");
        assert_eq!(
            package_of("ocr-api", "2021-07-07"),
            "alibabacloud-ocr-api20210707"
        );
        assert_eq!(
            package_of("FC-Open", "2021-04-06"),
            "alibabacloud-fc-open20210406"
        );
        assert_eq!(
            package_of("AiContent", "20240611"),
            "alibabacloud-aicontent20240611"
        );
        assert_eq!(
            package_of("AliGenie", "iap_1.0"),
            "alibabacloud-aligenieiap-1-0"
        );
    }

    #[test]
    fn requirements_are_read_by_normalised_name() {
        let packages = parse(
            "# pinned\n\nalibabacloud-aligenieiap_1-0==2.0.0\nalibabacloud-ecs20140526==7.5.1\n",
        )
        .unwrap();
        let aligenie = &packages["alibabacloud-aligenieiap-1-0"];
        assert_eq!(aligenie.version, "2.0.0");
        assert_eq!(aligenie.module(), "alibabacloud_aligenieiap_1_0");
        assert_eq!(packages.len(), 2);
        assert!(parse("alibabacloud-ecs20140526>=7").is_err());
    }
}
