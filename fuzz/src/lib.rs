//! The properties the fuzz targets check. `tests/it/pattern_props.rs`
//! includes the same file, so a saved fuzz finding replays through exactly
//! the checks that found it.

pub mod properties;
pub mod semantics;
