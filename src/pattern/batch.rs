//! Many patterns, one per line, to one JSON object per line: the engine of
//! `cis-filters parse --batch`, and the JSON of a parse result.
//!
//! Lines are read with a bounded buffer: a line longer than
//! [`MAX_LINE_BYTES`] is read through and reported as `too_long` without
//! being kept, so memory does not grow with the input. Output is written in
//! large blocks; without `ast` an object holds `ok`, `kind` and `normal`, or
//! `error`, and `line` (keys in sorted order, as in the single-pattern
//! object).

use std::io::{self, BufRead, Write};

use serde_json::{Value, json};

use crate::pattern::normal::Print;
use crate::pattern::{Ast, Normal, ParseError, parse};

/// The most of one pattern (a `--batch` line, or stdin) that is kept: 64 KiB.
/// A pattern is at most 1,024 characters (4 KiB of UTF-8), so anything the
/// parser could accept fits, and anything longer up to this size gets the
/// parser's own `too_long` error.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The JSON object of one parse result, as `parse --format json` prints it:
/// `ok`, `kind`, `normal` and the spanned tree `ast`, or `ok` and `error`.
pub fn result_json(result: &Result<Ast, ParseError>) -> Value {
    match result {
        Ok(ast) => json!({
            "ok": true,
            "kind": ast.kind_name(),
            "normal": Normal::from_ast(ast).to_string(),
            "ast": ast,
        }),
        Err(e) => json!({
            "ok": false,
            "error": error_json(e),
        }),
    }
}

/// The JSON object of a parse error: kind code, message, byte span, help.
pub fn error_json(e: &ParseError) -> Value {
    json!({
        "kind": e.kind().code(),
        "message": e.message(),
        "start": e.span().start,
        "end": e.span().end,
        "help": e.help(),
    })
}

/// What a batch run saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Lines read.
    pub lines: usize,
    /// Lines that are not a valid pattern.
    pub invalid: usize,
    /// The output was closed early (a broken pipe): the rest of the input
    /// was still read and judged, but not written.
    pub output_closed: bool,
}

/// Why a batch run stopped.
#[derive(Debug)]
pub enum BatchError {
    /// Reading the input failed.
    Read(io::Error),
    /// Writing the output failed (other than a closed pipe).
    Write(io::Error),
}

/// Parse every line of `input` (verbatim but for its `\n`) and write one JSON
/// object per line to `output`, with `"line": N` (1-based) and, with `ast`,
/// the syntax tree. A closed output (broken pipe) stops the writing, not
/// the reading, so the summary still counts every invalid line.
pub fn run<R: BufRead, W: Write>(
    mut input: R,
    output: W,
    ast: bool,
) -> Result<Summary, BatchError> {
    let mut out = io::BufWriter::with_capacity(IO_BUFFER, output);
    let mut summary = Summary::default();
    let (mut line, mut obj, mut normal) = (Vec::new(), Vec::new(), String::new());
    loop {
        let record = match read_record(&mut input, Some(b'\n'), MAX_LINE_BYTES, &mut line) {
            Ok(Record::End) => break,
            Ok(r) => r,
            Err(e) => return Err(BatchError::Read(e)),
        };
        summary.lines += 1;
        obj.clear();
        let ok = line_object(&mut obj, record, &line, summary.lines, ast, &mut normal);
        summary.invalid += usize::from(!ok);
        if !summary.output_closed {
            write_or_close(out.write_all(&obj), &mut summary)?;
        }
    }
    if !summary.output_closed {
        write_or_close(out.flush(), &mut summary)?;
    }
    Ok(summary)
}

/// The buffer size for reading and writing.
const IO_BUFFER: usize = 64 * 1024;

fn write_or_close(r: io::Result<()>, summary: &mut Summary) -> Result<(), BatchError> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            summary.output_closed = true;
            Ok(())
        }
        Err(e) => Err(BatchError::Write(e)),
        Ok(()) => Ok(()),
    }
}

/// Write the object of line `n` to `out`; whether the line is valid.
fn line_object(
    out: &mut Vec<u8>,
    record: Record,
    line: &[u8],
    n: usize,
    ast: bool,
    normal: &mut String,
) -> bool {
    if let Record::TooLong { bytes, chars } = record {
        let e = ParseError::too_long(utf8_prefix(line), chars, bytes);
        error_object(out, &error_json(&e), n);
        return false;
    }
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let error = json!({
                "kind": "invalid_utf8",
                "message": "the line is not valid UTF-8",
                "start": at, "end": at + 1, "help": null});
            error_object(out, &error, n);
            return false;
        }
    };
    let result = parse(text);
    let ok = result.is_ok();
    match result {
        result if ast => {
            let mut v = result_json(&result);
            if let Some(m) = v.as_object_mut() {
                m.insert("line".into(), json!(n));
            }
            write_json(out, &v);
            out.push(b'\n');
        }
        Ok(tree) => {
            let kind = tree.kind_name();
            normal.clear();
            // Writing to a String cannot fail.
            let _ = Normal::from_ast_owned(tree).print(normal);
            out.extend_from_slice(b"{\"kind\":\"");
            out.extend_from_slice(kind.as_bytes());
            out.extend_from_slice(b"\",\"line\":");
            out.extend_from_slice(n.to_string().as_bytes());
            out.extend_from_slice(b",\"normal\":");
            write_json_str(out, normal);
            out.extend_from_slice(b",\"ok\":true}\n");
        }
        Err(e) => error_object(out, &error_json(&e), n),
    }
    ok
}

/// `{"error":…,"line":N,"ok":false}` and a newline.
fn error_object(out: &mut Vec<u8>, error: &Value, n: usize) {
    out.extend_from_slice(b"{\"error\":");
    write_json(out, error);
    out.extend_from_slice(b",\"line\":");
    out.extend_from_slice(n.to_string().as_bytes());
    out.extend_from_slice(b",\"ok\":false}\n");
}

/// Append `s` as a JSON string, as `serde_json` writes it. Most normal forms
/// need only their quotes escaped, found with `memchr`; text with control
/// characters goes through `serde_json`.
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if bytes.iter().any(|&b| b < 0x20) {
        return write_json(out, s);
    }
    out.push(b'"');
    let mut rest = bytes;
    while let Some(at) = memchr::memchr2(b'"', b'\\', rest) {
        let (run, tail) = rest.split_at(at);
        out.extend_from_slice(run);
        out.push(b'\\');
        if let Some((&c, tail)) = tail.split_first() {
            out.push(c);
            rest = tail;
        } else {
            rest = tail;
        }
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// Append `v` as JSON (writing to a Vec cannot fail).
fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    let _ = serde_json::to_writer(&mut *out, v);
}

/// What [`read_record`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    /// The input had already ended: no record.
    End,
    /// A record of at most the cap, whole in the buffer (without its
    /// delimiter).
    Whole,
    /// A record longer than the cap. The buffer holds its first `cap` bytes;
    /// the rest was read and dropped. `bytes` and `chars` (UTF-8 lead bytes)
    /// count the whole record, without its delimiter.
    TooLong {
        /// The record's length in bytes.
        bytes: usize,
        /// The record's length in characters.
        chars: usize,
    },
}

/// Read one record, up to `delim` (consumed, not stored) or the end of the
/// input when `delim` is `None`, into `buf` (cleared first), keeping at most
/// `cap` bytes of it. Memory stays bounded by `cap` and the reader's buffer
/// however long the record is.
pub fn read_record<R: BufRead + ?Sized>(
    r: &mut R,
    delim: Option<u8>,
    cap: usize,
    buf: &mut Vec<u8>,
) -> io::Result<Record> {
    buf.clear();
    let (mut any, mut bytes, mut dropped_chars) = (false, 0usize, 0usize);
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let found = delim.and_then(|d| memchr::memchr(d, chunk));
        let part = chunk.get(..found.unwrap_or(chunk.len())).unwrap_or(chunk);
        let room = cap.saturating_sub(buf.len());
        let (kept, dropped) = part.split_at(room.min(part.len()));
        buf.extend_from_slice(kept);
        dropped_chars += utf8_chars(dropped);
        bytes += part.len();
        let used = part.len() + usize::from(found.is_some());
        r.consume(used);
        if found.is_some() {
            break;
        }
    }
    Ok(if !any {
        Record::End
    } else if bytes > cap {
        Record::TooLong {
            bytes,
            chars: utf8_chars(buf) + dropped_chars,
        }
    } else {
        Record::Whole
    })
}

/// The characters in UTF-8 bytes: the bytes that are not continuation bytes
/// (for invalid UTF-8, an estimate).
fn utf8_chars(b: &[u8]) -> usize {
    b.iter().filter(|&&x| (x & 0xC0) != 0x80).count()
}

/// The longest prefix of `b` that is valid UTF-8.
fn utf8_prefix(b: &[u8]) -> &str {
    match std::str::from_utf8(b) {
        Ok(s) => s,
        Err(e) => b
            .get(..e.valid_up_to())
            .and_then(|v| std::str::from_utf8(v).ok())
            .unwrap_or(""),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Read};

    use super::*;

    /// `remaining` copies of `byte`, handed out 4 KiB at a time, as from
    /// `/dev/zero`.
    struct Endless {
        byte: u8,
        remaining: usize,
    }

    impl Read for Endless {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = out.len().min(self.remaining).min(4096);
            out.iter_mut().take(n).for_each(|b| *b = self.byte);
            self.remaining -= n;
            Ok(n)
        }
    }

    #[test]
    fn lines_are_split_and_kept_whole_under_the_cap() {
        let mut r: &[u8] = b"a\n\nbc\r\nlast";
        let mut buf = Vec::new();
        let mut got = Vec::new();
        loop {
            match read_record(&mut r, Some(b'\n'), 16, &mut buf).unwrap() {
                Record::End => break,
                rec => got.push((rec, String::from_utf8(buf.clone()).unwrap())),
            }
        }
        let w = Record::Whole;
        assert_eq!(
            got,
            [
                (w, "a".into()),
                (w, String::new()),
                (w, "bc\r".into()),
                (w, "last".into())
            ]
        );
    }

    #[test]
    fn a_long_line_is_counted_dropped_and_the_next_one_read() {
        // 10 characters, 20 bytes (two-byte é), then a short line.
        let text = format!("{}\nok\n", "é".repeat(10));
        let mut r = BufReader::with_capacity(3, text.as_bytes());
        let mut buf = Vec::new();
        let rec = read_record(&mut r, Some(b'\n'), 5, &mut buf).unwrap();
        assert_eq!(
            rec,
            Record::TooLong {
                bytes: 20,
                chars: 10
            }
        );
        assert_eq!(buf.len(), 5);
        assert_eq!(utf8_prefix(&buf), "éé");
        assert_eq!(
            read_record(&mut r, Some(b'\n'), 5, &mut buf).unwrap(),
            Record::Whole
        );
        assert_eq!(buf, b"ok");
        assert_eq!(
            read_record(&mut r, Some(b'\n'), 5, &mut buf).unwrap(),
            Record::End
        );
    }

    #[test]
    fn a_huge_line_keeps_only_the_cap() {
        // 64 MiB of zero bytes without a newline: read through, never stored.
        let huge = 64usize << 20;
        let mut r = BufReader::new(Endless {
            byte: 0,
            remaining: huge,
        });
        let mut buf = Vec::new();
        let rec = read_record(&mut r, Some(b'\n'), 4096, &mut buf).unwrap();
        assert_eq!(
            rec,
            Record::TooLong {
                bytes: huge,
                chars: huge
            }
        );
        assert_eq!(buf.len(), 4096);
        assert!(buf.capacity() < 64 * 1024, "{}", buf.capacity());
    }

    #[test]
    fn whole_input_without_a_delimiter() {
        let mut r: &[u8] = b"{ $.a = 1 }\n{ $.b = 2 }\n";
        let mut buf = Vec::new();
        assert_eq!(
            read_record(&mut r, None, 64, &mut buf).unwrap(),
            Record::Whole
        );
        assert_eq!(buf, b"{ $.a = 1 }\n{ $.b = 2 }\n");
        let mut r: &[u8] = b"0123456789";
        assert_eq!(
            read_record(&mut r, None, 4, &mut buf).unwrap(),
            Record::TooLong {
                bytes: 10,
                chars: 10
            }
        );
        assert_eq!(buf, b"0123");
    }

    fn batch(input: &str, ast: bool) -> (Summary, Vec<Value>) {
        let mut out = Vec::new();
        let summary = run(input.as_bytes(), &mut out, ast).unwrap();
        let objects = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (summary, objects)
    }

    #[test]
    fn objects_without_the_tree_by_default() {
        let (s, v) = batch("{ $.a = 1 }\n{ $.a == 1 }\n[a, b]\n", false);
        assert_eq!((s.lines, s.invalid, s.output_closed), (3, 1, false));
        assert_eq!(
            v[0],
            json!({"ok": true, "kind": "json", "normal": "{ $.a = 1 }", "line": 1})
        );
        assert_eq!(v[1]["ok"], false);
        assert_eq!(v[1]["line"], 2);
        assert_eq!(v[1]["error"]["kind"], "double_equals");
        assert_eq!(v[2]["kind"], "delimited");
        assert!(v.iter().all(|o| o.get("ast").is_none()));
    }

    #[test]
    fn the_tree_on_request_as_the_single_pattern_object_has_it() {
        let (_, v) = batch("{ $.a = \"x\" }", true);
        let mut single = result_json(&parse("{ $.a = \"x\" }"));
        if let Some(m) = single.as_object_mut() {
            m.insert("line".into(), json!(1));
        }
        assert_eq!(v, [single]);
        assert_eq!(v[0]["ast"]["span"]["end"], 13);
    }

    #[test]
    fn the_default_object_is_the_single_one_without_its_tree_byte_for_byte() {
        let text = "{ ($.eventName = \"A\\\"b\") || $.x NOT EXISTS }\n%a+%\n{ $.a = 'x' }\n";
        let mut out = Vec::new();
        run(text.as_bytes(), &mut out, false).unwrap();
        let expected: String = text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let mut v = result_json(&parse(l));
                if let Some(m) = v.as_object_mut() {
                    m.remove("ast");
                    m.insert("line".into(), json!(i + 1));
                }
                format!("{v}\n")
            })
            .collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn a_line_over_the_cap_is_too_long_and_the_rest_goes_on() {
        let long = "x".repeat(MAX_LINE_BYTES + 10);
        let (s, v) = batch(&format!("{long}\n{{ $.a = 1 }}\n"), false);
        assert_eq!((s.lines, s.invalid), (2, 1));
        let e = &v[0]["error"];
        assert_eq!(e["kind"], "too_long");
        assert_eq!(
            e["message"],
            format!(
                "the pattern is {} characters long; CloudWatch Logs accepts at most 1024",
                MAX_LINE_BYTES + 10
            )
        );
        assert_eq!(
            (e["start"].as_u64(), e["end"].as_u64()),
            (Some(1024), Some(long.len() as u64))
        );
        // Just under the cap: the parser's own error, the same object.
        let under = "y".repeat(MAX_LINE_BYTES);
        let (_, w) = batch(&under, false);
        assert_eq!(w[0]["error"], error_json(&parse(&under).unwrap_err()));
        assert_eq!(v[1]["ok"], true);
        assert_eq!(v[1]["line"], 2);
    }

    #[test]
    fn invalid_utf8_is_an_error_for_its_line() {
        let mut out = Vec::new();
        let s = run(&b"ab\xff\nok\n"[..], &mut out, false).unwrap();
        assert_eq!((s.lines, s.invalid), (2, 1));
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("{\"error\":{\"end\":3,\"help\":null,\"kind\":\"invalid_utf8\""),
            "{text}"
        );
    }

    /// A writer whose reader went away after `room` bytes.
    struct ClosesAfter {
        room: usize,
    }

    impl Write for ClosesAfter {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            let n = b.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_output_stops_writing_but_every_line_is_judged() {
        // Enough lines to fill the output buffer several times; the
        // invalid one comes last, after the reader has gone.
        let mut input = "{ $.eventName = \"ConsoleLogin\" }\n".repeat(20_000);
        input.push_str("{ $.a == 1 }\n");
        let s = run(input.as_bytes(), ClosesAfter { room: 100 }, false).unwrap();
        assert_eq!((s.lines, s.invalid, s.output_closed), (20_001, 1, true));
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "",
            "plain",
            "{ $.a = \"x\" }",
            "a\\b\\\"",
            "\"",
            "tab\there\u{1}\u{1f}",
            "é ☃ \u{7f} 𝄞",
            "ends with \\",
        ] {
            let mut fast = Vec::new();
            write_json_str(&mut fast, s);
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }
}
