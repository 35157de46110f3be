//! Paths addressing a request parameter or response field by wire names, as the overlay and
//! waiters write them: names joined by `.`, each followed by any number of `[]` (into an
//! array's items; an index such as `[0]` means the same) or `{}` (into a map's values).
//! Examples: `Parameter.Value`, `Executions[].Status`, `Executions[0].Status`, `Labels{}.Name`.

use super::error::OverlayProblem;
use crate::spec::Shape;

/// The shape at `path` among `shapes` (an operation's parameters or response fields).
pub(crate) fn resolve<'a>(
    shapes: &'a mut [Shape],
    path: &str,
) -> Result<&'a mut Shape, OverlayProblem> {
    let (segment, rest) = match path.split_once('.') {
        Some((segment, rest)) => (segment, Some(rest)),
        None => (path, None),
    };
    let (name, steps) = parse_segment(segment)?;
    let mut shape = shapes
        .iter_mut()
        .find(|shape| shape.name.as_ref().is_some_and(|wire| wire.value == name))
        .ok_or_else(|| OverlayProblem::NoSuchField {
            name: name.to_owned(),
        })?;
    for step in steps {
        shape = match step {
            Step::Items => {
                shape
                    .items
                    .as_deref_mut()
                    .ok_or_else(|| OverlayProblem::NotAnArray {
                        name: name.to_owned(),
                    })?
            }
            Step::Values => shape
                .values
                .as_deref_mut()
                .ok_or_else(|| OverlayProblem::NotAMap {
                    name: name.to_owned(),
                })?,
        };
    }
    match rest {
        None => Ok(shape),
        Some(rest) => resolve(&mut shape.fields, rest),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Step {
    Items,
    Values,
}

/// `Executions[]` → (`Executions`, [Items]).
fn parse_segment(segment: &str) -> Result<(&str, Vec<Step>), OverlayProblem> {
    let invalid = |reason: String| OverlayProblem::InvalidPath { reason };
    let name_end = segment.find(['[', '{']).unwrap_or(segment.len());
    let (name, mut suffix) = segment.split_at(name_end);
    if name.is_empty() {
        return Err(invalid(format!("segment `{segment}` has no name")));
    }
    if name.contains([']', '}']) {
        return Err(invalid(format!("`{name}` has an unmatched bracket")));
    }
    let mut steps = Vec::new();
    while !suffix.is_empty() {
        if let Some(rest) = suffix.strip_prefix("{}") {
            steps.push(Step::Values);
            suffix = rest;
            continue;
        }
        let index_end = suffix.find(']').map(|end| end + 1);
        match index_end.map(|end| suffix.split_at(end)) {
            Some((index, rest))
                if index.starts_with('[')
                    && index[1..index.len() - 1]
                        .chars()
                        .all(|c| c.is_ascii_digit()) =>
            {
                steps.push(Step::Items);
                suffix = rest;
            }
            _ => {
                return Err(invalid(format!(
                    "`{suffix}` after `{name}` is neither `[]`, `[<index>]` nor `{{}}`"
                )));
            }
        }
    }
    Ok((name, steps))
}

#[cfg(test)]
mod tests {
    use super::{Step, parse_segment};
    use crate::import::error::OverlayProblem;

    #[test]
    fn segments_with_steps() {
        assert_eq!(parse_segment("Status"), Ok(("Status", vec![])));
        assert_eq!(
            parse_segment("Executions[]"),
            Ok(("Executions", vec![Step::Items]))
        );
        assert_eq!(
            parse_segment("Executions[0]"),
            Ok(("Executions", vec![Step::Items]))
        );
        assert_eq!(
            parse_segment("Matrix[][12]{}"),
            Ok(("Matrix", vec![Step::Items, Step::Items, Step::Values]))
        );
    }

    #[test]
    fn malformed_segments() {
        for segment in [
            "", "[]", "Items[", "Items[x]", "Items]", "Items{", "Items[]x",
        ] {
            assert!(
                matches!(
                    parse_segment(segment),
                    Err(OverlayProblem::InvalidPath { .. })
                ),
                "{segment:?} should be rejected"
            );
        }
    }
}
