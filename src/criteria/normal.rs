//! The span-free normal form of criteria, and what it selects.
//!
//! Two criteria with the same [`Selection`] select the same accounts and
//! Regions by construction:
//! - `AND` and `OR` chains are flattened and parentheses disappear;
//! - `=` is `IN` with one value and `!=` is `NOT IN` with one value;
//! - in an `OR`, the `=`/`IN` conditions on one field become one `IN` with
//!   the union of their values; in an `AND`, the `!=`/`NOT IN` conditions on
//!   one field become one `NOT IN` with the union of their values;
//! - values are sorted and de-duplicated, and so are the operands of each
//!   chain (with the filter-pattern normal form's [`NExpr`]).
//!
//! `Display` prints the canonical text, which parses back to the same
//! normal form: one value as `=`/`!=`, several as `IN`/`NOT IN` lists, and
//! every nested chain in parentheses (the language leaves the precedence of
//! `AND` over `OR` undocumented, so the printer never relies on it).

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use crate::criteria::ast::{Comparison, Criteria, Expr, Field};
use crate::pattern::normal::{NExpr, Node};

/// Criteria in normal form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Selection {
    /// No criteria (absent, empty or blank): every account and Region.
    All,
    /// The events whose account and Region satisfy the expression.
    Where(NExpr<NCond>),
}

/// A condition without spans: the field is (or, `negated`, is not) one of
/// `values`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NCond {
    /// The field tested.
    pub field: Field,
    /// `NOT IN` (and `!=`) rather than `IN` (and `=`).
    pub negated: bool,
    /// At least one value, sorted and distinct.
    pub values: Vec<String>,
}

impl NCond {
    /// The normal form of one comparison.
    pub fn of(c: &Comparison) -> NCond {
        let values: BTreeSet<&str> = c.values().iter().map(|s| s.value.as_str()).collect();
        NCond {
            field: c.field,
            negated: c.op.is_negated(),
            values: values.into_iter().map(str::to_owned).collect(),
        }
    }

    /// Whether an event from `account` in `region` satisfies the condition.
    pub fn selects(&self, account: &str, region: &str) -> bool {
        let v = match self.field {
            Field::Account => account,
            Field::Region => region,
        };
        self.values.binary_search_by(|x| x.as_str().cmp(v)).is_ok() != self.negated
    }
}

/// How much criteria select, over all accounts and Regions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Extent {
    /// Every account in every Region (for example, no criteria, or
    /// `@aws.region != "a" OR @aws.region != "b"`).
    All,
    /// Some accounts or Regions, not all.
    Some,
    /// No account in any Region (for example, `@aws.region = "a" AND
    /// @aws.region = "b"`): the metric filter counts nothing.
    None,
}

impl Selection {
    /// The normal form of parsed criteria.
    pub fn from_criteria(c: &Criteria) -> Selection {
        match &c.expr {
            None => Selection::All,
            Some(e) => Selection::Where(norm(e)),
        }
    }

    /// Whether events from `account` in `region` are selected. Values are
    /// compared exactly (account IDs are digits, Region codes lower case).
    pub fn selects(&self, account: &str, region: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Where(e) => selects(e, account, region),
        }
    }

    /// The values the criteria name for `field`, sorted.
    pub fn values(&self, field: Field) -> BTreeSet<&str> {
        let mut out = BTreeSet::new();
        if let Selection::Where(e) = self {
            for c in e.leaves() {
                if c.field == field {
                    out.extend(c.values.iter().map(String::as_str));
                }
            }
        }
        out
    }

    /// Whether the criteria select every, some or no account and Region.
    ///
    /// Exact: a condition only asks whether a field is one of the values the
    /// criteria name, so all accounts the criteria do not name behave alike,
    /// and so do all Regions they do not name. Evaluating every named
    /// account (plus one unnamed) against every named Region (plus one
    /// unnamed) therefore covers every case.
    pub fn extent(&self) -> Extent {
        let Selection::Where(_) = self else {
            return Extent::All;
        };
        // No valid value is empty, so "" stands for every unnamed one.
        let mut accounts = self.values(Field::Account);
        accounts.insert("");
        let mut regions = self.values(Field::Region);
        regions.insert("");
        let (mut any, mut all) = (false, true);
        for a in &accounts {
            for r in &regions {
                let s = self.selects(a, r);
                any |= s;
                all &= s;
                if any && !all {
                    return Extent::Some;
                }
            }
        }
        if all { Extent::All } else { Extent::None }
    }
}

fn selects(e: &NExpr<NCond>, account: &str, region: &str) -> bool {
    match e.node() {
        Node::Leaf(c) => c.selects(account, region),
        Node::And(ops) => ops.iter().all(|o| selects(o, account, region)),
        Node::Or(ops) => ops.iter().any(|o| selects(o, account, region)),
    }
}

fn norm(e: &Expr<Comparison>) -> NExpr<NCond> {
    match e {
        Expr::Or(c) => chain(c.operands.iter().map(norm).collect(), true),
        Expr::And(c) => chain(c.operands.iter().map(norm).collect(), false),
        Expr::Paren(p) => norm(&p.inner),
        Expr::Leaf(c) => NExpr::leaf(NCond::of(c)),
    }
}

/// An `OR` (or `AND`) of normalised operands: nested chains of the same
/// operator flattened, then the conditions on one field that the operator
/// unites merged into one (`IN`s in an `OR`, `NOT IN`s in an `AND`).
fn chain(operands: Vec<NExpr<NCond>>, is_or: bool) -> NExpr<NCond> {
    let mut flat = Vec::with_capacity(operands.len());
    for op in operands {
        match op.node() {
            Node::Or(inner) if is_or => flat.extend(inner.iter().cloned()),
            Node::And(inner) if !is_or => flat.extend(inner.iter().cloned()),
            _ => flat.push(op),
        }
    }
    // `negated` of the conditions this operator unites.
    let merged_negated = !is_or;
    let mut merged: [BTreeSet<String>; 2] = [BTreeSet::new(), BTreeSet::new()];
    let mut out = Vec::with_capacity(flat.len());
    for op in flat {
        match op.node() {
            Node::Leaf(c) if c.negated == merged_negated => {
                if let Some(set) = merged.get_mut(field_index(c.field)) {
                    set.extend(c.values.iter().cloned());
                }
            }
            _ => out.push(op),
        }
    }
    for (field, values) in Field::ALL.into_iter().zip(merged) {
        if !values.is_empty() {
            out.push(NExpr::leaf(NCond {
                field,
                negated: merged_negated,
                values: values.into_iter().collect(),
            }));
        }
    }
    if is_or {
        NExpr::or(out)
    } else {
        NExpr::and(out)
    }
}

fn field_index(f: Field) -> usize {
    match f {
        Field::Account => 0,
        Field::Region => 1,
    }
}

impl fmt::Display for NCond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field.name())?;
        if let [one] = self.values.as_slice() {
            let op = if self.negated { "!=" } else { "=" };
            return write!(f, " {op} \"{one}\"");
        }
        f.write_str(if self.negated { " NOT IN [" } else { " IN [" })?;
        for (i, v) in self.values.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "\"{v}\"")?;
        }
        f.write_str("]")
    }
}

impl fmt::Display for Selection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selection::All => Ok(()),
            Selection::Where(e) => write_expr(f, e, false),
        }
    }
}

fn write_expr(f: &mut fmt::Formatter<'_>, e: &NExpr<NCond>, nested: bool) -> fmt::Result {
    let (ops, sep) = match e.node() {
        Node::Leaf(c) => return write!(f, "{c}"),
        Node::And(ops) => (ops, " AND "),
        Node::Or(ops) => (ops, " OR "),
    };
    if nested {
        f.write_str("(")?;
    }
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write_expr(f, op, true)?;
    }
    if nested {
        f.write_str(")")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::parse;

    fn normal(t: &str) -> Selection {
        Selection::from_criteria(&parse(t).unwrap())
    }

    const A1: &str = "111111111111";
    const A2: &str = "222222222222";
    const A3: &str = "333333333333";

    #[test]
    fn canonical_text() {
        let cases = [
            ("", ""),
            (
                r#"@aws.account = "222222222222" OR @aws.account IN ["111111111111", "222222222222"]"#,
                r#"@aws.account IN ["111111111111", "222222222222"]"#,
            ),
            (
                r#"@aws.region != "us-east-1" AND (@aws.region NOT IN ["eu-west-1"] AND @aws.account = "111111111111")"#,
                r#"@aws.account = "111111111111" AND @aws.region NOT IN ["eu-west-1", "us-east-1"]"#,
            ),
            (
                r#"((@aws.region = "us-east-1"))"#,
                r#"@aws.region = "us-east-1""#,
            ),
            (
                r#"@aws.region = "us-east-1" OR (@aws.account = "111111111111" AND @aws.region = "eu-west-1")"#,
                r#"@aws.region = "us-east-1" OR (@aws.account = "111111111111" AND @aws.region = "eu-west-1")"#,
            ),
            (
                r#"@aws.account IN ["222222222222", "111111111111", "222222222222"]"#,
                r#"@aws.account IN ["111111111111", "222222222222"]"#,
            ),
            // Not merged: NOT IN in an OR, IN in an AND.
            (
                r#"@aws.region != "us-east-1" OR @aws.region != "eu-west-1""#,
                r#"@aws.region != "eu-west-1" OR @aws.region != "us-east-1""#,
            ),
        ];
        for (text, want) in cases {
            let n = normal(text);
            assert_eq!(n.to_string(), want, "{text}");
            assert_eq!(normal(&n.to_string()), n, "{text}");
        }
    }

    #[test]
    fn selection() {
        let n = normal(
            r#"@aws.account IN ["111111111111", "222222222222"] AND @aws.region NOT IN ["eu-west-1"]"#,
        );
        assert!(n.selects(A1, "us-east-1"));
        assert!(n.selects(A2, "ap-south-1"));
        assert!(!n.selects(A1, "eu-west-1"));
        assert!(!n.selects(A3, "us-east-1"));
        assert!(Selection::All.selects(A3, "eu-west-1"));
        assert_eq!(
            n.values(Field::Account).into_iter().collect::<Vec<_>>(),
            vec![A1, A2]
        );
    }

    #[test]
    fn extent() {
        assert_eq!(normal("").extent(), Extent::All);
        assert_eq!(
            normal(r#"@aws.region = "us-east-1""#).extent(),
            Extent::Some
        );
        assert_eq!(
            normal(r#"@aws.region = "us-east-1" AND @aws.region = "eu-west-1""#).extent(),
            Extent::None
        );
        assert_eq!(
            normal(r#"@aws.region != "us-east-1" OR @aws.region != "eu-west-1""#).extent(),
            Extent::All
        );
        assert_eq!(
            normal(r#"@aws.account = "111111111111" OR @aws.account != "111111111111""#).extent(),
            Extent::All
        );
    }
}
