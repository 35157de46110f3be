//! The code generator: spec (YAML) → validated IR → Rust source, as pure stages.

pub mod import;
pub mod spec;
