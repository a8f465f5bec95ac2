//! Stage 5, suppress: drop the diagnostics that `--disable`, a
//! `cis-filters: disable=…` comment or resource metadata switch off.

use std::ops::Range;

use super::load::Loaded;
use super::model::{Filter, SourceFile};
use super::rules::Rule;
use super::text::{FileId, LineIndex};
use super::{Diagnostic, Options};

/// A suppression comment: `cis-filters: disable=CODE[,CODE]` or
/// `cis-filters: disable-file=CODE[,CODE]` (`all` for every rule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Directive {
    file: FileId,
    line: usize,
    codes: Vec<String>,
    whole_file: bool,
}

impl Directive {
    fn covers(&self, rule: Rule) -> bool {
        self.codes
            .iter()
            .any(|c| c.eq_ignore_ascii_case("all") || Rule::from_code(c) == Some(rule))
    }
}

/// What a diagnostic about a filter knows for suppression.
#[derive(Clone, Debug)]
pub(super) struct Ctx {
    file: FileId,
    extent: Range<usize>,
    disabled: Vec<String>,
}

impl Ctx {
    pub(super) fn of(f: &Filter) -> Self {
        Ctx {
            file: f.file,
            extent: f.extent.clone(),
            disabled: f.disabled.clone(),
        }
    }
}

/// Find `cis-filters: disable=…` and `cis-filters: disable-file=…` in
/// comments (after `#`, `//` or `/*` on the same line).
pub(super) fn scan_directives(file: FileId, text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    if !text.contains("cis-filters:") {
        return out;
    }
    let idx = LineIndex::new(text);
    for line_no in 1..=idx.lines() {
        let line = idx.line(text, line_no);
        let Some(p) = line.find("cis-filters:") else {
            continue;
        };
        let before = line.get(..p).unwrap_or("");
        if !(before.contains('#') || before.contains("//") || before.contains("/*")) {
            continue;
        }
        let rest = line
            .get(p + "cis-filters:".len()..)
            .unwrap_or("")
            .trim_start();
        let (whole_file, list) = if let Some(l) = rest.strip_prefix("disable-file=") {
            (true, l)
        } else if let Some(l) = rest.strip_prefix("disable=") {
            (false, l)
        } else {
            continue;
        };
        let codes: Vec<String> = list
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == ',' || c == '-'))
            .next()
            .unwrap_or("")
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        out.push(Directive {
            file,
            line: line_no,
            codes,
            whole_file,
        });
    }
    out
}

/// Whether line `line` of a file is blank or only a comment.
fn comment_or_blank(l: &Loaded<'_>, line: usize) -> bool {
    let t = l.index.line(l.full, line).trim_start();
    t.is_empty()
        || t.starts_with('#')
        || t.starts_with("//")
        || t.starts_with("/*")
        || t.starts_with('*')
}

/// Whether a line directive at `d` applies to `line`: the same line, or a
/// comment block directly above it.
fn applies_to(d: &Directive, l: &Loaded<'_>, line: usize) -> bool {
    d.line == line
        || (d.line < line
            && (d.line + 1..line).all(|n| comment_or_blank(l, n))
            && comment_or_blank(l, d.line))
}

/// What decides whether a diagnostic is switched off.
pub(super) struct Switches<'r, 'a> {
    /// `--disable`.
    pub(super) opts: &'r Options,
    /// Suppression comments.
    pub(super) directives: &'r [Directive],
    /// Rules switched off for a whole file by resource metadata.
    pub(super) file_disabled: &'r [(FileId, String)],
    /// The files as loaded (for lines).
    pub(super) loaded: &'r [Loaded<'a>],
    /// The files as given (for paths).
    pub(super) files: &'r [SourceFile],
}

/// The diagnostics that are not switched off, sorted by place and code and
/// without duplicates, and how many were switched off.
pub(super) fn suppress(
    diags: Vec<(Diagnostic, Option<Ctx>)>,
    switches: &Switches<'_, '_>,
) -> (Vec<Diagnostic>, usize) {
    let mut suppressed = 0;
    let mut diagnostics = Vec::new();
    for (d, ctx) in diags {
        let rule = Rule::from_code(d.code).unwrap_or(Rule::FileError);
        if switches.is_suppressed(rule, &d, ctx.as_ref()) {
            suppressed += 1;
        } else {
            diagnostics.push(d);
        }
    }
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.location
                .as_ref()
                .map(|l| (0, l.path.clone(), l.byte_start))
                .unwrap_or((1, String::new(), 0))
        };
        key(a).cmp(&key(b)).then_with(|| a.code.cmp(b.code))
    });
    diagnostics.dedup();
    (diagnostics, suppressed)
}

impl Switches<'_, '_> {
    fn is_suppressed(&self, rule: Rule, d: &Diagnostic, ctx: Option<&Ctx>) -> bool {
        let Switches {
            opts,
            directives,
            file_disabled,
            loaded,
            files,
        } = *self;
        if opts.disable.contains(&rule) {
            return true;
        }
        let matches_code =
            |c: &str| c.eq_ignore_ascii_case("all") || Rule::from_code(c) == Some(rule);
        let diag_file = d.location.as_ref().and_then(|l| {
            // Most diagnostics are in the filter's own file; look there first.
            match ctx {
                Some(c) if files.get(c.file).is_some_and(|f| f.path == l.path) => Some(c.file),
                _ => files.iter().position(|f| f.path == l.path),
            }
        });
        let mut in_files: Vec<FileId> = diag_file.into_iter().collect();
        if let Some(c) = ctx {
            in_files.push(c.file);
            if c.disabled.iter().any(|x| matches_code(x)) {
                return true;
            }
        }
        if file_disabled
            .iter()
            .any(|(f, c)| in_files.contains(f) && matches_code(c))
        {
            return true;
        }
        if rule == Rule::FileError || rule == Rule::CisMissing {
            return directives
                .iter()
                .any(|x| x.whole_file && in_files.contains(&x.file) && x.covers(rule));
        }
        directives.iter().filter(|x| x.covers(rule)).any(|x| {
            if x.whole_file {
                return in_files.contains(&x.file);
            }
            let Some(l) = loaded.get(x.file) else {
                return false;
            };
            // The resource: a directive inside it or directly above it.
            if let Some(c) = ctx
                && c.file == x.file
            {
                let (first, _) = l.index.position(l.full, c.extent.start);
                let (last, _) = l.index.position(l.full, c.extent.end);
                if (first..=last).contains(&x.line) || applies_to(x, l, first) {
                    return true;
                }
            }
            // The diagnostic's own line (e.g. a pattern in a locals map).
            d.location
                .as_ref()
                .is_some_and(|loc| Some(x.file) == diag_file && applies_to(x, l, loc.line))
        })
    }
}
