//! The JSON shape of an input without decoding it: where a value ends, and
//! whether the input is read as JSON at all.

use crate::matcher::MAX_EVENT_BYTES;
use crate::matcher::json::Reader;

/// Finds where one JSON value ends without decoding it: strings, escapes
/// and bracket depth only. Validation is the matcher's business (an event
/// that is not JSON matches no JSON pattern).
#[derive(Default)]
pub(super) struct Scanner {
    started: bool,
    scalar: bool,
    string: bool,
    escape: bool,
    depth: usize,
}

pub(super) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

pub(super) fn starts_value(b: u8) -> bool {
    matches!(
        b,
        b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
    )
}

impl Scanner {
    /// Feed the next bytes of the value; `Some(n)` when it ends after the
    /// first `n` of them (a number or literal ends before the byte that
    /// ends it).
    pub(super) fn feed(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            i += 1;
            if !self.started {
                self.started = true;
                match b {
                    b'{' | b'[' => self.depth = 1,
                    b'"' => self.string = true,
                    _ => self.scalar = true,
                }
                continue;
            }
            if self.scalar {
                if is_ws(b) || matches!(b, b',' | b']' | b'}') {
                    return Some(i - 1);
                }
                continue;
            }
            if self.string {
                // Skip to the next quote or backslash.
                if self.escape {
                    self.escape = false;
                } else if b == b'\\' {
                    self.escape = true;
                } else if b == b'"' {
                    self.string = false;
                    if self.depth == 0 {
                        return Some(i);
                    }
                } else if let Some(k) =
                    memchr::memchr2(b'"', b'\\', bytes.get(i..).unwrap_or_default())
                {
                    i += k;
                } else {
                    return None;
                }
                continue;
            }
            match b {
                b'"' => self.string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Whether the value is complete when the input ends here.
    pub(super) fn complete_at_end(&self) -> bool {
        self.scalar
    }
}

/// Whether an input that starts with `window` (all of it when `complete`)
/// is read as JSON; see the module documentation.
pub(super) fn is_json(window: &[u8], complete: bool) -> bool {
    let Some(start) = window.iter().position(|&b| !is_ws(b)) else {
        return false;
    };
    let rest = window.get(start..).unwrap_or_default();
    let first = rest.first().copied();
    if first != Some(b'{') && first != Some(b'[') {
        return false;
    }
    let mut sc = Scanner::default();
    let Some(n) = sc.feed(rest) else {
        // Unfinished: broken if the input ends, longer than an event if not.
        return !complete;
    };
    if n > MAX_EVENT_BYTES {
        // Longer than any line of JSON lines can be.
        return true;
    }
    let (value, after) = rest.split_at(n);
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    let mut r = Reader::new(text);
    if r.skip_value(0).is_err() || !r.at_end() {
        return false;
    }
    let alone = complete && after.iter().all(|&b| is_ws(b));
    alone || (first == Some(b'{') && has_records(text))
}

/// Whether a valid JSON object has a `Records` array.
fn has_records(text: &str) -> bool {
    let mut r = Reader::new(text);
    if !r.eat_ws(b'{') || r.eat_ws(b'}') {
        return false;
    }
    loop {
        r.ws();
        let Ok(key) = r.string() else {
            return false;
        };
        if !r.eat_ws(b':') {
            return false;
        }
        r.ws();
        if key == "Records" && r.eat_ws(b'[') {
            return true;
        }
        if r.skip_value(1).is_err() || !r.eat_ws(b',') {
            return false;
        }
    }
}
