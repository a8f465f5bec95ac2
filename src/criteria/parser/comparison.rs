//! comparison = field ws? operator ws? ( value | list ): the field and the
//! operator.

use super::*;

/// Help for a missing or unknown operator.
const USE: &str = "use `=`, `!=`, `IN [...]` or `NOT IN [...]`";

impl<'t> P<'t> {
    /// comparison = field ws? operator ws? ( value | list )
    pub(super) fn comparison(&self, i: &'t str) -> PResult<'t, Comparison> {
        let (r, field) = self.field(i)?;
        let field_span = self.span(i, r);
        let (r, _) = ws0(r);
        let (after_op, op) = self.operator(r)?;
        let op_span = self.span(r, after_op);
        let (r, _) = ws0(after_op);
        let (r, rhs) = if op.takes_list() {
            let (r, l) = self.list(r, field, op)?;
            (r, Rhs::List(l))
        } else {
            let (r, s) = self.value(r, field, op)?;
            (r, Rhs::Value(s))
        };
        Ok((
            r,
            Comparison {
                field,
                field_span,
                op,
                op_span,
                rhs,
                span: self.span(i, r),
            },
        ))
    }

    /// field = "@aws.account" | "@aws.region"
    pub(super) fn field(&self, i: &'t str) -> PResult<'t, Field> {
        let n = i.find(|c: char| !is_field_char(c)).unwrap_or(i.len());
        let tok = i.get(..n).unwrap_or("");
        let rest = i.get(n..).unwrap_or("");
        if let Some(f) = Field::ALL.into_iter().find(|f| f.name() == tok) {
            return Ok((rest, f));
        }
        let upper = tok.to_ascii_uppercase();
        if tok.is_empty() || matches!(upper.as_str(), "AND" | "OR" | "NOT" | "IN") {
            return self.expected_condition(i);
        }
        // `@aws.accountIN [...]`: a keyword glued to the field.
        for f in Field::ALL {
            for kw in ["NOT", "IN"] {
                if tok.len() == f.name().len() + kw.len()
                    && tok.starts_with(f.name())
                    && upper.ends_with(kw)
                {
                    let at = i.get(f.name().len()..).unwrap_or("");
                    return fail(
                        at,
                        kw.len(),
                        ErrorKind::GluedKeyword,
                        format!("`{kw}` is glued to the field `{}`", f.name()),
                        Some(format!("put a space before it: `{} {kw}`", f.name())),
                    );
                }
            }
        }
        let lower = tok.to_ascii_lowercase();
        let help = if let Some(f) = Field::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(tok))
        {
            format!("field names are case-sensitive: write `{}`", f.name())
        } else if lower.contains("account") {
            "write `@aws.account`".to_owned()
        } else if lower.contains("region") {
            "write `@aws.region`".to_owned()
        } else {
            "fieldSelectionCriteria selects on `@aws.account` and `@aws.region` only".to_owned()
        };
        fail(
            i,
            n,
            ErrorKind::UnknownField,
            format!("`{tok}` is not a field of fieldSelectionCriteria"),
            Some(help),
        )
    }

    /// operator = "=" | "!=" | "IN" | "NOT" ws "IN"
    pub(super) fn operator(&self, i: &'t str) -> PResult<'t, Op> {
        match symbol_operator(i) {
            Some(done) => done,
            None => self.keyword_operator(i),
        }
    }

    /// `IN`, `NOT IN`, and the keywords and spellings diagnosed instead.
    fn keyword_operator(&self, i: &'t str) -> PResult<'t, Op> {
        let w = word_at(i);
        let upper = w.to_ascii_uppercase();
        let after = i.get(w.len()..).unwrap_or("");
        match upper.as_str() {
            "IN" => {
                self.keyword_case(i, w)?;
                self.space_after(i, w, after)?;
                Ok((after, Op::In))
            }
            "NOT" => {
                self.keyword_case(i, w)?;
                let (r, gap) = ws0(after);
                let w2 = word_at(r);
                let upper2 = w2.to_ascii_uppercase();
                if gap.is_empty() || !matches!(upper2.as_str(), "IN" | "LIKE") {
                    return fail(
                        i,
                        w.len(),
                        ErrorKind::ExpectedOperator,
                        "expected `IN` after `NOT`",
                        Some(USE.into()),
                    );
                }
                if upper2 == "LIKE" {
                    return self.like(i, self.off(r) - self.off(i) + w2.len());
                }
                self.keyword_case(r, w2)?;
                let after2 = r.get(w2.len()..).unwrap_or("");
                self.space_after(r, w2, after2)?;
                Ok((after2, Op::NotIn))
            }
            "NOTIN" => fail(
                i,
                w.len(),
                ErrorKind::GluedKeyword,
                format!("`{w}` is two keywords glued together"),
                Some("write `NOT IN`".into()),
            ),
            "LIKE" => self.like(i, w.len()),
            _ => {
                let (message, len) = if i.is_empty() {
                    ("expected an operator after the field".to_owned(), 0)
                } else if i.starts_with(['"', '\'', '[']) {
                    (
                        "expected an operator between the field and the value".to_owned(),
                        1,
                    )
                } else {
                    (
                        format!("expected an operator, found `{}`", token(i)),
                        token_len(i),
                    )
                };
                fail(
                    i,
                    len,
                    ErrorKind::ExpectedOperator,
                    message,
                    Some(USE.into()),
                )
            }
        }
    }

    /// `LIKE` and `NOT LIKE`: the syntax of another AWS filter language.
    pub(super) fn like<T>(&self, i: &str, len: usize) -> Result<T, nom::Err<Fault>> {
        fail(
            i,
            len,
            ErrorKind::UnsupportedOperator,
            format!(
                "`{}` is not an operator in fieldSelectionCriteria",
                i.get(..len).unwrap_or("LIKE")
            ),
            Some("`LIKE` belongs to the log-group filters of cross-account observability links; list the values with `IN [...]`".into()),
        )
    }

    /// Keywords are upper case.
    pub(super) fn keyword_case(&self, at: &str, w: &str) -> Result<(), nom::Err<Fault>> {
        let upper = w.to_ascii_uppercase();
        if w == upper {
            return Ok(());
        }
        fail(
            at,
            w.len(),
            ErrorKind::KeywordCase,
            format!("`{w}` must be written in upper case"),
            Some(format!("write `{upper}`")),
        )
    }

    /// After `IN`: whitespace or `[` (or the end, which the list reports).
    pub(super) fn space_after(
        &self,
        at: &str,
        w: &str,
        after: &str,
    ) -> Result<(), nom::Err<Fault>> {
        match after.chars().next() {
            None | Some('[') => Ok(()),
            Some(c) if is_ws(c) => Ok(()),
            Some(_) => fail(
                at,
                w.len(),
                ErrorKind::GluedKeyword,
                format!("`{w}` is glued to the text after it"),
                Some(format!("put a space after `{w}`")),
            ),
        }
    }
}

/// The operators written with symbols: `=` and `!=`, and the symbols
/// diagnosed instead (`==`, `<>`, `<`, `!`). `None`: not a symbol.
fn symbol_operator(i: &str) -> Option<PResult<'_, Op>> {
    if i.starts_with("==") {
        return Some(fail(
            i,
            2,
            ErrorKind::DoubleEquals,
            "`==` is not an operator",
            Some("use `=`".into()),
        ));
    }
    if let Some(r) = i.strip_prefix("!=") {
        return Some(Ok((r, Op::Ne)));
    }
    if i.starts_with("<>") {
        return Some(fail(
            i,
            2,
            ErrorKind::UnsupportedOperator,
            "`<>` is not an operator in fieldSelectionCriteria",
            Some("use `!=`".into()),
        ));
    }
    for sym in ["<=", ">=", "<", ">"] {
        if i.starts_with(sym) {
            return Some(fail(
                i,
                sym.len(),
                ErrorKind::UnsupportedOperator,
                format!("`{sym}` does not compare accounts or Regions"),
                Some(USE.into()),
            ));
        }
    }
    if let Some(r) = i.strip_prefix('=') {
        return Some(Ok((r, Op::Eq)));
    }
    if i.starts_with('!') {
        return Some(fail(
            i,
            1,
            ErrorKind::SymbolOperator,
            "`!` is not an operator",
            Some("use `!=` or `NOT IN [...]`".into()),
        ));
    }
    None
}
