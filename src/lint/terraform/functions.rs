//! The Terraform built-in functions the evaluator knows, one method each.
//! Any other function makes the value unknown, naming the function.

use super::eval::{as_text, cap, kind_of, product, render_format};
use super::*;

impl<'b> Env<'b> {
    /// A function call: the built-in's alternatives, or unknown.
    pub(super) fn eval_call(
        &self,
        f: &'b hcl_edit::expr::FuncCall,
        scope: &Rc<Scope<'b>>,
        depth: usize,
    ) -> Alts<'b> {
        let name = f.name.name.as_str();
        if !f.name.namespace.is_empty() {
            return vec![Alt::err(format!(
                "the provider function `{name}()` is not evaluated"
            ))];
        }
        let call = Call {
            env: self,
            name,
            args: f.args.iter().collect(),
            scope,
            depth,
        };
        match name {
            "join" => call.join(),
            "format" => call.format(),
            "length" => call.length(),
            "element" => call.element(),
            "trimspace" | "chomp" => call.trim(),
            "try" => call.first_known(),
            "merge" => call.merge(),
            "lookup" => call.lookup(),
            other => vec![Alt::err(format!(
                "the function `{other}()` is not evaluated"
            ))],
        }
    }
}

/// A call of a built-in being evaluated.
struct Call<'e, 'b> {
    env: &'e Env<'b>,
    name: &'b str,
    args: Vec<&'b Expression>,
    scope: &'e Rc<Scope<'b>>,
    depth: usize,
}

impl<'b> Call<'_, 'b> {
    /// The alternatives of argument `i`.
    fn arg(&self, i: usize) -> Alts<'b> {
        match self.args.get(i) {
            Some(e) => self.env.eval(e, self.scope, self.depth + 1),
            None => vec![Alt::err(format!(
                "`{}()` is missing an argument",
                self.name
            ))],
        }
    }

    /// `join(separator, list)`.
    fn join(&self) -> Alts<'b> {
        let sep = self.arg(0);
        let list = self.arg(1);
        let mut out = Vec::new();
        for s in sep {
            for l in &list {
                let when: Vec<String> = s.when.iter().chain(&l.when).cloned().collect();
                let (sep, items) = match (&s.val, &l.val) {
                    (Ok(Val::Str(sep)), Ok(Val::List(items))) => (sep.clone(), items.clone()),
                    (Err(e), _) | (_, Err(e)) => {
                        out.push(Alt {
                            val: Err(e.clone()),
                            when,
                        });
                        continue;
                    }
                    _ => {
                        out.push(Alt {
                            val: Err("`join()` needs a string and a list".into()),
                            when,
                        });
                        continue;
                    }
                };
                let mut acc: Alts<'b> = vec![Alt {
                    val: Ok(Val::Str(Text::new())),
                    when,
                }];
                for (i, item) in items.iter().enumerate() {
                    let sep = sep.clone();
                    let part: Alts<'b> = self
                        .env
                        .force(item, self.depth)
                        .into_iter()
                        .map(|a| Alt {
                            val: a
                                .val
                                .and_then(|v| as_text(v, String::from("a list element"))),
                            when: a.when,
                        })
                        .collect();
                    acc = self.env.charge(product(acc, part, |a, b| match (a, b) {
                        (Val::Str(mut x), Val::Str(y)) => {
                            if i > 0 {
                                x.push_text(&sep);
                            }
                            x.push_text(&y);
                            Ok(Val::Str(x))
                        }
                        _ => Err("internal: join part".into()),
                    }));
                }
                out.extend(acc);
            }
        }
        cap(out)
    }

    /// `format(spec, values…)` (`%s`, `%d`, `%v`, `%%`).
    fn format(&self) -> Alts<'b> {
        let mut acc: Alts<'b> = self
            .arg(0)
            .into_iter()
            .map(|a| Alt {
                val: a.val.and_then(|v| match v {
                    Val::Str(t) => Ok(Val::List(Rc::new(vec![Thunk::Done(Val::Str(t))]))),
                    _ => Err("the format of `format()` is not a string".into()),
                }),
                when: a.when,
            })
            .collect();
        // Collect [format, args...] as a list, then render.
        for i in 1..self.args.len() {
            let part: Alts<'b> = self
                .arg(i)
                .into_iter()
                .map(|a| Alt {
                    val: a
                        .val
                        .and_then(|v| as_text(v, format!("argument {i} of `format()`"))),
                    when: a.when,
                })
                .collect();
            acc = product(acc, part, |a, b| match a {
                Val::List(items) => {
                    let mut items = (*items).clone();
                    items.push(Thunk::Done(b));
                    Ok(Val::List(Rc::new(items)))
                }
                _ => Err("internal: format args".into()),
            });
        }
        self.env.charge(
            acc.into_iter()
                .map(|a| Alt {
                    val: a.val.and_then(|v| match v {
                        Val::List(items) => render_format(&items),
                        _ => Err("internal: format".into()),
                    }),
                    when: a.when,
                })
                .collect(),
        )
    }

    /// `length(list | map | string)`.
    fn length(&self) -> Alts<'b> {
        self.arg(0)
            .into_iter()
            .map(|a| Alt {
                val: a.val.and_then(|v| {
                    let n = match &v {
                        Val::List(items) => items.len(),
                        Val::Obj(entries) => entries.len(),
                        Val::Str(t) => t.as_str().chars().count(),
                        other => return Err(format!("`length()` of {}", kind_of(other))),
                    };
                    Ok(Val::Num(Text::unmapped(&n.to_string())))
                }),
                when: a.when,
            })
            .collect()
    }

    /// `element(list, index)`, wrapping around the end of the list.
    fn element(&self) -> Alts<'b> {
        let mut out = Vec::new();
        for list in self.arg(0) {
            for index in self.arg(1) {
                let when: Vec<String> = list.when.iter().chain(&index.when).cloned().collect();
                let got = match (&list.val, &index.val) {
                    (Ok(l @ Val::List(items)), Ok(Val::Num(n))) => {
                        match n.as_str().parse::<usize>() {
                            // `element` wraps around the end of the list.
                            Ok(i) if !items.is_empty() => {
                                let i = (i % items.len()).to_string();
                                self.env.index(l, &Val::Num(Text::unmapped(&i)), self.depth)
                            }
                            Ok(_) => vec![Alt::err("`element()` of an empty list")],
                            Err(_) => vec![Alt::err(format!(
                                "`element()` index {} is not a whole number",
                                n.as_str()
                            ))],
                        }
                    }
                    (Ok(l), Ok(_)) => {
                        vec![Alt::err(format!("`element()` of {}", kind_of(l)))]
                    }
                    (Err(e), _) | (_, Err(e)) => vec![Alt::err(e.clone())],
                };
                for mut g in got {
                    let mut w = when.clone();
                    w.append(&mut g.when);
                    g.when = w;
                    out.push(g);
                }
            }
        }
        cap(out)
    }

    /// `trimspace(string)` and `chomp(string)`.
    fn trim(&self) -> Alts<'b> {
        let name = self.name;
        self.arg(0)
            .into_iter()
            .map(|a| Alt {
                val: a.val.and_then(|v| match v {
                    Val::Str(t) if name == "trimspace" => Ok(Val::Str(t.trimmed())),
                    Val::Str(t) => {
                        let s = t.as_str();
                        let end = s.trim_end_matches(['\n', '\r']).len();
                        Ok(Val::Str(t.slice(0..end)))
                    }
                    other => Err(format!("`{name}()` of {}", kind_of(&other))),
                }),
                when: a.when,
            })
            .collect()
    }

    /// `try(a, b, …)`: the first argument known statically.
    fn first_known(&self) -> Alts<'b> {
        for i in 0..self.args.len() {
            let alts = self.arg(i);
            if alts.iter().all(|a| a.val.is_ok()) {
                return alts;
            }
        }
        vec![Alt::err("no argument of `try()` is known statically")]
    }

    /// `merge(map, …)`: later keys win.
    fn merge(&self) -> Alts<'b> {
        let mut acc: Alts<'b> = vec![Alt::ok(Val::Obj(Rc::new(Vec::new())))];
        for i in 0..self.args.len() {
            acc = product(acc, self.arg(i), |a, b| match (a, b) {
                (Val::Obj(x), Val::Obj(y)) => {
                    let mut m = (*x).clone();
                    for (k, v) in y.iter() {
                        m.retain(|(n, _)| n != k);
                        m.push((k.clone(), v.clone()));
                    }
                    Ok(Val::Obj(Rc::new(m)))
                }
                (x, Val::Null) => Ok(x),
                _ => Err("`merge()` of something other than objects".into()),
            });
        }
        acc
    }

    /// `lookup(map, key, default?)`.
    fn lookup(&self) -> Alts<'b> {
        let map = self.arg(0);
        let key = self.arg(1);
        let mut out = Vec::new();
        for m in &map {
            for k in &key {
                let when: Vec<String> = m.when.iter().chain(&k.when).cloned().collect();
                match (&m.val, &k.val) {
                    (Ok(Val::Obj(entries)), Ok(Val::Str(key))) => {
                        let got = match entries.iter().find(|(n, _)| n == key.as_str()) {
                            Some((_, t)) => self.env.force(t, self.depth),
                            None if self.args.len() > 2 => self.arg(2),
                            None => vec![Alt::err(format!("no key `{}`", key.as_str()))],
                        };
                        for mut g in got {
                            let mut w = when.clone();
                            w.append(&mut g.when);
                            g.when = w;
                            out.push(g);
                        }
                    }
                    (Err(e), _) | (_, Err(e)) => out.push(Alt {
                        val: Err(e.clone()),
                        when,
                    }),
                    _ => out.push(Alt {
                        val: Err("`lookup()` needs a map and a key".into()),
                        when,
                    }),
                }
            }
        }
        cap(out)
    }
}
