//! The `fieldSelectionCriteria` language of CloudWatch Logs metric and
//! subscription filters: which source accounts and Regions a filter on a
//! central (cross-account) log group counts.
//!
//! ```text
//! @aws.account IN ["111111111111", "222222222222"] AND @aws.region != "eu-west-1"
//! ```
//!
//! - [`ast`]: the spanned tree, faithful to the text.
//! - [`parser`]: the nom parser, text to [`Criteria`].
//! - [`error`]: errors with a kind, a span and a caret rendering.
//! - [`normal`]: the span-free [`Selection`], what it selects, and its
//!   canonical text.
//! - [`print`](mod@print): the tree back to text in house style.
//!
//! The grammar is `grammar/field-selection-criteria.ebnf`; what AWS
//! documents and the policies for what it does not are in
//! `grammar/README.md`; the command `cis-filters criteria` is described in
//! `docs/criteria.md`.
//!
//! An organization audit asks, for a metric filter on a central log group
//! and a member account and Region, whether the filter counts that
//! account's events: [`selects`] answers in one call.

pub mod ast;
pub mod error;
pub mod normal;
pub mod parser;
pub mod print;

pub use ast::{Comparison, Criteria, Field, Op};
pub use error::{CriteriaError, ErrorKind, MAX_CRITERIA_CHARS};
pub use normal::{Extent, NCond, Selection};
pub use parser::{is_account_id, is_region_code, parse};

use crate::pattern::ast::Expr;

/// Whether `criteria` select events from `account` in `region`.
///
/// Values are compared exactly: account IDs are 12 digits, Region codes
/// lower case (the parser rejects other values).
pub fn evaluate(criteria: &Criteria, account: &str, region: &str) -> bool {
    match &criteria.expr {
        None => true,
        Some(e) => eval_expr(e, account, region),
    }
}

fn eval_expr(e: &Expr<Comparison>, account: &str, region: &str) -> bool {
    match e {
        Expr::Or(c) => c.operands.iter().any(|o| eval_expr(o, account, region)),
        Expr::And(c) => c.operands.iter().all(|o| eval_expr(o, account, region)),
        Expr::Paren(p) => eval_expr(&p.inner, account, region),
        Expr::Leaf(c) => c.selects(account, region),
    }
}

impl Comparison {
    /// Whether an event from `account` in `region` satisfies this condition.
    pub fn selects(&self, account: &str, region: &str) -> bool {
        let v = match self.field {
            Field::Account => account,
            Field::Region => region,
        };
        self.values().iter().any(|s| s.value == v) != self.op.is_negated()
    }
}

/// Parse and normalise in one step.
pub fn normalize(text: &str) -> Result<Selection, CriteriaError> {
    parse(text).map(|c| Selection::from_criteria(&c))
}

/// Whether a filter with these criteria counts events from `account` in
/// `region`: the call an organization audit makes for each central metric
/// filter and member. `None` (the filter has no criteria), the empty text
/// and blanks select everything. Criteria that do not parse are an error:
/// which accounts they select is unknown.
///
/// ```
/// use cis_filters::criteria::selects;
/// let c = Some(r#"@aws.account NOT IN ["111111111111"]"#);
/// assert_eq!(selects(c, "111111111111", "us-east-1"), Ok(false));
/// assert_eq!(selects(c, "222222222222", "us-east-1"), Ok(true));
/// assert_eq!(selects(None, "111111111111", "us-east-1"), Ok(true));
/// ```
pub fn selects(criteria: Option<&str>, account: &str, region: &str) -> Result<bool, CriteriaError> {
    match criteria {
        None => Ok(true),
        Some(t) => parse(t).map(|c| evaluate(&c, account, region)),
    }
}
