//! Positions in files, and strings decoded from them with a map back to
//! the file's bytes.
//!
//! A pattern extracted from Terraform or CloudFormation is rarely the bytes
//! of the file: escapes (`\"`, `\u0041`), YAML folding and heredoc
//! indentation all change it. A [`Text`] is the decoded string plus an
//! offset map from every decoded byte to the file byte it came from, so a
//! parser error at pattern offset 17 becomes `main.tf:4:31`.
//!
//! Where one decoded byte has no single source byte (an escape sequence,
//! a folded line break), it maps to the start of the source sequence that
//! produced it and the span covers that whole sequence: an error inside
//! `\u0041` points at the backslash; a space produced by folding a YAML line
//! break points at the end of the folded line.

use std::ops::Range;

/// Index of a file in the set being linted.
pub type FileId = usize;

/// Line starts of a file, for turning byte offsets into lines and columns.
///
/// Lines end at `\n`, `\r\n` or a lone `\r` (files with mixed line endings
/// are counted the way YAML counts them). Columns are 1-based and count
/// Unicode characters; a tab is one column; a UTF-8 byte-order mark at the
/// start of the file is not a column.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    bom: usize,
}

impl LineIndex {
    /// Index `text` (the whole file, BOM included if it has one).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        LineIndex { starts, bom }
    }

    /// The 1-based line and column of byte `offset` of `text`.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let mut start = self.starts.get(line - 1).copied().unwrap_or(0);
        if line == 1 {
            start = start.max(self.bom.min(offset));
        }
        let col = text.get(start..offset).map_or(0, |t| t.chars().count()) + 1;
        (line, col)
    }

    /// The text of line `line` (1-based) without its line ending.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let start = if line == 1 {
            start.max(self.bom)
        } else {
            start
        };
        let end = self.starts.get(line).copied().unwrap_or(text.len());
        text.get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// The number of lines.
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// The byte offset where line `line` (1-based) starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0)
    }
}

/// The largest char boundary of `text` at or below `offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// One run of decoded bytes and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Segment {
    /// First decoded byte of the run.
    out: usize,
    /// File the run came from.
    file: FileId,
    /// First source byte.
    src: usize,
    /// `None`: decoded byte `out + k` is source byte `src + k` (a verbatim
    /// run). `Some(n)`: every decoded byte of the run came from the `n`
    /// source bytes at `src` (an escape, a folded line break).
    width: Option<usize>,
}

/// A decoded string and the file bytes each of its bytes came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    value: String,
    segments: Vec<Segment>,
}

/// A place in a file: the file and a byte range in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSpan {
    /// Which file.
    pub file: FileId,
    /// The bytes.
    pub range: Range<usize>,
}

impl Text {
    /// An empty text.
    pub fn new() -> Self {
        Text::default()
    }

    /// `value` with no map (it did not come from a file, e.g. an object key
    /// used as `each.key`).
    pub fn unmapped(value: &str) -> Self {
        Text {
            value: value.to_owned(),
            segments: Vec::new(),
        }
    }

    /// `value`, copied verbatim from file bytes starting at `src`.
    pub fn verbatim(value: &str, file: FileId, src: usize) -> Self {
        let mut t = Text::new();
        t.push_verbatim(value, file, src);
        t
    }

    /// The decoded string.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Roughly the bytes the text holds: the string and its map.
    pub fn heap_size(&self) -> usize {
        self.value
            .len()
            .saturating_add(self.segments.len() * std::mem::size_of::<Segment>())
    }

    /// Whether the decoded string is empty.
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Append bytes that are verbatim the file bytes at `src`.
    pub fn push_verbatim(&mut self, s: &str, file: FileId, src: usize) {
        if s.is_empty() {
            return;
        }
        let out = self.value.len();
        let extends = self.segments.last().is_some_and(|last| {
            last.width.is_none() && last.file == file && last.src + (out - last.out) == src
        });
        if !extends {
            self.segments.push(Segment {
                out,
                file,
                src,
                width: None,
            });
        }
        self.value.push_str(s);
    }

    /// Append `s`, produced by the `width` source bytes at `src` (an escape
    /// sequence, a folded line break).
    pub fn push_from(&mut self, s: &str, file: FileId, src: usize, width: usize) {
        if s.is_empty() {
            return;
        }
        self.segments.push(Segment {
            out: self.value.len(),
            file,
            src,
            width: Some(width),
        });
        self.value.push_str(s);
    }

    /// Append another text, keeping its map.
    pub fn push_text(&mut self, other: &Text) {
        let base = self.value.len();
        for seg in &other.segments {
            self.segments.push(Segment {
                out: base + seg.out,
                ..seg.clone()
            });
        }
        self.value.push_str(&other.value);
    }

    /// The text without leading and trailing whitespace, map kept.
    #[must_use]
    pub fn trimmed(&self) -> Text {
        let start = self.value.len() - self.value.trim_start().len();
        let end = self.value.trim_end().len().max(start);
        self.slice(start..end)
    }

    /// The decoded bytes `range` (on char boundaries), map kept.
    #[must_use]
    pub fn slice(&self, range: Range<usize>) -> Text {
        let start = floor_char_boundary(&self.value, range.start);
        let end = floor_char_boundary(&self.value, range.end.max(start));
        let mut out = Text::new();
        let Some(value) = self.value.get(start..end) else {
            return out;
        };
        out.value = value.to_owned();
        for (i, seg) in self.segments.iter().enumerate() {
            let seg_end = self.segments.get(i + 1).map_or(self.value.len(), |n| n.out);
            if seg_end <= start || seg.out >= end {
                continue;
            }
            let from = seg.out.max(start);
            let src = match seg.width {
                None => seg.src + (from - seg.out),
                Some(_) => seg.src,
            };
            out.segments.push(Segment {
                out: from - start,
                file: seg.file,
                src,
                width: seg.width,
            });
        }
        out
    }

    /// The file bytes decoded bytes `range` came from. An empty range is a
    /// position (the source of the byte at `range.start`, or just past the
    /// last byte). `None` for a text with no map (nothing came from a file).
    pub fn source_span(&self, range: Range<usize>) -> Option<FileSpan> {
        let first = self.source_of(range.start)?;
        if range.end <= range.start {
            return Some(FileSpan {
                file: first.0,
                range: first.1.start..first.1.start,
            });
        }
        let last = self.source_of(range.end - 1)?;
        let end = if last.0 == first.0 && last.1.end >= first.1.start {
            last.1.end
        } else {
            first.1.end
        };
        Some(FileSpan {
            file: first.0,
            range: first.1.start..end,
        })
    }

    /// The source of decoded byte `offset`: its file and source bytes. At or
    /// past the end, the position just past the source of the last byte.
    fn source_of(&self, offset: usize) -> Option<(FileId, Range<usize>)> {
        if offset >= self.value.len() {
            let last_byte = self.value.len().checked_sub(1)?;
            let (file, r) = self.source_of(last_byte)?;
            return Some((file, r.end..r.end));
        }
        let idx = self.segments.partition_point(|s| s.out <= offset);
        let seg = self.segments.get(idx.checked_sub(1)?)?;
        Some(match seg.width {
            None => {
                let s = seg.src + (offset - seg.out);
                // A whole character: extend to the end of its UTF-8 sequence.
                let len = self
                    .value
                    .get(offset..)
                    .and_then(|t| t.chars().next())
                    .map_or(1, char::len_utf8);
                (seg.file, s..s + len)
            }
            Some(w) => (seg.file, seg.src..seg.src + w),
        })
    }

    /// Whether every byte is verbatim from one contiguous run of the file.
    pub fn is_verbatim(&self) -> bool {
        self.segments.len() <= 1 && self.segments.iter().all(|s| s.width.is_none())
    }
}

/// Decode the inside of an HCL quoted string (between the quotes), which
/// starts at file byte `src`. Escapes: `\n \r \t \" \\ \uNNNN \UNNNNNNNN`,
/// and `$${` / `%%{` for a literal `${` / `%{`. An interpolation or a
/// directive (`${`, `%{`) is an error: the caller resolves templates.
pub fn decode_hcl_quoted(raw: &str, file: FileId, src: usize) -> Result<Text, String> {
    let mut out = Text::new();
    let b = raw.as_bytes();
    let mut i = 0;
    let mut run = 0;
    let flush = |out: &mut Text, run: usize, i: usize| {
        if let Some(s) = raw.get(run..i) {
            out.push_verbatim(s, file, src + run);
        }
    };
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => {
                flush(&mut out, run, i);
                let (s, w): (String, usize) = match b.get(i + 1) {
                    Some(b'n') => ("\n".into(), 2),
                    Some(b'r') => ("\r".into(), 2),
                    Some(b't') => ("\t".into(), 2),
                    Some(b'"') => ("\"".into(), 2),
                    Some(b'\\') => ("\\".into(), 2),
                    Some(b'u') => (hex_char(raw, i + 2, 4)?, 6),
                    Some(b'U') => (hex_char(raw, i + 2, 8)?, 10),
                    _ => return Err(format!("invalid escape at byte {}", src + i)),
                };
                out.push_from(&s, file, src + i, w);
                i += w;
                run = i;
            }
            b'$' | b'%' if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') => {
                flush(&mut out, run, i);
                out.push_from(if c == b'$' { "${" } else { "%{" }, file, src + i, 3);
                i += 3;
                run = i;
            }
            b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                return Err("template interpolation".into());
            }
            _ => i += 1,
        }
    }
    flush(&mut out, run, i);
    Ok(out)
}

fn hex_char(raw: &str, at: usize, n: usize) -> Result<String, String> {
    let digits = raw
        .get(at..at + n)
        .ok_or_else(|| String::from("short unicode escape"))?;
    let code = u32::from_str_radix(digits, 16).map_err(|_| String::from("bad unicode escape"))?;
    char::from_u32(code)
        .map(String::from)
        .ok_or_else(|| String::from("unicode escape is not a character"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_with_crlf_cr_tabs_bom_and_unicode() {
        let text = "\u{feff}ab\r\ncd\rx\té\ny";
        let idx = LineIndex::new(text);
        assert_eq!(idx.lines(), 4);
        assert_eq!(idx.position(text, 3), (1, 1)); // after the BOM
        assert_eq!(idx.position(text, 4), (1, 2));
        assert_eq!(idx.position(text, 7), (2, 1));
        assert_eq!(idx.position(text, 10), (3, 1));
        // `x`, tab, `é` (2 bytes): the byte after é is column 4.
        assert_eq!(idx.position(text, 14), (3, 4));
        assert_eq!(idx.position(text, 15), (4, 1));
        assert_eq!(idx.line(text, 1), "ab");
        assert_eq!(idx.line(text, 3), "x\té");
        assert_eq!(idx.line(text, 9), "");
    }

    #[test]
    fn hcl_escapes_map_back_to_the_backslash() {
        // File: `p = "{ $.a = \"x\" }"`; the string's inside starts at byte 5.
        let file = r#"p = "{ $.a = \"x\" }""#;
        let inside = &file[5..file.len() - 1];
        let t = decode_hcl_quoted(inside, 0, 5).unwrap();
        assert_eq!(t.as_str(), r#"{ $.a = "x" }"#);
        // Decoded byte 8 is the `"`, written `\"` at file bytes 13..15.
        assert_eq!(t.source_span(8..9).unwrap().range, 13..15);
        // `x` is verbatim.
        assert_eq!(t.source_span(9..10).unwrap().range, 15..16);
        // A span across the escape covers it whole.
        assert_eq!(t.source_span(8..11).unwrap().range, 13..18);
        // The closing `}` and a position at the end.
        assert_eq!(t.source_span(12..13).unwrap().range, 19..20);
        assert_eq!(t.source_span(13..13).unwrap().range, 20..20);
        assert!(!t.is_verbatim());
    }

    #[test]
    fn hcl_unicode_and_template_escapes() {
        let t = decode_hcl_quoted(r"a\u00e9$${x}%%{y}\U0001F600", 0, 0).unwrap();
        assert_eq!(t.as_str(), "aé${x}%{y}😀");
        assert_eq!(t.source_span(1..3).unwrap().range, 1..7);
        assert_eq!(t.source_span(3..5).unwrap().range, 7..10);
        assert!(decode_hcl_quoted("a${var.x}", 0, 0).is_err());
        assert!(decode_hcl_quoted(r"\q", 0, 0).is_err());
        assert!(decode_hcl_quoted(r"\u12", 0, 0).is_err());
    }

    #[test]
    fn trim_and_slice_keep_the_map() {
        let mut t = Text::new();
        t.push_verbatim("  ab", 0, 10);
        t.push_from(" ", 0, 20, 2);
        t.push_verbatim("cd \n", 0, 30);
        let tr = t.trimmed();
        assert_eq!(tr.as_str(), "ab cd");
        assert_eq!(tr.source_span(0..1).unwrap().range, 12..13);
        assert_eq!(tr.source_span(2..3).unwrap().range, 20..22);
        assert_eq!(tr.source_span(3..5).unwrap().range, 30..32);
        assert_eq!(tr.source_span(5..5).unwrap().range, 32..32);
        let v = Text::verbatim("xyz", 1, 4);
        assert!(v.is_verbatim());
        assert_eq!(
            v.source_span(1..2).unwrap(),
            FileSpan {
                file: 1,
                range: 5..6
            }
        );
        assert!(Text::new().source_span(0..0).is_none());
    }
}
