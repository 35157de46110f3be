//! The endpoint rule and table of a product, from the metadata's list of regional hosts.
//!
//! Every listed `(region, host)` is kept: a listed host wins over the rule. The rule is the
//! host pattern that most listed hosts follow, with the region written `{region}`
//! (`ecs.{region}.aliyuncs.com`, `{region}.log.aliyuncs.com`); when no listed host names its
//! region, the product is central and the rule is its most common host (`ram.aliyuncs.com`).
//! Ties go to the pattern listed first. Without any listed host the rule is
//! `<product>.{region}.aliyuncs.com`, as the product code alone gives it.

use std::collections::BTreeMap;

use super::openmeta::Endpoint;
use crate::spec::RegionEndpoint;

pub(crate) fn from_metadata(product: &str, listed: &[Endpoint]) -> (String, Vec<RegionEndpoint>) {
    let mut regions: Vec<RegionEndpoint> = Vec::with_capacity(listed.len());
    for endpoint in listed {
        if endpoint.region_id.is_empty()
            || endpoint.endpoint.is_empty()
            || regions
                .iter()
                .any(|known| known.region == endpoint.region_id)
        {
            continue;
        }
        regions.push(RegionEndpoint {
            region: endpoint.region_id.clone(),
            endpoint: endpoint.endpoint.clone(),
        });
    }
    let regional = most_common(
        regions
            .iter()
            .filter(|known| known.endpoint.contains(&known.region))
            .map(|known| known.endpoint.replacen(&known.region, "{region}", 1)),
    );
    let rule = regional
        .or_else(|| most_common(regions.iter().map(|known| known.endpoint.clone())))
        .unwrap_or_else(|| format!("{}.{{region}}.aliyuncs.com", product.to_lowercase()));
    (rule, regions)
}

/// The value that occurs most often, the first listed among equals.
fn most_common(values: impl Iterator<Item = String>) -> Option<String> {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (position, value) in values.enumerate() {
        counts.entry(value).or_insert((0, position)).0 += 1;
    }
    counts
        .into_iter()
        .max_by(|(_, (count_a, first_a)), (_, (count_b, first_b))| {
            count_a.cmp(count_b).then(first_b.cmp(first_a))
        })
        .map(|(value, _)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(pairs: &[(&str, &str)]) -> Vec<Endpoint> {
        pairs
            .iter()
            .map(|(region, host)| Endpoint {
                region_id: (*region).to_owned(),
                endpoint: (*host).to_owned(),
            })
            .collect()
    }

    #[test]
    fn the_rule_is_the_pattern_most_hosts_follow() {
        let (rule, regions) = from_metadata(
            "cas",
            &listed(&[
                ("cn-hangzhou", "cas.aliyuncs.com"),
                ("cn-hongkong", "cas.cn-hongkong.aliyuncs.com"),
                ("ap-northeast-1", "cas.ap-northeast-1.aliyuncs.com"),
            ]),
        );
        assert_eq!(rule, "cas.{region}.aliyuncs.com");
        assert_eq!(regions.len(), 3);
        let (rule, _) = from_metadata(
            "Sls",
            &listed(&[("cn-beijing", "cn-beijing.log.aliyuncs.com")]),
        );
        assert_eq!(rule, "{region}.log.aliyuncs.com");
    }

    #[test]
    fn central_products_and_products_without_hosts() {
        let (rule, _) = from_metadata(
            "Ram",
            &listed(&[
                ("ap-northeast-1", "ram.aliyuncs.com"),
                ("cn-hangzhou", "ram.aliyuncs.com"),
            ]),
        );
        assert_eq!(rule, "ram.aliyuncs.com");
        let (rule, regions) = from_metadata("Kms", &[]);
        assert_eq!(rule, "kms.{region}.aliyuncs.com");
        assert!(regions.is_empty());
    }

    #[test]
    fn a_region_listed_twice_keeps_its_first_host() {
        let (_, regions) = from_metadata(
            "x",
            &listed(&[("cn-a", "x.cn-a.example"), ("cn-a", "other.example")]),
        );
        assert_eq!(regions.len(), 1);
        assert_eq!(regions[0].endpoint, "x.cn-a.example");
    }
}
