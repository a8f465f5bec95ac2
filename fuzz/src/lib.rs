//! The properties the fuzz targets check. `tests/it/pattern_props.rs`
//! includes `properties.rs` and `tests/it/criteria.rs` includes
//! `criteria.rs`, so a saved fuzz finding replays through exactly the checks
//! that found it.

pub mod criteria;
pub mod properties;
pub mod semantics;
