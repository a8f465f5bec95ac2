//! The CloudWatch Logs filter-pattern language.
//!
//! - [`ast`]: the spanned surface tree, faithful to the text.
//! - [`error`]: parse errors with a kind, a span and a caret rendering.

pub mod ast;
pub mod error;

pub use ast::Ast;
pub use error::{ErrorKind, ParseError};
