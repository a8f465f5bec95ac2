//! The CloudWatch Logs filter-pattern language.
//!
//! - [`ast`]: the spanned surface tree, faithful to the text.
//! - `chars`: the character classes of the language, for the parser and
//!   every printer.
//! - `parser`: the nom parser, text to [`Ast`] ([`parse`]), one file per section
//!   of the grammar.
//! - [`error`]: parse errors with a kind, a span and a caret rendering.
//! - [`normal`]: the span-free [`Normal`] form for comparison and matching.
//! - [`print`](mod@print): the tree back to text: tokens, house style.
//! - [`batch`]: many patterns, one per line, to JSON lines (`parse --batch`).
//!
//! The grammar is `grammar/filter-pattern.ebnf`; the policies for what AWS
//! does not document are in `grammar/README.md`.

pub mod ast;
pub mod batch;
pub(crate) mod chars;
pub mod error;
pub mod normal;
pub(crate) mod parser;
pub mod print;

pub use ast::Ast;
pub use error::{ErrorKind, ParseError};
pub use normal::Normal;
pub use parser::parse;
pub use print::lexical_eq;

/// Parse and normalise in one step.
pub fn normalize(text: &str) -> Result<Normal, ParseError> {
    parse(text).map(|a| Normal::from_ast(&a))
}
