//! A small, generic SARIF 2.1.0 model (the Static Analysis Results
//! Interchange Format read by GitHub code scanning and most CI dashboards).
//!
//! Only the parts of the standard that a linter or an auditor needs are
//! modelled: one [`Log`] with [`Run`]s, each with a [`Tool`] whose driver
//! lists [`ReportingDescriptor`] rules, and [`SarifResult`]s with a level, a
//! message, physical locations (file and region) and optional logical
//! locations (an AWS resource, a Terraform address). Every type serialises
//! with the property names of the SARIF 2.1.0 schema; optional fields are
//! omitted when empty so the output stays small and schema-valid.
//!
//! ```
//! use cis_filters::report::sarif::{Level, Log, SarifResult, Region, Run, Tool, ReportingDescriptor};
//! let mut run = Run::new(Tool::new("cis-filters", "0.1.0", "https://example.invalid/cis-filters"));
//! run.tool.driver.rules.push(ReportingDescriptor::new("CF0201", "pattern-syntax", "The filter pattern does not parse."));
//! run.results.push(
//!     SarifResult::new("CF0201", Level::Error, "unclosed string")
//!         .at("infra/main.tf", Region::new(4, 22, 4, 27)),
//! );
//! let log = Log::new(vec![run]);
//! let json = log.to_json();
//! assert!(json.contains("\"version\": \"2.1.0\""));
//! ```

use serde::Serialize;

/// The `$schema` URI of SARIF 2.1.0.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF version written.
pub const VERSION: &str = "2.1.0";

/// A SARIF log: the top-level object of a `.sarif` file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Log {
    /// The schema this log follows.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// Always `2.1.0`.
    pub version: &'static str,
    /// One run per tool invocation.
    pub runs: Vec<Run>,
}

impl Log {
    /// A log of these runs.
    pub fn new(runs: Vec<Run>) -> Self {
        Log {
            schema: SCHEMA_URI,
            version: VERSION,
            runs,
        }
    }

    /// Pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        // Serialising plain structs of strings and numbers cannot fail; fall
        // back to an empty object rather than panicking if it ever did.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| String::from("{}"));
        s.push('\n');
        s
    }
}

/// One invocation of one tool and what it found.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// The tool that produced the results.
    pub tool: Tool,
    /// How columns are counted in every region of this run.
    pub column_kind: ColumnKind,
    /// Where relative artifact URIs are rooted, keyed by `uriBaseId`.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub original_uri_base_ids: std::collections::BTreeMap<String, ArtifactLocation>,
    /// The findings.
    pub results: Vec<SarifResult>,
    /// Whether the run completed, and notifications about files it could not read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invocations: Vec<Invocation>,
}

impl Run {
    /// A run of `tool` with no results yet; columns count Unicode code points.
    pub fn new(tool: Tool) -> Self {
        Run {
            tool,
            column_kind: ColumnKind::UnicodeCodePoints,
            original_uri_base_ids: std::collections::BTreeMap::new(),
            results: Vec::new(),
            invocations: Vec::new(),
        }
    }
}

/// How the columns of a region are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ColumnKind {
    /// Columns count Unicode scalar values (characters).
    UnicodeCodePoints,
    /// Columns count UTF-16 code units (the SARIF default).
    Utf16CodeUnits,
}

/// The analysis tool.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tool {
    /// The tool's main component.
    pub driver: ToolComponent,
}

impl Tool {
    /// A tool named `name` at `version`, documented at `information_uri`.
    pub fn new(name: &str, version: &str, information_uri: &str) -> Self {
        Tool {
            driver: ToolComponent {
                name: name.to_owned(),
                version: Some(version.to_owned()),
                semantic_version: Some(version.to_owned()),
                information_uri: Some(information_uri.to_owned()),
                rules: Vec::new(),
            },
        }
    }
}

/// A tool component (the driver) and the rules it reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolComponent {
    /// The tool's name.
    pub name: String,
    /// Its version as printed by `--version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Its semantic version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantic_version: Option<String>,
    /// Where its documentation lives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub information_uri: Option<String>,
    /// The rules results refer to by `ruleId`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<ReportingDescriptor>,
}

/// A rule: its stable id, a readable name and its documentation.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    /// The stable rule code (`CF0201`, `3.1`).
    pub id: String,
    /// A readable kebab-case name (`pattern-syntax`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One sentence.
    pub short_description: Message,
    /// A paragraph.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_description: Option<Message>,
    /// Where the rule is documented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    /// The level results of this rule have unless they say otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_configuration: Option<ReportingConfiguration>,
    /// Extra properties (GitHub reads `tags` and `security-severity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<PropertyBag>,
}

impl ReportingDescriptor {
    /// A rule with an id, a name and a one-sentence description.
    pub fn new(id: &str, name: &str, short: &str) -> Self {
        ReportingDescriptor {
            id: id.to_owned(),
            name: Some(name.to_owned()),
            short_description: Message::text(short),
            full_description: None,
            help_uri: None,
            default_configuration: None,
            properties: None,
        }
    }

    /// With a paragraph of documentation.
    #[must_use]
    pub fn full(mut self, text: &str) -> Self {
        self.full_description = Some(Message::text(text));
        self
    }

    /// With a documentation link.
    #[must_use]
    pub fn help_uri(mut self, uri: &str) -> Self {
        self.help_uri = Some(uri.to_owned());
        self
    }

    /// With a default level.
    #[must_use]
    pub fn level(mut self, level: Level) -> Self {
        self.default_configuration = Some(ReportingConfiguration { level });
        self
    }

    /// With tags (shown as labels by code-scanning tools).
    #[must_use]
    pub fn tags(mut self, tags: &[&str]) -> Self {
        let bag = self.properties.get_or_insert_with(PropertyBag::default);
        bag.tags = tags.iter().map(|t| (*t).to_owned()).collect();
        self
    }

    /// With a `security-severity` score (0.0–10.0, as GitHub reads it).
    #[must_use]
    pub fn security_severity(mut self, score: f32) -> Self {
        let bag = self.properties.get_or_insert_with(PropertyBag::default);
        bag.security_severity = Some(format!("{score:.1}"));
        self
    }
}

/// The default configuration of a rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportingConfiguration {
    /// The default level.
    pub level: Level,
}

/// Free-form properties; only the ones used are modelled.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PropertyBag {
    /// Labels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// GitHub's severity score, a decimal number in a string.
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    pub security_severity: Option<String>,
}

/// A result's level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// A problem that fails the run.
    Error,
    /// A problem worth a look.
    Warning,
    /// Information.
    Note,
    /// Nothing to report (for passed checks that are listed anyway).
    None,
}

/// A text message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    /// Plain text.
    pub text: String,
}

impl Message {
    /// A plain-text message.
    pub fn text(text: &str) -> Self {
        Message {
            text: text.to_owned(),
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// The rule's id.
    pub rule_id: String,
    /// The rule's index in the driver's `rules`, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    /// How serious it is.
    pub level: Level,
    /// What is wrong, in one or more lines.
    pub message: Message,
    /// Where (may be empty: a finding about the whole input).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    /// Other places that explain it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<Location>,
    /// Stable identities for de-duplicating results across runs.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub partial_fingerprints: std::collections::BTreeMap<String, String>,
}

impl SarifResult {
    /// A result of rule `rule_id` with a level and a message, no location yet.
    pub fn new(rule_id: &str, level: Level, message: &str) -> Self {
        SarifResult {
            rule_id: rule_id.to_owned(),
            rule_index: None,
            level,
            message: Message::text(message),
            locations: Vec::new(),
            related_locations: Vec::new(),
            partial_fingerprints: std::collections::BTreeMap::new(),
        }
    }

    /// Add a location in a file (a relative URI with `/` separators).
    #[must_use]
    pub fn at(mut self, uri: &str, region: Region) -> Self {
        self.locations.push(Location::file(uri, Some(region)));
        self
    }

    /// Add a logical location (a resource) to the first location, or as a
    /// location of its own when there is none.
    #[must_use]
    pub fn resource(mut self, name: &str, kind: &str) -> Self {
        let logical = LogicalLocation {
            name: Some(name.to_owned()),
            fully_qualified_name: None,
            kind: Some(kind.to_owned()),
        };
        match self.locations.first_mut() {
            Some(loc) => loc.logical_locations.push(logical),
            None => self.locations.push(Location {
                physical_location: None,
                logical_locations: vec![logical],
                message: None,
            }),
        }
        self
    }
}

/// A place: in a file, in a logical structure, or both.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// A file and a region in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_location: Option<PhysicalLocation>,
    /// Named things (resources, modules).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logical_locations: Vec<LogicalLocation>,
    /// What this place has to do with the result (for related locations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

impl Location {
    /// A location in file `uri`, optionally narrowed to a region.
    pub fn file(uri: &str, region: Option<Region>) -> Self {
        Location {
            physical_location: Some(PhysicalLocation {
                artifact_location: ArtifactLocation::uri(uri),
                region,
            }),
            logical_locations: Vec::new(),
            message: None,
        }
    }

    /// With a message explaining it.
    #[must_use]
    pub fn message(mut self, text: &str) -> Self {
        self.message = Some(Message::text(text));
        self
    }
}

/// A file and a region in it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    /// The file.
    pub artifact_location: ArtifactLocation,
    /// The part of the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

/// A file, by URI.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    /// The URI, relative (with `/`) or absolute (`file:///…`).
    pub uri: String,
    /// The base a relative URI is resolved against (`%SRCROOT%`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<String>,
}

impl ArtifactLocation {
    /// A location by URI alone.
    pub fn uri(uri: &str) -> Self {
        ArtifactLocation {
            uri: uri.to_owned(),
            uri_base_id: None,
        }
    }
}

/// A file path as text for reports: `/`-separated, with a leading `./`
/// dropped, and any byte that is not UTF-8 (a Unix file name may hold any
/// byte) written `\xHH`, so that nothing is lost: [`relative_uri`] turns it
/// back into the byte. A `\` of the path is taken for a separator (`/`), so
/// every `\` of the text starts such an escape.
pub fn path_text(path: &std::path::Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().into_owned().into_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "/"));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    match out.strip_prefix("./") {
        Some(rest) => rest.to_owned(),
        None => out,
    }
}

/// A relative URI for a path of [`path_text`]: `/`-separated, every byte
/// but letters, digits and `-._~/` percent-encoded, and each `\xHH` the
/// byte it stands for (`caf\xE9.tf` → `caf%E9.tf`, where a lossy
/// conversion would give U+FFFD, `caf%EF%BF%BD.tf`).
pub fn relative_uri(path: &str) -> String {
    let path = path.strip_prefix("./").unwrap_or(path);
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = (b == b'\\')
            .then(|| bytes.get(i + 1..i + 4))
            .flatten()
            .filter(|e| e.first() == Some(&b'x'))
            .and_then(|e| std::str::from_utf8(e.get(1..)?).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        let (byte, len) = match escaped {
            Some(raw) => (raw, 4),
            None if b == b'\\' => (b'/', 1),
            None => (b, 1),
        };
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
        i += len;
    }
    out
}

/// A region of a text file: 1-based lines and columns, end column exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// First line, from 1.
    pub start_line: usize,
    /// First column, from 1.
    pub start_column: usize,
    /// Last line.
    pub end_line: usize,
    /// One past the last column.
    pub end_column: usize,
    /// Offset of the first byte in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_offset: Option<usize>,
    /// Length in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_length: Option<usize>,
}

impl Region {
    /// A region by lines and columns; an end before the start is moved to it.
    pub fn new(start_line: usize, start_column: usize, end_line: usize, end_column: usize) -> Self {
        let start_line = start_line.max(1);
        let start_column = start_column.max(1);
        let (end_line, end_column) = if (end_line, end_column) < (start_line, start_column) {
            (start_line, start_column)
        } else {
            (end_line, end_column)
        };
        Region {
            start_line,
            start_column,
            end_line,
            end_column,
            byte_offset: None,
            byte_length: None,
        }
    }

    /// With the byte range too.
    #[must_use]
    pub fn bytes(mut self, offset: usize, length: usize) -> Self {
        self.byte_offset = Some(offset);
        self.byte_length = Some(length);
        self
    }
}

/// A named thing a result is about (an AWS resource, a Terraform address).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogicalLocation {
    /// Its short name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fully_qualified_name: Option<String>,
    /// What kind of thing (`resource`, `module`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Whether the run completed, and what it could not do.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    /// True when the tool ran to the end.
    pub execution_successful: bool,
    /// Problems with the tool's own work (files that could not be read).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

/// A problem of the tool's own (not a finding about the analysed code).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// How serious.
    pub level: Level,
    /// What happened.
    pub message: Message,
    /// Where, if about a file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_keep_every_byte_into_the_uri() {
        use std::path::Path;
        assert_eq!(path_text(Path::new("./dir/main, 1.tf")), "dir/main, 1.tf");
        assert_eq!(relative_uri("dir/main, 1.tf"), "dir/main%2C%201.tf");
        assert_eq!(relative_uri("./a\\b/é.tf"), "a/b/%C3%A9.tf");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let p = Path::new(std::ffi::OsStr::from_bytes(b"dir/caf\xe9\xff.tf"));
            assert_eq!(path_text(p), "dir/caf\\xE9\\xFF.tf");
            assert_eq!(relative_uri(&path_text(p)), "dir/caf%E9%FF.tf");
        }
        // A backslash that starts no escape is a separator.
        assert_eq!(relative_uri("a\\xZZ"), "a/xZZ");
    }

    #[test]
    fn serialises_with_sarif_property_names() {
        let mut run = Run::new(Tool::new("t", "1.2.3", "https://example.invalid"));
        run.tool.driver.rules.push(
            ReportingDescriptor::new("R1", "rule-one", "does a thing")
                .level(Level::Warning)
                .tags(&["security"])
                .security_severity(7.5),
        );
        run.results.push(
            SarifResult::new("R1", Level::Warning, "bad")
                .at("a/b.tf", Region::new(3, 5, 3, 9).bytes(40, 4))
                .resource("aws_x.y", "resource"),
        );
        let v: serde_json::Value = serde_json::from_str(&Log::new(vec![run]).to_json()).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["shortDescription"]["text"],
            "does a thing"
        );
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"],
            "warning"
        );
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["properties"]["security-severity"],
            "7.5"
        );
        let res = &run["results"][0];
        assert_eq!(res["ruleId"], "R1");
        let loc = &res["locations"][0];
        assert_eq!(loc["physicalLocation"]["artifactLocation"]["uri"], "a/b.tf");
        assert_eq!(loc["physicalLocation"]["region"]["startColumn"], 5);
        assert_eq!(loc["physicalLocation"]["region"]["byteOffset"], 40);
        assert_eq!(loc["logicalLocations"][0]["name"], "aws_x.y");
        // Empty optional collections are omitted.
        assert!(res.get("relatedLocations").is_none());
        assert!(run.get("invocations").is_none());
    }

    #[test]
    fn region_never_ends_before_it_starts() {
        let r = Region::new(5, 10, 4, 1);
        assert_eq!((r.end_line, r.end_column), (5, 10));
        let r = Region::new(0, 0, 0, 0);
        assert_eq!((r.start_line, r.start_column), (1, 1));
    }

    #[test]
    fn resource_without_physical_location() {
        let r = SarifResult::new("X", Level::Error, "m").resource("3.1", "control");
        assert!(r.locations[0].physical_location.is_none());
        assert_eq!(r.locations[0].logical_locations.len(), 1);
    }
}
