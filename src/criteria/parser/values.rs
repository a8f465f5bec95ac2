//! Values: a quoted string or a list of them, checked against the field
//! (account IDs, Region codes) as each is read.

use super::*;

/// Help for a value with a comma: a quote is probably missing.
pub(super) const MISSING_QUOTE: &str =
    "a quote is probably missing: quote each value on its own, `[\"a\", \"b\"]`";

/// The error for `IN` or `NOT IN` followed by something other than `[`, with
/// help for the usual slips: parentheses, one quoted value, a bare word.
fn not_a_list<'t, T>(i: &'t str, op: Op) -> PResult<'t, T> {
    let help = if i.starts_with('(') {
        "write the values in square brackets and double quotes: `[\"a\", \"b\"]` (parentheses are the syntax of cross-account observability link filters)".to_owned()
    } else if i.starts_with('"') {
        format!(
            "write `{} [{}]`, or use `{}` for one value",
            op.as_str(),
            token_quoted(i),
            if op == Op::In { "=" } else { "!=" }
        )
    } else {
        format!("write `{} [\"a\", \"b\"]`", op.as_str())
    };
    let len = if i.starts_with('"') {
        token_quoted(i).len()
    } else {
        token_len(i)
    };
    fail(
        i,
        len,
        ErrorKind::ExpectedList,
        format!("`{}` takes a list in square brackets", op.as_str()),
        Some(help),
    )
}

impl<'t> P<'t> {
    /// list = "[" ws? value ( ws? "," ws? value )* ws? "]"
    pub(super) fn list(&self, i: &'t str, field: Field, op: Op) -> PResult<'t, List> {
        let Some(body) = i.strip_prefix('[') else {
            return not_a_list(i, op);
        };
        let (mut r, _) = ws0(body);
        if let Some(rest) = r.strip_prefix(']') {
            return fail(
                i,
                self.off(rest) - self.off(i),
                ErrorKind::EmptyList,
                "the list has no value",
                Some(format!(
                    "an empty list selects {}; list at least one value, or drop the condition",
                    if op == Op::In {
                        "nothing"
                    } else {
                        "everything"
                    }
                )),
            );
        }
        let mut items = Vec::new();
        loop {
            if r.is_empty() {
                return self.unclosed_list(i);
            }
            let (r2, s) = self.value(r, field, op)?;
            items.push(s);
            let (r2, _) = ws0(r2);
            if let Some(rest) = r2.strip_prefix(']') {
                return Ok((
                    rest,
                    List {
                        items,
                        span: self.span(i, rest),
                    },
                ));
            }
            if let Some(after_comma) = r2.strip_prefix(',') {
                let (r3, _) = ws0(after_comma);
                if r3.starts_with(']') {
                    return fail(
                        r2,
                        1,
                        ErrorKind::InvalidList,
                        "a comma with no value after it",
                        Some("remove the trailing comma".into()),
                    );
                }
                r = r3;
                continue;
            }
            if r2.is_empty() {
                return self.unclosed_list(i);
            }
            return fail(
                r2,
                token_len(r2),
                ErrorKind::InvalidList,
                format!("expected `,` or `]` after a value, found `{}`", token(r2)),
                Some("separate the values with commas: `[\"a\", \"b\"]`".into()),
            );
        }
    }

    pub(super) fn unclosed_list<T>(&self, open: &str) -> Result<T, nom::Err<Fault>> {
        fail(
            open,
            1,
            ErrorKind::UnclosedList,
            "this `[` is never closed",
            Some("end the list with `]`".into()),
        )
    }

    /// value = string   — checked against the field: a 12-digit account ID
    /// for `@aws.account`, a Region code for `@aws.region`.
    pub(super) fn value(&self, i: &'t str, field: Field, op: Op) -> PResult<'t, Str> {
        match i.chars().next() {
            Some('"') => {
                let (r, s) = self.string(i)?;
                self.check_value(i, field, &s)?;
                Ok((r, s))
            }
            Some('\'') => {
                let len = i
                    .get(1..)
                    .and_then(|t| t.find('\''))
                    .map_or(token_len(i), |p| p + 2);
                let inner = i.get(1..len.saturating_sub(1)).unwrap_or("");
                fail(
                    i,
                    len,
                    ErrorKind::SingleQuotedValue,
                    "single quotes do not delimit values",
                    Some(format!("use double quotes: `\"{inner}\"`")),
                )
            }
            Some('[') if !op.takes_list() => fail(
                i,
                1,
                ErrorKind::ExpectedValue,
                format!("`{}` compares with one value, not a list", op.as_str()),
                Some(format!(
                    "for a list write `{}`",
                    if op == Op::Eq {
                        "IN [...]"
                    } else {
                        "NOT IN [...]"
                    }
                )),
            ),
            Some(c) if is_bare_char(c) => {
                let n = i.find(|c: char| !is_bare_char(c)).unwrap_or(i.len());
                let bare = i.get(..n).unwrap_or("");
                fail(
                    i,
                    n,
                    ErrorKind::UnquotedValue,
                    format!("the value `{bare}` is not in double quotes"),
                    Some(format!("write `\"{bare}\"`")),
                )
            }
            None => fail(
                i,
                0,
                ErrorKind::ExpectedValue,
                "the criteria end where a value should be",
                Some(format!(
                    "write a value in double quotes, e.g. `{} \"{}\"`",
                    op.as_str(),
                    example(field)
                )),
            ),
            Some(_) => fail(
                i,
                token_len(i),
                ErrorKind::ExpectedValue,
                format!("expected a value in double quotes, found `{}`", token(i)),
                Some(format!("e.g. `\"{}\"`", example(field))),
            ),
        }
    }

    /// string = '"' str_char* '"'   — no escapes: a backslash is an error.
    pub(super) fn string(&self, i: &'t str) -> PResult<'t, Str> {
        let body = i.get(1..).unwrap_or("");
        match body.find(['"', '\\']) {
            Some(p) if body.get(p..).is_some_and(|t| t.starts_with('"')) => {
                let rest = body.get(p + 1..).unwrap_or("");
                Ok((
                    rest,
                    Str {
                        value: body.get(..p).unwrap_or("").to_owned(),
                        span: self.span(i, rest),
                    },
                ))
            }
            Some(p) => {
                let at = body.get(p..).unwrap_or("");
                let next = at.chars().nth(1);
                fail(
                    at,
                    1 + next.map_or(0, char::len_utf8),
                    ErrorKind::InvalidEscape,
                    "a backslash is not allowed in a value",
                    Some("account IDs and Region codes need no escapes".into()),
                )
            }
            None => fail(
                i,
                i.len(),
                ErrorKind::UnclosedString,
                "this string is never closed",
                Some("end it with `\"`".into()),
            ),
        }
    }

    /// The value's shape must fit its field.
    pub(super) fn check_value(
        &self,
        at: &str,
        field: Field,
        s: &Str,
    ) -> Result<(), nom::Err<Fault>> {
        let v = s.value.as_str();
        let len = s.span.end - s.span.start;
        let wildcard = "wildcards are not supported: list the values with `IN [...]`, or drop the condition to select every one";
        match field {
            Field::Account if is_account_id(v) => Ok(()),
            Field::Region if is_region_code(v) => Ok(()),
            Field::Account => {
                let digits: String = v.chars().filter(|c| *c != '-' && *c != ' ').collect();
                let help = if v.contains(',') {
                    MISSING_QUOTE.to_owned()
                } else if v.contains('*') {
                    wildcard.to_owned()
                } else if is_region_code(v) {
                    "this is a Region code: compare it with `@aws.region`".to_owned()
                } else if v != digits && is_account_id(&digits) {
                    format!("write it without separators: `\"{digits}\"`")
                } else if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                    format!(
                        "an account ID has exactly 12 digits, leading zeros included (this one has {})",
                        v.len()
                    )
                } else {
                    "an account ID is 12 digits, e.g. `\"111111111111\"`".to_owned()
                };
                fail(
                    at,
                    len,
                    ErrorKind::InvalidAccountId,
                    format!("`\"{v}\"` is not an account ID"),
                    Some(help),
                )
            }
            Field::Region => {
                let lower = v.to_ascii_lowercase();
                let help = if v.contains(',') {
                    MISSING_QUOTE.to_owned()
                } else if v.contains('*') {
                    wildcard.to_owned()
                } else if is_account_id(v) {
                    "this is an account ID: compare it with `@aws.account`".to_owned()
                } else if is_region_code(&lower) {
                    format!("Region codes are lower case: `\"{lower}\"`")
                } else {
                    "a Region code looks like `\"us-east-1\"`".to_owned()
                };
                fail(
                    at,
                    len,
                    ErrorKind::InvalidRegion,
                    format!("`\"{v}\"` is not a Region code"),
                    Some(help),
                )
            }
        }
    }
}
