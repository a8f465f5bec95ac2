//! `count` and `for_each`: the instances of a block.

use super::*;

impl<'b> Env<'b> {
    /// The instances of a resource with `count`: `address[0]` … with
    /// `count.index` bound, as many as the largest count any branch of the
    /// expression gives (at most [`MAX_COUNT`]; at least one, so that a
    /// resource switched off by default is still checked). When the count
    /// is not known statically, one instance named `address` in which
    /// `count.index` is not known.
    pub(super) fn count_instances(
        &self,
        expr: &'b Expression,
        src: usize,
        address: &str,
    ) -> Vec<(String, Rc<Scope<'b>>)> {
        let scope = Rc::new(Scope {
            src,
            bindings: vec![],
        });
        let counts: Option<Vec<usize>> = self
            .eval(expr, &scope, 0)
            .iter()
            .map(|a| match &a.val {
                Ok(Val::Num(n)) => n.as_str().parse::<usize>().ok(),
                _ => None,
            })
            .collect();
        let Some(n) = counts.and_then(|c| c.into_iter().max()) else {
            return vec![(address.to_owned(), scope)];
        };
        (0..n.clamp(1, MAX_COUNT))
            .map(|i| {
                let count = Val::Obj(Rc::new(vec![(
                    "index".to_owned(),
                    Thunk::Done(Val::Num(Text::unmapped(&i.to_string()))),
                )]));
                (
                    format!("{address}[{i}]"),
                    Rc::new(Scope {
                        src,
                        bindings: vec![("count".to_owned(), count)],
                    }),
                )
            })
            .collect()
    }

    /// The instances of a block with `for_each`: `address["key"]` with
    /// `each` bound, or why the collection is not known.
    pub(super) fn for_each_instances(
        &self,
        expr: &'b Expression,
        scope: &Rc<Scope<'b>>,
        address: &str,
    ) -> Result<Vec<(String, Rc<Scope<'b>>)>, String> {
        Ok(self
            .for_each_entries(expr, scope)?
            .into_iter()
            .map(|(key, value)| {
                (
                    format!("{address}[\"{}\"]", key.as_str()),
                    each_scope(scope.src, key, value),
                )
            })
            .collect())
    }

    /// The entries of a `for_each` value: a map's keys and values, or a set
    /// of strings (each key and value the string).
    fn for_each_entries(
        &self,
        expr: &'b Expression,
        scope: &Rc<Scope<'b>>,
    ) -> Result<Vec<(Text, Thunk<'b>)>, String> {
        let alts = self.top(expr, scope);
        let [alt] = alts.as_slice() else {
            return Err("the collection depends on a condition".into());
        };
        match &alt.val {
            Ok(Val::Obj(entries)) => Ok(entries
                .iter()
                .map(|(k, v)| (Text::unmapped(k), v.clone()))
                .collect()),
            Ok(Val::List(items)) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match self.force(item, 0).as_slice() {
                        [
                            Alt {
                                val: Ok(Val::Str(t)),
                                ..
                            },
                        ] => {
                            out.push((t.clone(), Thunk::Done(Val::Str(t.clone()))));
                        }
                        _ => return Err("an element of the set is not a known string".into()),
                    }
                }
                Ok(out)
            }
            Ok(other) => Err(format!("the value is {}, not a map or set", kind_of(other))),
            Err(e) => Err(e.clone()),
        }
    }
}

/// The scope of one `for_each` instance: `each.key` and `each.value`.
fn each_scope<'b>(src: usize, key: Text, value: Thunk<'b>) -> Rc<Scope<'b>> {
    let each = Val::Obj(Rc::new(vec![
        ("key".to_owned(), Thunk::Done(Val::Str(key))),
        ("value".to_owned(), value),
    ]));
    Rc::new(Scope {
        src,
        bindings: vec![("each".to_owned(), each)],
    })
}
