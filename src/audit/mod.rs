//! Account audit: the [`snapshot::Snapshot`] of an account and the CIS checks
//! that judge it. Pure: no I/O, no clock, no AWS calls; a collection failure
//! is data in the snapshot.
//!
//! - [`snapshot`]: the versioned serde model of one account.
//! - [`time`]: RFC 3339 timestamps (ages are measured against the snapshot's time).

pub mod snapshot;
pub mod time;

pub use snapshot::{Collected, CollectionError, Snapshot, SnapshotError};
pub use time::Timestamp;
