//! Reading a snapshot: size limit, schema version, JSON with the path of a
//! misfit, and the checks serde cannot express.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;

use super::{
    MAX_SNAPSHOT_BYTES, MIN_SCHEMA_VERSION, Region, SCHEMA_VERSION, Snapshot, readable_version,
};

/// Why a snapshot could not be read. Display gives one line naming the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// Larger than [`MAX_SNAPSHOT_BYTES`].
    TooLarge {
        /// The size in bytes.
        size: usize,
    },
    /// Not JSON.
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A `schema` outside [`MIN_SCHEMA_VERSION`]..=[`SCHEMA_VERSION`], or none.
    Version {
        /// The version found, if any.
        found: Option<String>,
    },
    /// Valid JSON that does not fit the model (missing or unknown field,
    /// wrong type, bad timestamp).
    Data {
        /// Where: `regions[0].trails.ok[1].name`.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Fits the model but is inconsistent (e.g. a region listed twice).
    Invalid {
        /// Where.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::TooLarge { size } => write!(
                f,
                "snapshot is {size} bytes, more than the limit of {MAX_SNAPSHOT_BYTES} bytes"
            ),
            SnapshotError::Syntax {
                line,
                column,
                message,
            } => write!(
                f,
                "snapshot is not valid JSON: line {line}, column {column}: {message}"
            ),
            SnapshotError::Version { found: Some(v) } => write!(
                f,
                "snapshot has `schema` {v}, but this version of cis-filters reads schema {MIN_SCHEMA_VERSION} to {SCHEMA_VERSION}"
            ),
            SnapshotError::Version { found: None } => write!(
                f,
                "snapshot has no `schema` field (expected `\"schema\": {SCHEMA_VERSION}` at the top level)"
            ),
            SnapshotError::Data {
                path,
                line,
                column,
                message,
            } => write!(
                f,
                "snapshot does not fit the model at `{path}` (line {line}, column {column}): {message}"
            ),
            SnapshotError::Invalid { path, message } => {
                write!(f, "snapshot is inconsistent at `{path}`: {message}")
            }
        }
    }
}

impl std::error::Error for SnapshotError {}

/// serde_json reports "at line L column C" inside its messages; the place is
/// given separately, so drop it.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg.get(..i).unwrap_or(msg).to_owned(),
        None => msg.to_owned(),
    }
}

/// The version check of a snapshot that did not parse: its `schema` field
/// alone. A document that is not even JSON passes here, and the parse error
/// is reported instead.
fn check_version(text: &str) -> Result<(), SnapshotError> {
    #[derive(Deserialize)]
    struct Probe {
        schema: Option<serde_json::Value>,
    }
    match serde_json::from_str::<Probe>(text) {
        Ok(Probe {
            schema: Some(serde_json::Value::Number(n)),
        }) if n.as_u64().is_some_and(readable_version) => Ok(()),
        Ok(Probe { schema: Some(v) }) => Err(SnapshotError::Version {
            found: Some(v.to_string()),
        }),
        Ok(Probe { schema: None }) => Err(SnapshotError::Version { found: None }),
        Err(_) => Ok(()),
    }
}

impl Snapshot {
    /// Read a snapshot from JSON text, checking the schema version first.
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        if text.len() > MAX_SNAPSHOT_BYTES {
            return Err(SnapshotError::TooLarge { size: text.len() });
        }
        // One full parse; only when it fails is the version looked at, so
        // that a snapshot of another version gets a version error rather than
        // a confusing field error.
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed: Result<Snapshot, _> = serde_path_to_error::deserialize(&mut de);
        if parsed.is_ok()
            && let Err(e) = de.end()
        {
            return Err(SnapshotError::Syntax {
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            });
        }
        let snap = match parsed {
            Ok(snap) if readable_version(u64::from(snap.schema)) => snap,
            Ok(snap) => {
                return Err(SnapshotError::Version {
                    found: Some(snap.schema.to_string()),
                });
            }
            Err(e) => {
                check_version(text)?;
                let path = e.path().to_string();
                let inner = e.into_inner();
                // serde_json calls some misfits (an extra key in `{"ok": …}`)
                // syntax errors; valid JSON is a data error with its path.
                let valid_json = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
                return Err(match inner.classify() {
                    _ if valid_json => SnapshotError::Data {
                        path,
                        line: inner.line(),
                        column: inner.column(),
                        message: strip_position(&inner.to_string()),
                    },
                    _ => SnapshotError::Syntax {
                        line: inner.line(),
                        column: inner.column(),
                        message: strip_position(&inner.to_string()),
                    },
                });
            }
        };
        snap.validate()?;
        Ok(snap)
    }

    /// The snapshot as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        // Serialising these plain types cannot fail (string keys only).
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks serde cannot express: the account id and partition look right,
    /// no region appears twice.
    pub fn validate(&self) -> Result<(), SnapshotError> {
        if self.account_id.len() != 12 || !self.account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SnapshotError::Invalid {
                path: "account_id".to_owned(),
                message: format!("`{}` is not a 12-digit account id", self.account_id),
            });
        }
        if !matches!(self.partition.as_str(), "aws" | "aws-cn" | "aws-us-gov") {
            return Err(SnapshotError::Invalid {
                path: "partition".to_owned(),
                message: format!(
                    "`{}` is not a partition (expected `aws`, `aws-cn` or `aws-us-gov`)",
                    self.partition
                ),
            });
        }
        let mut seen = HashSet::new();
        for (i, r) in self.regions.iter().enumerate() {
            if !seen.insert(r.region.as_str()) {
                return Err(SnapshotError::Invalid {
                    path: format!("regions[{i}].region"),
                    message: format!("region `{}` appears more than once", r.region),
                });
            }
        }
        Ok(())
    }

    /// The JSON Schema (draft 2020-12) of the snapshot format, as shipped in
    /// `schema/snapshot.schema.json`.
    pub fn json_schema() -> String {
        let schema = schemars::schema_for!(Snapshot);
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The region named `name`, if it was looked at.
    pub fn region(&self, name: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.region == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Collected;

    /// The smallest valid snapshot: every collected item an error or empty.
    pub(crate) fn minimal_json() -> String {
        let err = r#"{"error":{"service":"iam","operation":"GetAccountSummary","code":"AccessDenied","message":"denied"}}"#;
        format!(
            r#"{{
  "schema": 1,
  "account_id": "123456789012",
  "partition": "aws",
  "taken_at": "2024-05-01T12:00:00Z",
  "regions": [],
  "iam": {{
    "credential_report": {err},
    "password_policy": {{"ok": null}},
    "account_summary": {err},
    "virtual_mfa_devices": {{"ok": []}},
    "users": {{"ok": []}},
    "policies": {{"ok": []}},
    "support_access": {{"ok": {{}}}}
  }},
  "s3": {{ "account_public_access_block": {{"ok": null}} }}
}}"#
        )
    }

    #[test]
    fn reads_minimal_and_round_trips() {
        let s = Snapshot::from_json(&minimal_json()).unwrap();
        assert_eq!(s.account_id, "123456789012");
        assert_eq!(s.taken_at.unix(), 1_714_564_800);
        assert!(s.iam.account_summary.error().is_some());
        assert_eq!(s.iam.password_policy, Collected::Ok(None));
        let again = Snapshot::from_json(&s.to_json()).unwrap();
        assert_eq!(again, s);
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let text = minimal_json().replace("\"partition\": \"aws\",", "\"partition\": \"aws\"");
        let e = Snapshot::from_json(&text).unwrap_err();
        match &e {
            SnapshotError::Syntax { line, .. } => assert_eq!(*line, 5),
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("line 5"), "{e}");
    }

    #[test]
    fn version_checked_first() {
        let text = minimal_json().replace("\"schema\": 1", "\"schema\": 4");
        let e = Snapshot::from_json(&text).unwrap_err();
        assert_eq!(
            e,
            SnapshotError::Version {
                found: Some("4".into())
            }
        );
        // Schema 1, 2 and 3 are all read.
        for v in ["1", "2", "3"] {
            let text = minimal_json().replace("\"schema\": 1", &format!("\"schema\": {v}"));
            assert!(Snapshot::from_json(&text).is_ok(), "schema {v}");
        }
        let text = minimal_json().replace("\"schema\": 1,", "");
        assert_eq!(
            Snapshot::from_json(&text).unwrap_err(),
            SnapshotError::Version { found: None }
        );
        assert!(matches!(
            Snapshot::from_json("[1]").unwrap_err(),
            SnapshotError::Data { .. }
        ));
    }

    #[test]
    fn missing_field_names_path() {
        let text = minimal_json().replace("\"users\": {\"ok\": []},", "");
        let e = Snapshot::from_json(&text).unwrap_err();
        match &e {
            SnapshotError::Data { path, message, .. } => {
                assert_eq!(path, "iam");
                assert!(message.contains("missing field `users`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_field_and_bad_time_rejected_with_path() {
        let text = minimal_json().replace(
            "\"users\": {\"ok\": []}",
            "\"users\": {\"ok\": [], \"x\": 1}",
        );
        let e = Snapshot::from_json(&text).unwrap_err();
        assert!(matches!(e, SnapshotError::Data { .. }), "{e}");
        let text = minimal_json().replace("2024-05-01T12:00:00Z", "yesterday");
        match Snapshot::from_json(&text).unwrap_err() {
            SnapshotError::Data { path, line, .. } => {
                assert_eq!(path, "taken_at");
                assert_eq!(line, 5);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn semantic_checks() {
        let text = minimal_json().replace("123456789012", "12345");
        assert!(matches!(
            Snapshot::from_json(&text).unwrap_err(),
            SnapshotError::Invalid { .. }
        ));
        let text = minimal_json().replace("\"aws\"", "\"azure\"");
        assert!(
            Snapshot::from_json(&text)
                .unwrap_err()
                .to_string()
                .contains("partition")
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        for t in [
            "",
            "{",
            "null",
            "\"x\"",
            "{\"schema\":1}",
            "{\"schema\":\"1\"}",
            "\u{feff}{}",
        ] {
            assert!(Snapshot::from_json(t).is_err(), "{t}");
        }
    }

    /// The shipped schema is the generated one. `UPDATE_SCHEMA=1 cargo test
    /// schema_file` rewrites it.
    #[test]
    fn schema_file_is_current() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/snapshot.schema.json");
        let generated = Snapshot::json_schema();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let shipped = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            shipped == generated,
            "schema/snapshot.schema.json is out of date: run `UPDATE_SCHEMA=1 cargo test --lib schema_file`"
        );
        let v: serde_json::Value = serde_json::from_str(&shipped).unwrap();
        assert_eq!(v["additionalProperties"], false);
        assert!(
            v["required"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "taken_at")
        );
    }
}
