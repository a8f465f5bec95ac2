//! Errors of the pattern parser: a kind, a span and the input.
//!
//! [`ParseError`]'s `Display` renders the pattern with a caret under the
//! offending bytes and a `help:` line, like this:
//!
//! ```text
//! error: single quotes do not delimit values
//!   |
//! 1 | { $.userIdentity.type = 'Root' }
//!   |                         ^^^^^^
//!   = help: use double quotes: `"Root"`
//! ```
//!
//! Messages are lowercase, one line, with user text in backticks.

use std::fmt;

use crate::pattern::ast::Span;

mod kind;
mod render;

pub use kind::{
    BracketKeyProblem, DelimitedProblem, ErrorKind, IndexProblem, SelectorProblem, TermProblem,
};
pub(crate) use render::excerpt;
pub use render::render_caret;

/// The longest pattern CloudWatch Logs accepts, in characters.
pub const MAX_PATTERN_CHARS: usize = 1024;

/// The deepest nesting of parentheses the parser accepts.
pub const MAX_NESTING: usize = 32;

/// At most this many `%regex%` per pattern (a service quota).
pub const MAX_REGEXES: usize = 2;

/// At most this many selectors with a wildcard per pattern (a service quota).
pub const MAX_WILDCARD_SELECTORS: usize = 3;

/// A pattern that could not be parsed: what, where, and the pattern itself.
///
/// One pointer wide, so that a `Result` of the parser stays small.
#[derive(Clone, PartialEq, Eq)]
pub struct ParseError(Box<Inner>);

/// What a [`ParseError`] holds.
#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    span: Span,
    input: String,
    message: String,
    help: Option<String>,
}

impl fmt::Debug for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseError")
            .field("kind", &self.0.kind)
            .field("span", &self.0.span)
            .field("input", &self.0.input)
            .field("message", &self.0.message)
            .field("help", &self.0.help)
            .finish()
    }
}

impl ParseError {
    /// A new error: the message and help come from `kind`.
    pub(crate) fn new(kind: ErrorKind, span: Span, input: &str) -> Self {
        // Keep the span inside the input and on character boundaries, whatever the caller did.
        let clamp = |mut o: usize, up: bool| {
            o = o.min(input.len());
            while !input.is_char_boundary(o) {
                if up { o += 1 } else { o -= 1 }
            }
            o
        };
        let start = clamp(span.start, false);
        let end = clamp(span.end.max(start), true);
        ParseError(Box::new(Inner {
            message: one_line(kind.to_string()),
            help: kind.help().map(|h| one_line(h.into_owned())),
            kind,
            span: Span::new(start, end),
            input: input.to_owned(),
        }))
    }

    /// The pattern is longer than [`MAX_PATTERN_CHARS`]: `chars` characters
    /// and `bytes` bytes in all, of which `head` is the start. A reader that
    /// stops keeping a long input passes what it kept; the span then runs
    /// from the first character over the limit to `bytes`, past the end of
    /// [`ParseError::input`].
    pub(crate) fn too_long(head: &str, chars: usize, bytes: usize) -> Self {
        let cut = head
            .char_indices()
            .nth(MAX_PATTERN_CHARS)
            .map_or(head.len(), |(i, _)| i);
        let mut e = ParseError::new(ErrorKind::TooLong { chars }, Span::new(cut, cut), head);
        e.0.span.end = bytes.max(cut);
        e
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The bytes of the input at fault (may be empty: a position). For a
    /// `too_long` pattern of which only the start was kept, `end` is the
    /// length of the whole pattern.
    pub fn span(&self) -> Span {
        self.0.span
    }

    /// The pattern that failed.
    pub fn input(&self) -> &str {
        &self.0.input
    }

    /// The one-line message, without the rendering.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Advice on what the user probably meant, if any.
    pub fn help(&self) -> Option<&str> {
        self.0.help.as_deref()
    }

    /// Render with a caret under the span; `origin` names the source
    /// (e.g. `pattern` or `main.tf:12:7`).
    pub fn render(&self, origin: Option<&str>) -> String {
        render_caret(
            &self.0.input,
            self.0.span,
            &self.0.message,
            self.0.help.as_deref(),
            origin,
        )
    }
}

/// Show control characters of user text escaped (`\n`, `\u{1}`), so that a
/// message is always one line. The criteria language's errors use it too.
pub(crate) fn one_line(s: String) -> String {
    if !s.chars().any(char::is_control) {
        return s;
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(None))
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_help_are_one_line() {
        let e = ParseError::new(
            ErrorKind::SingleQuotedValue {
                inner: "x\ty".into(),
            },
            Span::new(0, 1),
            "x",
        );
        assert_eq!(e.help(), Some("use double quotes: `\"x\\ty\"`"));
        let e = ParseError::new(
            ErrorKind::KeywordCase {
                word: "a\nb".into(),
            },
            Span::new(0, 1),
            "x",
        );
        assert_eq!(e.message(), "`a\\nb` must be written in upper case");
    }
}
