//! The streaming event reader never panics, and what it gives does not
//! depend on how the input arrives: the first byte of the fuzz input picks
//! a read size (1 to 64 bytes at a time), the rest is the log file. For
//! every input:
//! - reading it whole and reading it a few bytes at a time give the same
//!   events, skipped events and error;
//! - each event's message is the input's bytes at its offset, and its line
//!   is one more than the newlines before that offset;
//! - a skipped event lies inside the input and is longer than the limit.
#![no_main]

use std::io::Read;

use cis_filters::matcher::MAX_EVENT_BYTES;
use cis_filters::matcher::input::{EventReader, Item};
use libfuzzer_sys::fuzz_target;

/// Hands out at most `step` bytes per read.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(self.0.len()).min(out.len());
        let (now, later) = self.0.split_at(n);
        out[..n].copy_from_slice(now);
        self.0 = later;
        Ok(n)
    }
}

/// `(offset, length, line, skipped)` of every item, or the error's text.
fn items(src: impl Read) -> Result<Vec<(u64, u64, usize, bool)>, String> {
    let mut r = EventReader::new(src);
    let mut out = Vec::new();
    while let Some(item) = r.next().map_err(|e| e.to_string())? {
        out.push(match item {
            Item::Event(e) => (e.offset, e.message.len() as u64, e.line, false),
            Item::TooLarge(s) => (s.offset, s.bytes, s.line, true),
        });
    }
    Ok(out)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, text)) = data.split_first() else {
        return;
    };
    let step = usize::from(first % 64) + 1;
    let whole = items(text);
    assert_eq!(whole, items(Trickle(text, step)), "read {step} bytes at a time");
    let Ok(found) = whole else {
        return;
    };
    for (offset, len, line, skipped) in found {
        let start = usize::try_from(offset).unwrap();
        let end = start + usize::try_from(len).unwrap();
        assert!(end <= text.len(), "item past the end: {start}..{end}");
        assert_eq!(line, 1 + text[..start].iter().filter(|&&b| b == b'\n').count());
        if skipped {
            assert!(len > MAX_EVENT_BYTES as u64);
        } else {
            let bytes = &text[start..end];
            assert!(std::str::from_utf8(bytes).is_ok());
        }
    }
});
