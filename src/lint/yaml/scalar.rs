//! The decoding of a scalar with a map from its bytes back to the file.
//!
//! The parser already decodes scalars by YAML's rules; this module decodes
//! them a second time from the file's bytes, recording where each decoded
//! byte came from, and keeps that map only when its result is exactly the
//! parser's value. When the two disagree (a construct the decoder here does
//! not model), the parser's value is used and every byte of it maps to the
//! scalar's first line: diagnostics then point at the start of the value.
//!
//! Folding: a line break that YAML folds into a space maps to the line break
//! (and the indentation after it); an escaped character maps to its whole
//! escape sequence.

use saphyr_parser::ScalarStyle;

use super::Scalar;
use crate::lint::text::{FileId, Text};

/// The scalar decoded from `text` (the file text the tree was parsed from,
/// starting at file byte `base`), with its map; falls back to the parser's
/// value mapped to the first line of the scalar.
pub fn scalar_text(s: &Scalar, text: &str, file: FileId, base: usize) -> Text {
    if let Some(t) = decode(s, text, file, base)
        && t.as_str() == s.value
    {
        return t;
    }
    let raw = text.get(s.span.clone()).unwrap_or("");
    let first_line = raw.find(['\n', '\r']).unwrap_or(raw.len()).max(1);
    let mut t = Text::new();
    t.push_from(
        &s.value,
        file,
        base + s.span.start,
        first_line.min(raw.len().max(1)),
    );
    t
}

pub(super) fn decode(s: &Scalar, text: &str, file: FileId, base: usize) -> Option<Text> {
    let raw = text.get(s.span.clone())?;
    // Skip a tag and an anchor written before the scalar itself.
    let mut skip = 0;
    loop {
        let rest = raw.get(skip..)?;
        if rest.starts_with('!') || rest.starts_with('&') {
            let word = rest.find([' ', '\t', '\n', '\r']).unwrap_or(rest.len());
            let after = rest.get(word..)?;
            skip += word + (after.len() - after.trim_start().len());
        } else {
            break;
        }
    }
    let start = s.span.start + skip;
    let raw = raw.get(skip..)?;
    let mut d = Decoder {
        out: Text::new(),
        file,
        base: base + start,
    };
    match s.style {
        ScalarStyle::Plain => d.flow(raw, 0, Quote::Plain)?,
        ScalarStyle::SingleQuoted => {
            let inner = raw.strip_prefix('\'')?.strip_suffix('\'')?;
            d.flow(inner, 1, Quote::Single)?;
        }
        ScalarStyle::DoubleQuoted => {
            let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
            d.flow(inner, 1, Quote::Double)?;
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            // The span starts at the first content line's first character;
            // the indentation is that line's column.
            let line_start = text.get(..start)?.rfind('\n').map_or(0, |p| p + 1);
            let indent = start - line_start;
            d.base = base + line_start;
            d.block(
                text.get(line_start..s.span.end)?,
                indent,
                s.style == ScalarStyle::Folded,
            )?;
            // Chomping: the parser's value says how many line breaks to keep.
            let want_breaks = s.value.len() - s.value.trim_end_matches('\n').len();
            let body = d.out.as_str().trim_end_matches('\n').len();
            let mut t = d.out.slice(0..body);
            let at = base + s.span.end.saturating_sub(1);
            for _ in 0..want_breaks {
                t.push_from("\n", file, at, 1);
            }
            return Some(t);
        }
    }
    Some(d.out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    Plain,
    Single,
    Double,
}

struct Decoder {
    out: Text,
    file: FileId,
    /// File offset of the raw scalar's first byte (its quote, if quoted).
    base: usize,
}

impl Decoder {
    /// Decode a flow scalar body `raw` (between the quotes, which sit at
    /// `offset` in the raw scalar) by YAML's folding and escaping rules.
    fn flow(&mut self, raw: &str, offset: usize, q: Quote) -> Option<()> {
        let b = raw.as_bytes();
        let mut i = 0;
        let mut run = 0;
        while i < b.len() {
            match *b.get(i)? {
                b'\n' | b'\r' => {
                    i = self.fold_lines(raw, offset, run, i)?;
                    run = i;
                }
                b'\'' if q == Quote::Single && b.get(i + 1) == Some(&b'\'') => {
                    let at = self.base + offset;
                    self.out
                        .push_verbatim(raw.get(run..i)?, self.file, at + run);
                    self.out.push_from("'", self.file, at + i, 2);
                    i += 2;
                    run = i;
                }
                b'\\' if q == Quote::Double => {
                    let at = self.base + offset;
                    self.out
                        .push_verbatim(raw.get(run..i)?, self.file, at + run);
                    i = self.escape(raw, offset, i)?;
                    run = i;
                }
                _ => i += 1,
            }
        }
        let s = raw.get(run..)?;
        let s = if q == Quote::Plain { s.trim_end() } else { s };
        self.out
            .push_verbatim(s, self.file, self.base + offset + run);
        Some(())
    }

    /// The line break at `i` of a flow scalar and the line breaks and
    /// indentation after it: the line's content from `run` without its
    /// trailing white space, then one space for a single break, or one
    /// `\n` for each break after the first. Returns where the next line's
    /// content starts.
    fn fold_lines(&mut self, raw: &str, offset: usize, run: usize, i: usize) -> Option<usize> {
        let b = raw.as_bytes();
        let at = |i: usize| self.base + offset + i;
        let content_end = raw.get(run..i)?.trim_end_matches([' ', '\t']).len() + run;
        let s = raw.get(run..content_end)?;
        self.out.push_verbatim(s, self.file, at(run));
        let brk = content_end;
        let mut j = i;
        let mut breaks = 0;
        loop {
            match b.get(j) {
                Some(b'\r') if b.get(j + 1) == Some(&b'\n') => {
                    j += 2;
                    breaks += 1;
                }
                Some(b'\n' | b'\r') => {
                    j += 1;
                    breaks += 1;
                }
                Some(b' ' | b'\t') => j += 1,
                _ => break,
            }
        }
        if breaks == 1 {
            self.out.push_from(" ", self.file, at(brk), j - brk);
        } else {
            for _ in 1..breaks {
                self.out.push_from("\n", self.file, at(brk), j - brk);
            }
        }
        Some(j)
    }

    /// The escape sequence at `i` of a double-quoted scalar (`\n`, `\x41`,
    /// an escaped line break, …); `None` for an unknown escape. Returns
    /// where the text after it starts.
    fn escape(&mut self, raw: &str, offset: usize, i: usize) -> Option<usize> {
        let b = raw.as_bytes();
        let e = *b.get(i + 1)?;
        let (s, w): (String, usize) = match e {
            b'x' => (hex(raw, i + 2, 2)?, 4),
            b'u' => (hex(raw, i + 2, 4)?, 6),
            b'U' => (hex(raw, i + 2, 8)?, 10),
            b'\n' | b'\r' => {
                // An escaped line break: the lines join with nothing
                // between them.
                let mut j = i + 1;
                if b.get(j) == Some(&b'\r') && b.get(j + 1) == Some(&b'\n') {
                    j += 2;
                } else {
                    j += 1;
                }
                while matches!(b.get(j), Some(b' ' | b'\t')) {
                    j += 1;
                }
                return Some(j);
            }
            other => (simple_escape(other)?.into(), 2),
        };
        self.out.push_from(&s, self.file, self.base + offset + i, w);
        Some(i + w)
    }

    /// Decode a block scalar's lines (`raw` starts at the beginning of its
    /// first content line, which is at file offset `self.base`).
    fn block(&mut self, raw: &str, indent: usize, folded: bool) -> Option<()> {
        let base = self.base;
        let mut lines: Vec<(usize, &str, usize)> = Vec::new(); // (offset, content, break width)
        let mut pos = 0;
        while pos < raw.len() {
            let rest = raw.get(pos..)?;
            let (len, brk) = match rest.find(['\n', '\r']) {
                Some(p) if rest.get(p..)?.starts_with("\r\n") => (p, 2),
                Some(p) => (p, 1),
                None => (rest.len(), 0),
            };
            let line = rest.get(..len)?;
            let cut = indent.min(line.len() - line.trim_start_matches(' ').len());
            lines.push((pos + cut, line.get(cut..)?, brk));
            pos += len + brk;
        }
        let mut prev_folds = false; // previous line was a non-empty, not more-indented line
        let mut pending: Option<(usize, usize)> = None; // the last line break (offset, width)
        let mut empties: Vec<(usize, usize)> = Vec::new();
        for (off, content, brk) in lines {
            let empty =
                content.trim_start_matches([' ', '\t']).is_empty() && content.len() <= indent;
            if content.is_empty() || (empty && folded) {
                empties.push((base + off + content.len(), brk));
                continue;
            }
            let more_indented = content.starts_with([' ', '\t']);
            if let Some((p, w)) = pending.take() {
                if folded && prev_folds && !more_indented && empties.is_empty() {
                    self.out.push_from(" ", self.file, p, w);
                } else if folded && prev_folds && !more_indented {
                    for (eo, ew) in empties.drain(..) {
                        self.out.push_from("\n", self.file, eo, ew.max(1));
                    }
                } else {
                    self.out.push_from("\n", self.file, p, w.max(1));
                    for (eo, ew) in empties.drain(..) {
                        self.out.push_from("\n", self.file, eo, ew.max(1));
                    }
                }
            } else {
                // Leading empty lines.
                for (eo, ew) in empties.drain(..) {
                    self.out.push_from("\n", self.file, eo, ew.max(1));
                }
            }
            empties.clear();
            self.out.push_verbatim(content, self.file, base + off);
            prev_folds = !more_indented;
            pending = Some((base + off + content.len(), brk));
        }
        if let Some((p, w)) = pending {
            self.out.push_from("\n", self.file, p, w.max(1));
        }
        Some(())
    }
}

/// The character a one-letter escape of a double-quoted scalar stands for.
fn simple_escape(e: u8) -> Option<&'static str> {
    Some(match e {
        b'0' => "\0",
        b'a' => "\u{7}",
        b'b' => "\u{8}",
        b't' | b'\t' => "\t",
        b'n' => "\n",
        b'v' => "\u{b}",
        b'f' => "\u{c}",
        b'r' => "\r",
        b'e' => "\u{1b}",
        b' ' => " ",
        b'"' => "\"",
        b'/' => "/",
        b'\\' => "\\",
        b'N' => "\u{85}",
        b'_' => "\u{a0}",
        b'L' => "\u{2028}",
        b'P' => "\u{2029}",
        _ => return None,
    })
}

fn hex(raw: &str, at: usize, n: usize) -> Option<String> {
    let digits = raw.get(at..at + n)?;
    let code = u32::from_str_radix(digits, 16).ok()?;
    char::from_u32(code).map(String::from)
}
