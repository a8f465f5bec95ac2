//! Text from outside (account data, AWS error messages, log events, file
//! names, IaC strings) made safe to print on a terminal.
//!
//! A control character in such text could move the cursor, rewrite the
//! screen or set the window title (`ESC ] 0 ; title BEL`). Every
//! human-readable output shows these characters as visible escapes instead:
//!
//! | character | shown as |
//! |---|---|
//! | line feed, carriage return | `\n`, `\r` |
//! | other C0 controls and DEL (U+0000–U+001F, U+007F) | `\x1b`, `\x07`, … |
//! | C1 controls (U+0080–U+009F, e.g. the one-byte CSI U+009B) | `\u{9b}` |
//! | bidirectional formatting (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) | `\u{202e}` |
//!
//! Tabs and every other character (accents, CJK, emoji) are kept.
//! [`line()`] escapes line breaks too (names, one-line messages);
//! [`text`] keeps `\n` (multi-line text such as a pretty-printed log event).
//!
//! Machine formats (JSON, SARIF, ASFF, JUnit, CSV) carry the exact text and
//! do not use this module: their encoders escape what their syntax needs.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` is shown escaped (line feed aside, see [`text`]). Where an
/// escape would shift a column (a source line under a caret), show such a
/// character as a space instead.
pub fn dangerous(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

fn escape(s: &str, keep_newline: bool) -> Cow<'_, str> {
    let bad = |c: char| dangerous(c) && !(keep_newline && c == '\n');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !bad(c) {
            out.push(c);
            continue;
        }
        let _ = match c {
            '\n' => out.write_str("\\n"),
            '\r' => out.write_str("\\r"),
            c if u32::from(c) < 0x80 => write!(out, "\\x{:02x}", u32::from(c)),
            c => write!(out, "\\u{{{:x}}}", u32::from(c)),
        };
    }
    Cow::Owned(out)
}

/// `s` on one line, every control character visible (line breaks included).
pub fn line(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// `s` with its line breaks kept and every other control character visible.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_visible() {
        // OSC: set the window title, then ring the bell.
        assert_eq!(line("a\x1b]0;pwned\x07b"), "a\\x1b]0;pwned\\x07b");
        // CSI: clear the screen; carriage return to overwrite the line.
        assert_eq!(line("\x1b[2Jok\rFAKE"), "\\x1b[2Jok\\rFAKE");
        assert_eq!(line("x\ny"), "x\\ny");
        assert_eq!(text("x\ny\r\n"), "x\ny\\r\n");
        assert_eq!(line("\0\x7f"), "\\x00\\x7f");
        // C1 CSI (one byte in some terminals) and a right-to-left override.
        assert_eq!(line("a\u{9b}2Jb"), "a\\u{9b}2Jb");
        assert_eq!(line("abc\u{202e}fed"), "abc\\u{202e}fed");
    }

    #[test]
    fn ordinary_text_is_kept() {
        for s in [
            "plain",
            "tab\tseparated",
            "café ☕ 日本語",
            r"%\d+% \x1b",
            "",
        ] {
            assert!(matches!(line(s), Cow::Borrowed(_)), "{s}");
            assert_eq!(line(s), s);
        }
        assert!(matches!(text("two\nlines"), Cow::Borrowed(_)));
    }
}
