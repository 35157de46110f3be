//! Where a member travels and how it is encoded there: a request parameter's `in` and
//! `style`, checked against what its type can be sent as; a response field's `in: header`;
//! a whole binary request body's `content_type`. Members elsewhere take none of these keys.

use super::shapes::{Position, Shapes};
use super::suggestion;
use crate::diagnostics::SourceLocation;
use crate::ir::{Location, Style, Type};
use crate::spec::Shape;

pub(super) const STYLES: &[&str] = &["simple", "json", "repeatList", "flat", "prefixed"];
const LOCATIONS: &[&str] = &["query", "formData", "body", "path", "header", "host"];

impl Shapes<'_> {
    /// Whether a whole `binary` body goes without a `Content-Type`: `content_type: none`.
    /// The key is for such bodies only, and names `application/octet-stream` or `none`.
    pub(super) fn lower_content_type(
        &mut self,
        shape: &Shape,
        location: Location,
        ty: &Type,
    ) -> bool {
        let Some(content_type) = &shape.content_type else {
            return false;
        };
        if location != Location::Body || *ty != Type::Binary {
            self.report(
                self.at(content_type),
                "`content_type` applies only to a whole `binary` request body",
                Some("remove `content_type` here".into()),
            );
            return false;
        }
        match content_type.value.as_str() {
            "none" => true,
            "application/octet-stream" => false,
            other => {
                self.report(
                    self.at(content_type),
                    format!("unknown content type `{other}`"),
                    Some("use `application/octet-stream` (the default) or `none`".into()),
                );
                false
            }
        }
    }

    /// A member's location and encoding style: a parameter's `in` (required) and `style`,
    /// a response field's `in: header`, and otherwise the defaults, for keys that do not apply.
    pub(super) fn lower_encoding(
        &mut self,
        shape: &Shape,
        position: Position,
        location: &SourceLocation,
    ) -> (Location, Style) {
        if position == Position::ResponseField
            && let Some(header) = self.lower_response_location(shape)
        {
            return header;
        }
        if position != Position::Parameter {
            for (key, value) in [("in", &shape.location), ("style", &shape.style)] {
                if let Some(value) = value {
                    self.report(
                        self.at(value),
                        format!("`{key}` applies only to request parameters"),
                        Some(format!("remove `{key}` here")),
                    );
                }
            }
            return (Location::Query, Style::Simple);
        }
        let location_kind = match &shape.location {
            None => {
                self.report(
                    location.clone(),
                    "missing key `in`",
                    Some(format!("one of: {}", LOCATIONS.join(", "))),
                );
                Location::Query
            }
            Some(value) => match value.value.as_str() {
                "query" => Location::Query,
                "formData" => Location::Form,
                "body" => Location::Body,
                "path" => Location::Path,
                "header" => Location::Header,
                "host" => Location::Host,
                other => {
                    self.report(
                        self.at(value),
                        format!("unknown parameter location `{other}`"),
                        Some(suggestion(other, LOCATIONS)),
                    );
                    Location::Query
                }
            },
        };
        let style = match &shape.style {
            None => Style::Simple,
            Some(value) => match value.value.as_str() {
                "simple" => Style::Simple,
                "json" => Style::Json,
                "repeatList" => Style::RepeatList,
                "flat" => Style::Flat,
                "prefixed" => Style::Prefixed,
                other => {
                    self.report(
                        self.at(value),
                        format!("unknown style `{other}`"),
                        Some(suggestion(other, STYLES)),
                    );
                    Style::Simple
                }
            },
        };
        (location_kind, style)
    }

    /// Where a response field comes from: `in: header`, with `style: prefixed` for a map of
    /// every header of a prefix, or `None` for a field of the body (no `in`).
    fn lower_response_location(&mut self, shape: &Shape) -> Option<(Location, Style)> {
        let location = shape.location.as_ref()?;
        if location.value != "header" {
            self.report(
                self.at(location),
                format!(
                    "a response field is `in: header` or of the body, not `{}`",
                    location.value
                ),
                Some("remove `in` for a field of the body".into()),
            );
            return None;
        }
        let style = match &shape.style {
            None => Style::Simple,
            Some(style) if style.value == "prefixed" => Style::Prefixed,
            Some(style) => {
                self.report(
                    self.at(style),
                    format!("a response header takes no style `{}`", style.value),
                    Some("use `style: prefixed` for a map of headers, or none".into()),
                );
                Style::Simple
            }
        };
        Some((Location::Header, style))
    }

    /// Whether a parameter's type and style can travel where it goes.
    pub(super) fn check_fits(
        &mut self,
        shape: &Shape,
        location: Location,
        style: Style,
        ty: &Type,
        at: &SourceLocation,
    ) {
        let style_at = shape
            .style
            .as_ref()
            .map(|style| self.at(style))
            .unwrap_or(at.clone());
        let scalar_list = matches!(ty, Type::Array(item) if item.is_scalar());
        match location {
            Location::Body | Location::BodyField => {
                if shape.style.is_some() {
                    self.report(
                        style_at,
                        "a body parameter is sent as JSON; `style` does not apply",
                        Some("remove `style`".into()),
                    );
                }
                return;
            }
            Location::Path | Location::Host => {
                if shape.style.is_some() || !ty.is_scalar() {
                    self.report(
                        at.clone(),
                        "a path or host parameter is one scalar, sent as text",
                        Some("make it a `string` without `style`".into()),
                    );
                }
                return;
            }
            Location::Query | Location::Form | Location::Header => {}
        }
        if *ty == Type::Binary {
            self.report(
                at.clone(),
                "`binary` travels only as a whole body (`in: body`)",
                Some("use `string`".into()),
            );
            return;
        }
        match (style, ty.is_scalar()) {
            (Style::Simple, false) if !scalar_list => self.report(
                style_at,
                "a structured parameter needs an encoding style",
                Some("add `style: json`, `style: repeatList` or `style: flat`".into()),
            ),
            (Style::Json | Style::RepeatList | Style::Flat | Style::Prefixed, true) => self.report(
                style_at,
                "a scalar parameter is sent as text; a style applies only to structured values",
                Some("remove `style`".into()),
            ),
            _ => {}
        }
        if location == Location::Header && matches!(style, Style::RepeatList | Style::Flat) {
            self.report(
                at.clone(),
                "a header carries one value",
                Some("use `style: json`".into()),
            );
        }
        let map_of_scalars = matches!(ty, Type::Map(values) if values.is_scalar());
        if style == Style::Prefixed && (location != Location::Header || !map_of_scalars) {
            self.report(
                at.clone(),
                "`prefixed` sends each entry of a map of scalars as a header of its own",
                Some("make it a header `map` of scalars, or use `style: json`".into()),
            );
        }
        if style == Style::RepeatList && !matches!(ty, Type::Array(_)) {
            self.report(
                at.clone(),
                "`repeatList` applies to arrays",
                Some("use `style: flat` or `style: json` for objects".into()),
            );
        }
    }
}
