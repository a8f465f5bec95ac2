//! The static evaluator of Terraform expressions: literals, templates,
//! references, conditionals, `for` expressions, indexing — each to the
//! alternatives it can take, within the run's budget.

use super::heredoc::{decode_heredoc, detached_at};
use super::*;

impl<'b> Env<'b> {
    pub(super) fn force(&self, t: &Thunk<'b>, depth: usize) -> Alts<'b> {
        match t {
            Thunk::Done(v) => vec![Alt::ok(v.clone())],
            Thunk::Lazy(e, scope) => self.eval(e, scope, depth + 1),
        }
    }

    /// Evaluate one value from the start, with a fresh share of the budget.
    pub(super) fn top(&self, expr: &'b Expression, scope: &Rc<Scope<'b>>) -> Alts<'b> {
        self.budget.start();
        self.eval(expr, scope, 0)
    }

    /// Charge a step; the error when the budget is spent.
    pub(super) fn step(&self) -> Result<(), String> {
        self.budget.step().inspect_err(|_| {
            if self.budget.run_spent().is_some() {
                self.cut_short.set(true);
            }
        })
    }

    /// Charge the strings of `alts`; an alternative over the budget becomes
    /// an error.
    pub(super) fn charge(&self, alts: Alts<'b>) -> Alts<'b> {
        alts.into_iter()
            .map(|a| match &a.val {
                Ok(Val::Str(t)) => match self.budget.bytes(t.heap_size()) {
                    Ok(()) => a,
                    Err(e) => Alt { val: Err(e), ..a },
                },
                _ => a,
            })
            .collect()
    }

    /// The alternatives of an expression in a scope.
    pub(super) fn eval(
        &self,
        expr: &'b Expression,
        scope: &Rc<Scope<'b>>,
        depth: usize,
    ) -> Alts<'b> {
        if let Err(e) = self.step() {
            return vec![Alt::err(e)];
        }
        if depth > MAX_DEPTH {
            return vec![Alt::err("references are nested too deeply to follow")];
        }
        let src = scope.src;
        let Some(file) = self.file(src) else {
            return vec![Alt::err("internal: unknown file")];
        };
        match expr {
            Expression::String(s) => vec![Alt::ok(Val::Str(quoted_string(s, file)))],
            Expression::StringTemplate(t) => self.eval_template(t, scope, depth),
            Expression::HeredocTemplate(h) => heredoc(h, file),
            Expression::Parenthesis(p) => self.eval(p.inner(), scope, depth + 1),
            Expression::Number(n) => {
                let text = n.value().to_string();
                vec![Alt::ok(Val::Num(detached_at(
                    &text,
                    file,
                    n.span().map_or(0, |r| r.start),
                    text.len(),
                )))]
            }
            Expression::Bool(b) => vec![Alt::ok(Val::Bool(*b.value()))],
            Expression::Null(_) => vec![Alt::ok(Val::Null)],
            Expression::Array(a) => vec![Alt::ok(Val::List(Rc::new(
                a.iter().map(|e| Thunk::Lazy(e, Rc::clone(scope))).collect(),
            )))],
            Expression::Object(o) => self.eval_object(o, scope, depth),
            Expression::Variable(v) => match lookup_binding(scope, v.as_str()) {
                Some(val) => vec![Alt::ok(val)],
                None => vec![Alt::err(format!(
                    "`{}` is not known statically",
                    v.as_str()
                ))],
            },
            Expression::Traversal(t) => self.eval_traversal(expr, t, scope, depth),
            Expression::Conditional(c) => self.eval_conditional(c, scope, depth),
            Expression::FuncCall(f) => self.eval_call(f, scope, depth),
            Expression::ForExpr(f) => self.eval_for(f, scope, depth),
            Expression::UnaryOp(_) | Expression::BinaryOp(_) => vec![Alt::err(format!(
                "the operation `{}` is not evaluated",
                self.shown(src, expr)
            ))],
        }
    }

    /// A template string: every combination of its parts' alternatives.
    fn eval_template(
        &self,
        t: &'b hcl_edit::template::StringTemplate,
        scope: &Rc<Scope<'b>>,
        depth: usize,
    ) -> Alts<'b> {
        let mut acc: Alts<'b> = vec![Alt::ok(Val::Str(Text::new()))];
        for el in t.iter() {
            let part: Alts<'b> = match el {
                Element::Literal(lit) => {
                    vec![Alt::ok(Val::Str(self.template_literal(lit, scope.src)))]
                }
                Element::Interpolation(i) => self
                    .eval(&i.expr, scope, depth + 1)
                    .into_iter()
                    .map(|a| Alt {
                        val: a
                            .val
                            .and_then(|v| as_text(v, self.shown(scope.src, &i.expr))),
                        when: a.when,
                    })
                    .collect(),
                Element::Directive(_) => {
                    vec![Alt::err(
                        "the template has a `%{…}` directive, which is not evaluated",
                    )]
                }
            };
            acc = self.charge(product(acc, part, |a, b| match (a, b) {
                (Val::Str(mut x), Val::Str(y)) => {
                    x.push_text(&y);
                    Ok(Val::Str(x))
                }
                _ => Err("internal: template part is not a string".into()),
            }));
        }
        acc
    }

    /// A literal part of a template, mapped to the file where the decoding
    /// agrees with the parser's.
    fn template_literal(&self, lit: &hcl_edit::Spanned<String>, src: usize) -> Text {
        let Some(file) = self.file(src) else {
            return Text::unmapped(lit.value());
        };
        match lit.span() {
            Some(r) => {
                let raw = file.text.get(r.clone()).unwrap_or("");
                match decode_hcl_quoted(raw, file.id, file.base + r.start) {
                    Ok(t) if t.as_str() == lit.value() => t,
                    _ => detached_at(lit.value(), file, r.start, r.len()),
                }
            }
            None => Text::unmapped(lit.value()),
        }
    }

    /// An object: its keys evaluated now, its values when used.
    fn eval_object(
        &self,
        o: &'b hcl_edit::expr::Object,
        scope: &Rc<Scope<'b>>,
        depth: usize,
    ) -> Alts<'b> {
        let mut entries = Vec::new();
        for (k, v) in o.iter() {
            let key = match k {
                ObjectKey::Ident(i) => i.as_str().to_owned(),
                ObjectKey::Expression(e) => match self.eval(e, scope, depth + 1).as_slice() {
                    [
                        Alt {
                            val: Ok(Val::Str(t)),
                            ..
                        },
                    ] => t.as_str().to_owned(),
                    _ => {
                        return vec![Alt::err(format!(
                            "the object key `{}` is not known statically",
                            self.shown(scope.src, e)
                        ))];
                    }
                },
            };
            entries.push((key, Thunk::Lazy(v.expr(), Rc::clone(scope))));
        }
        vec![Alt::ok(Val::Obj(Rc::new(entries)))]
    }

    /// `cond ? a : b`: both branches, each under its condition.
    fn eval_conditional(
        &self,
        c: &'b hcl_edit::expr::Conditional,
        scope: &Rc<Scope<'b>>,
        depth: usize,
    ) -> Alts<'b> {
        let cond = self.shown(scope.src, &c.cond_expr);
        let mut out = Vec::new();
        for (branch, truth) in [(&c.true_expr, "true"), (&c.false_expr, "false")] {
            for mut a in self.eval(branch, scope, depth + 1) {
                a.when.insert(0, format!("when `{cond}` is {truth}"));
                out.push(a);
            }
        }
        cap(out)
    }

    /// A traversal (`local.x`, `var.x`, `each.value["k"]`, `x[0].y`): its
    /// root, then each operator applied in turn.
    pub(super) fn eval_traversal(
        &self,
        whole: &'b Expression,
        t: &'b hcl_edit::expr::Traversal,
        scope: &Rc<Scope<'b>>,
        depth: usize,
    ) -> Alts<'b> {
        let src = scope.src;
        let mut ops = t.operators.iter().map(|o| o.value());
        let not_known = || {
            vec![Alt::err(format!(
                "`{}` is not known statically",
                self.shown(src, whole)
            ))]
        };
        let base: Alts<'b> = match &t.expr {
            Expression::Variable(v) if v.as_str() == "local" || v.as_str() == "var" => {
                let Some(TraversalOperator::GetAttr(name)) = ops.next() else {
                    return not_known();
                };
                let found = if v.as_str() == "local" {
                    self.eval_local(name.as_str(), depth)
                } else {
                    self.eval_var(name.as_str(), depth)
                };
                match found {
                    Ok(alts) => alts,
                    Err(why) => return vec![Alt::err(why)],
                }
            }
            Expression::Variable(v) => match lookup_binding(scope, v.as_str()) {
                Some(val) => vec![Alt::ok(val)],
                None => return not_known(),
            },
            other => self.eval(other, scope, depth + 1),
        };
        let mut acc = base;
        for op in ops {
            acc = cap(self.apply_operator(acc, op, scope, depth));
        }
        acc
    }

    /// `local.NAME`, or why it is not known.
    fn eval_local(&self, name: &str, depth: usize) -> Result<Alts<'b>, String> {
        match self.locals.get(name) {
            Some((e, s)) => Ok(self.eval(
                e,
                &Rc::new(Scope {
                    src: *s,
                    bindings: vec![],
                }),
                depth + 1,
            )),
            None => Err(format!("`local.{name}` is not defined in this module")),
        }
    }

    /// `var.NAME`: the value given by the calling module, else the
    /// default; or why it is not known.
    fn eval_var(&self, name: &str, depth: usize) -> Result<Alts<'b>, String> {
        if let Some(given) = self.given.get(name) {
            return match given {
                Ok(v) => Ok(vec![Alt::ok(v.clone())]),
                Err(why) => Err(format!(
                    "`var.{name}` is given by the calling module, but not statically: {why}"
                )),
            };
        }
        match self.vars.get(name) {
            Some(Some((e, s))) => Ok(self.eval(
                e,
                &Rc::new(Scope {
                    src: *s,
                    bindings: vec![],
                }),
                depth + 1,
            )),
            Some(None) => Err(format!(
                "`var.{name}` has no default value, so it is only known at plan time"
            )),
            None => Err(format!("`var.{name}` is not declared in this module")),
        }
    }

    /// One traversal operator (`.name`, `[key]`) applied to every
    /// alternative, under the conditions of both the value and the key.
    fn apply_operator(
        &self,
        acc: Alts<'b>,
        op: &'b TraversalOperator,
        scope: &Rc<Scope<'b>>,
        depth: usize,
    ) -> Alts<'b> {
        let mut next = Vec::new();
        for alt in acc {
            let when = alt.when.clone();
            let val = match alt.val {
                Ok(v) => v,
                Err(e) => {
                    next.push(Alt { val: Err(e), when });
                    continue;
                }
            };
            let keys: Alts<'b> = match op {
                TraversalOperator::GetAttr(name) => {
                    vec![Alt::ok(Val::Str(Text::unmapped(name.as_str())))]
                }
                TraversalOperator::Index(e) => self.eval(e, scope, depth + 1),
                TraversalOperator::LegacyIndex(n) => {
                    vec![Alt::ok(Val::Num(Text::unmapped(&n.value().to_string())))]
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    vec![Alt::err("splat expressions are not evaluated")]
                }
            };
            for k in keys {
                let mut w = when.clone();
                w.extend(k.when);
                let got: Alts<'b> = match k.val {
                    Err(e) => vec![Alt::err(e)],
                    Ok(key) => self.index(&val, &key, depth),
                };
                for mut g in got {
                    let mut ww = w.clone();
                    ww.append(&mut g.when);
                    g.when = ww;
                    next.push(g);
                }
            }
        }
        next
    }

    pub(super) fn index(&self, val: &Val<'b>, key: &Val<'b>, depth: usize) -> Alts<'b> {
        match (val, key) {
            (Val::Obj(entries), Val::Str(k)) => match entries.iter().find(|(n, _)| n == k.as_str())
            {
                Some((_, t)) => self.force(t, depth),
                None => vec![Alt::err(format!("the object has no key `{}`", k.as_str()))],
            },
            (Val::List(items), Val::Num(n)) => {
                match n.as_str().parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(t) => self.force(t, depth),
                    None => vec![Alt::err(format!("the list has no element {}", n.as_str()))],
                }
            }
            (v, _) => vec![Alt::err(format!("cannot index {}", kind_of(v)))],
        }
    }

    pub(super) fn eval_for(
        &self,
        f: &'b hcl_edit::expr::ForExpr,
        scope: &Rc<Scope<'b>>,
        depth: usize,
    ) -> Alts<'b> {
        let coll = self.eval(&f.intro.collection_expr, scope, depth + 1);
        let [alt] = coll.as_slice() else {
            return vec![Alt::err("the `for` collection depends on a condition")];
        };
        let entries: Vec<(Val<'b>, Thunk<'b>)> = match &alt.val {
            Ok(Val::Obj(e)) => e
                .iter()
                .map(|(k, v)| (Val::Str(Text::unmapped(k)), v.clone()))
                .collect(),
            Ok(Val::List(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Val::Num(Text::unmapped(&i.to_string())), v.clone()))
                .collect(),
            Ok(other) => return vec![Alt::err(format!("`for` over {}", kind_of(other)))],
            Err(e) => return vec![Alt::err(e.clone())],
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_owned());
        let value_var = f.intro.value_var.as_str().to_owned();
        let mut obj = Vec::new();
        let mut list = Vec::new();
        for (k, v) in entries {
            // The value is forced once so that `v` is a plain value in the body.
            let value = match self.force(&v, depth).as_slice() {
                [Alt { val: Ok(val), .. }] => val.clone(),
                _ => return vec![Alt::err("a `for` element is not known statically")],
            };
            let mut bindings: Vec<(String, Val<'b>)> = scope.bindings.clone();
            match &key_var {
                Some(kv) => {
                    bindings.push((kv.clone(), k.clone()));
                    bindings.push((value_var.clone(), value));
                }
                None => bindings.push((value_var.clone(), value)),
            }
            let inner = Rc::new(Scope {
                src: scope.src,
                bindings,
            });
            if let Some(cond) = &f.cond {
                // A condition that is known false drops the element; an
                // unknown one keeps it (linting too much beats missing one).
                if let [
                    Alt {
                        val: Ok(Val::Bool(false)),
                        ..
                    },
                ] = self.eval(&cond.expr, &inner, depth + 1).as_slice()
                {
                    continue;
                }
            }
            match &f.key_expr {
                Some(ke) => match self.eval(ke, &inner, depth + 1).as_slice() {
                    [
                        Alt {
                            val: Ok(Val::Str(t)),
                            ..
                        },
                    ] => {
                        obj.push((t.as_str().to_owned(), Thunk::Lazy(&f.value_expr, inner)));
                    }
                    _ => return vec![Alt::err("a `for` key is not known statically")],
                },
                None => list.push(Thunk::Lazy(&f.value_expr, inner)),
            }
        }
        if f.key_expr.is_some() {
            vec![Alt::ok(Val::Obj(Rc::new(obj)))]
        } else {
            vec![Alt::ok(Val::List(Rc::new(list)))]
        }
    }
}

/// A quoted string, mapped to the file where the decoding agrees with the
/// parser's (else the position falls back to the string's start).
fn quoted_string(s: &hcl_edit::Decorated<String>, file: &TfFile<'_>) -> Text {
    let Some(r) = s.span() else {
        return Text::unmapped(s.value());
    };
    let inner = r.start + 1..r.end.saturating_sub(1).max(r.start + 1);
    let raw = file.text.get(inner.clone()).unwrap_or("");
    match decode_hcl_quoted(raw, file.id, file.base + inner.start) {
        Ok(t) if t.as_str() == s.value() => t,
        _ => detached_at(s.value(), file, r.start, r.len()),
    }
}

/// A heredoc without interpolations.
fn heredoc<'b>(h: &hcl_edit::template::HeredocTemplate, file: &TfFile<'_>) -> Alts<'b> {
    if h.template.iter().any(|e| !e.is_literal()) {
        return vec![Alt::err(
            "the heredoc has interpolations or directives, which are not evaluated",
        )];
    }
    match h.span().and_then(|r| decode_heredoc(file, r)) {
        Some(t) => vec![Alt::ok(Val::Str(t))],
        None => vec![Alt::err("the heredoc could not be read")],
    }
}

pub(super) fn lookup_binding<'b>(scope: &Scope<'b>, name: &str) -> Option<Val<'b>> {
    scope
        .bindings
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

pub(super) fn kind_of(v: &Val<'_>) -> &'static str {
    match v {
        Val::Str(_) => "a string",
        Val::Bool(_) => "a boolean",
        Val::Num(_) => "a number",
        Val::Null => "null",
        Val::Obj(_) => "an object",
        Val::List(_) => "a list",
    }
}

/// A value as template text: strings, numbers and booleans.
pub(super) fn as_text(v: Val<'_>, what: String) -> Result<Val<'_>, String> {
    match v {
        Val::Str(t) | Val::Num(t) => Ok(Val::Str(t)),
        Val::Bool(b) => Ok(Val::Str(Text::unmapped(if b { "true" } else { "false" }))),
        other => Err(format!("{what} is {}, not a string", kind_of(&other))),
    }
}

/// Every combination of `a` and `b`, joined by `f`; errors carry through.
pub(super) fn product<'b>(
    a: Alts<'b>,
    b: Alts<'b>,
    f: impl Fn(Val<'b>, Val<'b>) -> Result<Val<'b>, String>,
) -> Alts<'b> {
    cap(alternatives::product(&a, &b, f))
}

pub(super) fn cap(alts: Alts<'_>) -> Alts<'_> {
    if alternatives::too_many(&alts) {
        return vec![Alt::err(format!(
            "the value has more than {MAX_ALTERNATIVES} combinations of conditional branches"
        ))];
    }
    alts
}

/// How much of an expression's source a message shows.
const SHOWN_CHARS: usize = 60;

/// `s` with the middle elided when it is longer than [`SHOWN_CHARS`].
pub(super) fn clip(s: &str) -> String {
    let n = s.chars().count();
    if n <= SHOWN_CHARS {
        return s.to_owned();
    }
    let head: String = s.chars().take(SHOWN_CHARS / 2).collect();
    let tail: String = s.chars().skip(n - SHOWN_CHARS / 2).collect();
    format!("{head}…{tail}")
}

/// `format()` with `%s`, `%d`, `%v` and `%%`; the format is the first item.
pub(super) fn render_format(items: &[Thunk<'_>]) -> Result<Val<'static>, String> {
    let mut texts = items.iter().map(|t| match t {
        Thunk::Done(Val::Str(t)) => Ok(t.clone()),
        _ => Err(String::from("internal: format item")),
    });
    let fmt = texts
        .next()
        .ok_or_else(|| String::from("`format()` needs a format"))??;
    let args: Vec<Text> = texts.collect::<Result<_, _>>()?;
    let s = fmt.as_str();
    let mut out = Text::new();
    let mut next_arg = args.iter();
    let mut i = 0;
    let mut run = 0;
    while let Some(p) = s.get(i..).and_then(|t| t.find('%')) {
        let at = i + p;
        out.push_text(&fmt.slice(run..at));
        match s.as_bytes().get(at + 1) {
            Some(b'%') => {
                out.push_text(&fmt.slice(at + 1..at + 2));
            }
            Some(b's' | b'd' | b'v') => {
                let a = next_arg
                    .next()
                    .ok_or_else(|| String::from("`format()` has fewer arguments than verbs"))?;
                out.push_text(a);
            }
            _ => return Err("`format()` uses a verb other than %s, %d, %v and %%".into()),
        }
        i = at + 2;
        run = i;
    }
    out.push_text(&fmt.slice(run..s.len()));
    Ok(Val::Str(out))
}
