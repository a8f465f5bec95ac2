//! Stage 1, load: decode each file (size limit, UTF-8, BOM), decide how it
//! is read, and find its suppression comments.

use std::ops::Range;

use super::model::SourceFile;
use super::rules::Rule;
use super::suppress::{Ctx, Directive, scan_directives};
use super::text::{self, LineIndex};
use super::{Diagnostic, Location, MAX_FILE_BYTES, Skipped, cfn, diagnostic, terraform};

/// How a file is read, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `.tf`
    Terraform,
    /// `.tf.json`
    TerraformJson,
    /// `.yaml`, `.yml`, `.template`
    Yaml,
    /// `.json`
    Json,
}

/// The kind of a file by its name; `None` for files the linter ignores.
pub fn file_kind(path: &str) -> Option<FileKind> {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    if name.ends_with(".tf.json") {
        Some(FileKind::TerraformJson)
    } else if name.ends_with(".tf") {
        Some(FileKind::Terraform)
    } else if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".template") {
        Some(FileKind::Yaml)
    } else if name.ends_with(".json") {
        Some(FileKind::Json)
    } else {
        None
    }
}

/// A file as the run sees it.
pub(super) struct Loaded<'a> {
    pub(super) path: &'a str,
    /// The text after any BOM (empty when the file could not be decoded).
    pub(super) text: &'a str,
    /// The full text, BOM included (for positions).
    pub(super) full: &'a str,
    pub(super) base: usize,
    pub(super) index: LineIndex,
}

/// The kind of a file whose name does not say (a file named on the command
/// line, a pipe): Terraform or CloudFormation, JSON or not, by whether it
/// names one of their filter resource types.
pub fn sniff_kind(text: &str) -> Option<FileKind> {
    let json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    if terraform::mentions_lintable(text) {
        Some(if json {
            FileKind::TerraformJson
        } else {
            FileKind::Terraform
        })
    } else if cfn::mentions_lintable(text) {
        Some(if json { FileKind::Json } else { FileKind::Yaml })
    } else {
        None
    }
}

/// Whether a file of this kind (by name; `None`: either) names a filter
/// resource type in `text`.
fn names_a_filter(kind: Option<FileKind>, text: &str) -> bool {
    match kind {
        Some(FileKind::Terraform | FileKind::TerraformJson) => terraform::mentions_lintable(text),
        Some(FileKind::Yaml | FileKind::Json) => cfn::mentions_lintable(text),
        None => sniff_kind(text).is_some(),
    }
}

/// What loading gives the later stages.
pub(super) struct Load<'a> {
    /// Every file, in the order given (empty text when it is not linted).
    pub(super) files: Vec<Loaded<'a>>,
    /// How each file is read (`None`: not linted).
    pub(super) kinds: Vec<Option<FileKind>>,
    /// Files passed over, and why.
    pub(super) skipped: Vec<Skipped>,
    /// Suppression comments of every file.
    pub(super) directives: Vec<Directive>,
    /// Files that could not be read (`CF0001`).
    pub(super) diagnostics: Vec<(Diagnostic, Option<Ctx>)>,
}

/// Decode `files`: the text to lint of each, its kind and its suppression
/// comments. A file too large or not UTF-8 is an error where it may hold
/// filters, else it is skipped.
pub(super) fn load(files: &[SourceFile]) -> Load<'_> {
    let mut out = Load {
        files: Vec::with_capacity(files.len()),
        kinds: Vec::with_capacity(files.len()),
        skipped: Vec::new(),
        directives: Vec::new(),
        diagnostics: Vec::new(),
    };
    for (id, f) in files.iter().enumerate() {
        let named = file_kind(&f.path);
        let d = decode(f, named, &mut out.skipped);
        let base = if d.full.starts_with('\u{feff}') { 3 } else { 0 };
        let mut text = if d.lintable {
            d.full.get(base..).unwrap_or("")
        } else {
            ""
        };
        let kind = named.or_else(|| sniff_kind(text));
        if d.lintable && kind.is_none() {
            out.skipped.push(Skipped {
                path: f.path.clone(),
                reason: String::from(
                    "not a .tf, .tf.json, .yaml, .yml, .json or .template file, and names no filter resource type",
                ),
            });
            text = "";
        }
        out.kinds.push(kind);
        out.directives.extend(scan_directives(id, d.full));
        out.files.push(Loaded {
            path: &f.path,
            text,
            full: d.full,
            base,
            index: LineIndex::new(d.full),
        });
        if let Some(message) = d.problem {
            out.diagnostics.push((
                Diagnostic {
                    location: Some(location(out.files.last(), d.at..d.at)),
                    ..diagnostic(Rule::FileError, message)
                },
                None,
            ));
        }
    }
    out
}

/// A file's bytes as text. `full` is the text positions are computed in;
/// `lintable` is false when the file cannot be linted (then `full` is the
/// valid prefix, so that the error points at the first bad byte, `at`).
struct Decoded<'a> {
    full: &'a str,
    lintable: bool,
    problem: Option<String>,
    at: usize,
}

/// Decode one file. Too large or not UTF-8: an error if it names a filter
/// resource type (so it may hold filters that were not checked), else
/// skipped.
fn decode<'a>(
    f: &'a SourceFile,
    named: Option<FileKind>,
    skipped: &mut Vec<Skipped>,
) -> Decoded<'a> {
    let unread = |problem: Option<String>, full: &'a str, at: usize| Decoded {
        full,
        lintable: false,
        problem,
        at,
    };
    let head = f.bytes.get(..MAX_FILE_BYTES + 1).unwrap_or(&f.bytes);
    match std::str::from_utf8(&f.bytes) {
        _ if f.bytes.len() > MAX_FILE_BYTES => {
            if names_a_filter(named, &String::from_utf8_lossy(head)) {
                unread(
                    Some(format!(
                        "the file is more than the {MAX_FILE_BYTES} bytes this linter reads; it was not linted"
                    )),
                    "",
                    0,
                )
            } else {
                skipped.push(Skipped {
                    path: f.path.clone(),
                    reason: format!(
                        "larger than {MAX_FILE_BYTES} bytes, and names no filter resource type in them"
                    ),
                });
                unread(None, "", 0)
            }
        }
        Ok(t) => Decoded {
            full: t,
            lintable: true,
            problem: None,
            at: 0,
        },
        Err(e) => {
            let valid = e.valid_up_to();
            let prefix = std::str::from_utf8(f.bytes.get(..valid).unwrap_or(&[])).unwrap_or("");
            let lossy = String::from_utf8_lossy(&f.bytes);
            if terraform::mentions_lintable(&lossy) || cfn::mentions_lintable(&lossy) {
                unread(
                    Some(format!(
                        "the file is not valid UTF-8 (byte 0x{:02x}); it was not linted",
                        f.bytes.get(valid).copied().unwrap_or(0)
                    )),
                    prefix,
                    valid,
                )
            } else {
                unread(None, "", 0)
            }
        }
    }
}

pub(super) fn location(l: Option<&Loaded<'_>>, range: Range<usize>) -> Location {
    let Some(l) = l else {
        return Location {
            path: String::new(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            byte_start: range.start,
            byte_end: range.end,
            source_line: String::new(),
        };
    };
    let start = text::floor_char_boundary(l.full, range.start);
    let end = text::floor_char_boundary(l.full, range.end.max(start));
    let (line, column) = l.index.position(l.full, start);
    let (end_line, end_column) = l.index.position(l.full, end);
    Location {
        path: l.path.to_owned(),
        line,
        column,
        end_line,
        end_column,
        byte_start: start,
        byte_end: end,
        source_line: l.index.line(l.full, line).to_owned(),
    }
}

/// The location cut to its first line (a pattern folded over lines).
pub(super) fn first_line(l: &Location) -> Location {
    let mut l = l.clone();
    if l.end_line > l.line {
        l.end_line = l.line;
        l.end_column = l.source_line.chars().count() + 1;
    }
    l
}
