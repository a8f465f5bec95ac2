//! Alternatives: what static evaluation gives for a value that depends on
//! conditions it cannot decide (Terraform `cond ? a : b`, CloudFormation
//! `Fn::If`): each possible value, or why it is unknown, with the
//! conditions that lead to it. Both languages use this one type and bound.

/// The most alternatives one value keeps; past it the value is unknown.
pub(crate) const MAX_ALTERNATIVES: usize = 16;

/// One possible value and the conditions that lead to it.
#[derive(Clone, Debug)]
pub(crate) struct Alt<T> {
    /// The value, or why it is not known.
    pub(crate) val: Result<T, String>,
    /// The conditions, outermost first (`when var.x is true`).
    pub(crate) when: Vec<String>,
}

impl<T> Alt<T> {
    /// A value under no condition.
    pub(crate) fn ok(val: T) -> Self {
        Alt {
            val: Ok(val),
            when: Vec::new(),
        }
    }

    /// An unknown value under no condition, and why.
    pub(crate) fn err(msg: impl Into<String>) -> Self {
        Alt {
            val: Err(msg.into()),
            when: Vec::new(),
        }
    }

    /// The same alternative under one more, outer, condition.
    pub(crate) fn under(mut self, condition: String) -> Self {
        self.when.insert(0, condition);
        self
    }
}

/// Every combination of an alternative of `a` with one of `b`, joined by
/// `f`, under the conditions of both; an unknown side makes the
/// combination unknown. Not bounded: the caller checks [`too_many`].
pub(crate) fn product<T: Clone>(
    a: &[Alt<T>],
    b: &[Alt<T>],
    f: impl Fn(T, T) -> Result<T, String>,
) -> Vec<Alt<T>> {
    let mut out = Vec::with_capacity(a.len().saturating_mul(b.len()));
    for x in a {
        for y in b {
            let when: Vec<String> = x.when.iter().chain(&y.when).cloned().collect();
            let val = match (&x.val, &y.val) {
                (Ok(p), Ok(q)) => f(p.clone(), q.clone()),
                (Err(e), _) | (_, Err(e)) => Err(e.clone()),
            };
            out.push(Alt { val, when });
        }
    }
    out
}

/// Whether `alts` are more than [`MAX_ALTERNATIVES`].
pub(crate) fn too_many<T>(alts: &[Alt<T>]) -> bool {
    alts.len() > MAX_ALTERNATIVES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_joins_values_and_conditions() {
        let a = vec![Alt::ok(1).under("a".into()), Alt::ok(2).under("b".into())];
        let b = vec![Alt::ok(10), Alt::err("unknown")];
        let p = product(&a, &b, |x, y| Ok(x + y));
        let got: Vec<(Result<i32, String>, Vec<String>)> =
            p.into_iter().map(|x| (x.val, x.when)).collect();
        assert_eq!(
            got,
            [
                (Ok(11), vec!["a".to_owned()]),
                (Err("unknown".to_owned()), vec!["a".to_owned()]),
                (Ok(12), vec!["b".to_owned()]),
                (Err("unknown".to_owned()), vec!["b".to_owned()]),
            ]
        );
        assert!(!too_many(&a));
        assert!(too_many(&vec![Alt::ok(0); MAX_ALTERNATIVES + 1]));
    }
}
