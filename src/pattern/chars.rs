//! The character classes of the filter-pattern language, defined once.
//!
//! The parser reads with them, and every printer asks them whether a text
//! can be written bare or needs quotes or brackets, so what is printed
//! parses back. They are the `(* -- characters *)` section of
//! `grammar/filter-pattern.ebnf`. Each class is ASCII; the `_byte` forms
//! let the parser scan bytes without decoding UTF-8.

/// `ws`: space, tab, CR and LF.
#[inline]
pub(crate) fn is_ws(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_ws_byte)
}

/// [`is_ws`] on a byte.
#[inline]
pub(crate) fn is_ws_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// `name_char`: a property name in a selector and a delimited field name:
/// letters, digits, `_` and `-`.
#[inline]
pub(crate) fn is_name_char(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_name_byte)
}

/// [`is_name_char`] on a byte.
#[inline]
pub(crate) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')
}

/// `bare_char` (a byte): a bare value or term: letters, digits and `_ . * - +`.
#[inline]
pub(crate) fn is_bare_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'*' | b'-' | b'+')
}

/// `regex_char`: the characters allowed inside `%regex%`.
#[inline]
pub(crate) fn is_regex_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            ':' | '_'
                | '#'
                | '='
                | '@'
                | '/'
                | ';'
                | ','
                | '-'
                | '^'
                | '$'
                | '?'
                | '['
                | ']'
                | '{'
                | '}'
                | '|'
                | '\\'
                | '*'
                | '+'
                | '.'
        )
}

/// Where a bare token ends in JSON and delimited patterns.
#[inline]
pub(crate) fn is_value_end(c: char) -> bool {
    is_ws(c) || matches!(c, ')' | '}' | '&' | '|' | ']' | ',')
}

/// A property name that a selector can write after `.` (otherwise it needs
/// `.['…']`).
pub(crate) fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_name_byte)
}

/// A text that a value can write without quotes: bare characters only.
/// (Whether it then reads back as a number is the caller's question.)
pub(crate) fn is_bare(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_bare_byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_and_byte_forms_agree() {
        for b in 0..=u8::MAX {
            let c = char::from(b);
            assert_eq!(is_ws(c), is_ws_byte(b), "{b}");
            assert_eq!(is_name_char(c), is_name_byte(b), "{b}");
        }
        // Non-ASCII is in no class.
        assert!(!is_bare("é") && !is_name_char('é') && !is_ws('\u{a0}'));
        assert!(!is_regex_char('é'));
    }

    #[test]
    fn whole_texts() {
        assert!(is_name("user-name_1") && !is_name("") && !is_name("a.b"));
        assert!(is_bare("kms.amazonaws.com") && !is_bare("") && !is_bare("a b"));
    }
}
