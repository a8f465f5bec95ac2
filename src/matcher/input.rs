//! Split a log file into events.
//!
//! Recognised layouts, tried in this order:
//! 1. a CloudTrail log file: one JSON object with a `Records` array; each
//!    record is an event;
//! 2. one JSON array: each element is an event;
//! 3. one JSON object (possibly spread over several lines): one event;
//! 4. anything else: one event per line (JSON lines, or plain text). Empty
//!    and whitespace-only lines are skipped; a trailing `\r` is dropped.
//!
//! An event's message is its exact text in the file (a record's JSON as
//! written), which is what a terms or regex pattern searches.

use super::json::Reader;

/// How a file was split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// `{"Records": [...]}`
    CloudTrail,
    /// `[...]`
    JsonArray,
    /// One JSON object.
    JsonDocument,
    /// One event per line.
    Lines,
}

/// One event of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventText<'a> {
    /// The event's text.
    pub message: &'a str,
    /// The 1-based line of the file where it starts.
    pub line: usize,
}

/// The events of `text` and how they were found.
pub fn split(text: &str) -> (Layout, Vec<EventText<'_>>) {
    let trimmed = text.trim_start();
    let start = text.len() - trimmed.len();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Some(found) = whole_document(text, start)
    {
        return found;
    }
    (Layout::Lines, lines(text))
}

fn lines(text: &str) -> Vec<EventText<'_>> {
    text.split('\n')
        .enumerate()
        .filter_map(|(i, l)| {
            let l = l.strip_suffix('\r').unwrap_or(l);
            (!l.trim().is_empty()).then_some(EventText {
                message: l,
                line: i + 1,
            })
        })
        .collect()
}

/// Line numbers for offsets given in increasing order.
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_of(&mut self, offset: usize) -> usize {
        if let Some(run) = self.text.get(self.at..offset) {
            self.line += memchr::memchr_iter(b'\n', run).count();
            self.at = offset;
        }
        self.line
    }
}

fn whole_document(text: &str, start: usize) -> Option<(Layout, Vec<EventText<'_>>)> {
    let mut r = Reader::new(text);
    r.ws();
    let mut lc = LineCounter {
        text: text.as_bytes(),
        at: 0,
        line: 1,
    };
    if r.eat_ws(b'[') {
        let events = elements(&mut r, &mut lc)?;
        return r.at_end().then_some((Layout::JsonArray, events));
    }
    if !r.eat_ws(b'{') {
        return None;
    }
    let mut records = None;
    if !r.eat_ws(b'}') {
        loop {
            r.ws();
            let key = r.string().ok()?;
            if !r.eat_ws(b':') {
                return None;
            }
            r.ws();
            if key == "Records" && r.eat_ws(b'[') {
                records = Some(elements(&mut r, &mut lc)?);
            } else {
                r.skip_value(1).ok()?;
            }
            if r.eat_ws(b'}') {
                break;
            }
            if !r.eat_ws(b',') {
                return None;
            }
        }
    }
    if !r.at_end() {
        return None;
    }
    Some(match records {
        Some(events) => (Layout::CloudTrail, events),
        None => {
            let message = text.get(start..)?.trim_end();
            (
                Layout::JsonDocument,
                vec![EventText {
                    message,
                    line: lc.line_of(start),
                }],
            )
        }
    })
}

/// The elements of an array whose `[` was just read.
fn elements<'a>(r: &mut Reader<'a>, lc: &mut LineCounter<'_>) -> Option<Vec<EventText<'a>>> {
    let mut out = Vec::new();
    if r.eat_ws(b']') {
        return Some(out);
    }
    loop {
        r.ws();
        let begin = r.pos();
        r.skip_value(1).ok()?;
        out.push(EventText {
            message: r.slice(begin)?,
            line: lc.line_of(begin),
        });
        if r.eat_ws(b']') {
            return Some(out);
        }
        if !r.eat_ws(b',') {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> (Layout, Vec<&str>) {
        let (l, evs) = split(text);
        (l, evs.iter().map(|e| e.message).collect())
    }

    #[test]
    fn cloudtrail_records() {
        let text =
            "{\"Records\": [\n {\"eventName\":\"A\"},\n {\"eventName\":\"B\", \"x\": [1, 2]}\n]}\n";
        assert_eq!(
            messages(text),
            (
                Layout::CloudTrail,
                vec![r#"{"eventName":"A"}"#, r#"{"eventName":"B", "x": [1, 2]}"#]
            )
        );
        let (_, evs) = split(text);
        assert_eq!(evs[0].line, 2);
        assert_eq!(evs[1].line, 3);
        assert_eq!(messages(r#"{"Records":[]}"#), (Layout::CloudTrail, vec![]));
        // Other keys around Records are skipped.
        assert_eq!(
            messages(r#"{"a":{"Records":[1]},"Records":[{"k":1}],"z":null}"#),
            (Layout::CloudTrail, vec![r#"{"k":1}"#])
        );
    }

    #[test]
    fn arrays_documents_and_lines() {
        assert_eq!(
            messages(r#"[{"a":1}, "x"]"#),
            (Layout::JsonArray, vec![r#"{"a":1}"#, r#""x""#])
        );
        assert_eq!(
            messages("{\n  \"a\": 1\n}\n"),
            (Layout::JsonDocument, vec!["{\n  \"a\": 1\n}"])
        );
        assert_eq!(
            messages("{\"a\":1}\n{\"a\":2}\r\n\n  \nnot json\n"),
            (Layout::Lines, vec![r#"{"a":1}"#, r#"{"a":2}"#, "not json"])
        );
        let (_, evs) = split("{\"a\":1}\n\n{\"a\":2}");
        assert_eq!(evs[1].line, 3);
        assert_eq!(messages(""), (Layout::Lines, vec![]));
        assert_eq!(messages("{broken\n"), (Layout::Lines, vec!["{broken"]));
        assert_eq!(messages("[1,"), (Layout::Lines, vec!["[1,"]));
    }
}
