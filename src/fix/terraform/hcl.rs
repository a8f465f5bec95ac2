//! HCL as `terraform fmt` writes it: values, attributes, blocks and
//! comments, with runs of one-line attributes aligned.

use serde_json::Value;

use crate::fix::text::one_line;

/// An HCL value.
pub(super) enum V {
    /// A quoted string.
    S(String),
    /// An expression written as is (numbers, booleans, references).
    X(String),
    /// A list.
    L(Vec<V>),
    /// An object.
    O(Vec<(String, V)>),
    /// `jsonencode(<object>)`.
    Json(Value),
}

/// A body entry.
pub(super) enum E {
    A(String, V),
    B(String, Vec<String>, Vec<E>),
    C(String),
}

pub(super) fn s(x: &str) -> V {
    V::S(x.to_owned())
}

pub(super) fn x(x: impl std::fmt::Display) -> V {
    V::X(x.to_string())
}

pub(super) fn a(k: &str, v: V) -> E {
    E::A(k.to_owned(), v)
}

/// An HCL string literal's content.
pub(super) fn escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// JSON as an HCL value (for `jsonencode`).
pub(super) fn from_json(v: &Value) -> V {
    match v {
        Value::String(t) => s(t),
        Value::Array(items) => V::L(items.iter().map(from_json).collect()),
        Value::Object(m) => V::O(m.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()),
        other => x(other),
    }
}

pub(super) fn key(k: &str) -> String {
    let plain = k.starts_with(|c: char| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        k.to_owned()
    } else {
        format!("\"{}\"", escape(k))
    }
}

/// The value on one line, if it fits on one.
pub(super) fn single(v: &V) -> Option<String> {
    match v {
        V::S(t) => Some(format!("\"{}\"", escape(t))),
        V::X(t) => Some(t.clone()),
        V::L(items) => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| match i {
                    V::S(_) | V::X(_) => single(i),
                    _ => None,
                })
                .collect();
            parts.map(|p| format!("[{}]", p.join(", ")))
        }
        V::O(items) if items.is_empty() => Some("{}".into()),
        V::O(_) | V::Json(_) => None,
    }
}

pub(super) fn pad(n: usize) -> String {
    "  ".repeat(n)
}

/// A multi-line value, from its opening line's end; `depth` is the
/// indentation of the line it starts on.
pub(super) fn multi(v: &V, depth: usize, out: &mut String) {
    match v {
        V::Json(j) => {
            out.push_str("jsonencode(");
            match from_json(j) {
                inner @ V::O(_) => multi(&inner, depth, out),
                inner => out.push_str(&single(&inner).unwrap_or_default()),
            }
            out.push(')');
        }
        V::O(items) => {
            out.push_str("{\n");
            let entries: Vec<E> = items
                .iter()
                .map(|(k, v)| E::A(key(k), clone_v(v)))
                .collect();
            body(&entries, depth + 1, out);
            out.push_str(&pad(depth));
            out.push('}');
        }
        V::L(items) => {
            out.push_str("[\n");
            for i in items {
                out.push_str(&pad(depth + 1));
                match single(i) {
                    Some(t) => out.push_str(&t),
                    None => multi(i, depth + 1, out),
                }
                out.push_str(",\n");
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        V::S(_) | V::X(_) => out.push_str(&single(v).unwrap_or_default()),
    }
}

pub(super) fn clone_v(v: &V) -> V {
    match v {
        V::S(t) => V::S(t.clone()),
        V::X(t) => V::X(t.clone()),
        V::L(l) => V::L(l.iter().map(clone_v).collect()),
        V::O(o) => V::O(o.iter().map(|(k, v)| (k.clone(), clone_v(v))).collect()),
        V::Json(j) => V::Json(j.clone()),
    }
}

/// A body: runs of one-line attributes have their `=` aligned, as
/// `terraform fmt` does; a block, a comment or a multi-line value ends a run.
pub(super) fn body(entries: &[E], depth: usize, out: &mut String) {
    let mut i = 0;
    while let Some(e) = entries.get(i) {
        match e {
            E::A(..) => {
                // The run of one-line attributes starting here.
                let run: Vec<(&String, String)> = entries
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .map_while(|e| match e {
                        E::A(k, v) => single(v).map(|t| (k, t)),
                        _ => None,
                    })
                    .collect();
                if run.is_empty() {
                    if let E::A(k, v) = e {
                        out.push_str(&pad(depth));
                        out.push_str(k);
                        out.push_str(" = ");
                        multi(v, depth, out);
                        out.push('\n');
                    }
                    i += 1;
                    continue;
                }
                let width = run
                    .iter()
                    .map(|(k, _)| k.chars().count())
                    .max()
                    .unwrap_or(0);
                for (k, t) in &run {
                    out.push_str(&pad(depth));
                    out.push_str(k);
                    out.push_str(&" ".repeat(width - k.chars().count()));
                    out.push_str(" = ");
                    out.push_str(t);
                    out.push('\n');
                }
                i += run.len();
            }
            E::B(kind, labels, inner) => {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&pad(depth));
                out.push_str(kind);
                for l in labels {
                    out.push_str(&format!(" \"{}\"", escape(l)));
                }
                if inner.is_empty() {
                    out.push_str(" {}\n");
                } else {
                    out.push_str(" {\n");
                    body(inner, depth + 1, out);
                    out.push_str(&pad(depth));
                    out.push_str("}\n");
                }
                if matches!(entries.get(i + 1), Some(E::A(..))) {
                    out.push('\n');
                }
                i += 1;
            }
            E::C(t) => {
                out.push_str(&pad(depth));
                out.push_str("# ");
                out.push_str(&one_line(t));
                out.push('\n');
                i += 1;
            }
        }
    }
}

pub(super) fn resource(kind: &str, name: &str, body: Vec<E>) -> E {
    E::B(
        "resource".into(),
        vec![kind.to_owned(), name.to_owned()],
        body,
    )
}

pub(super) fn import(kind: &str, name: &str, id: &str) -> E {
    E::B(
        "import".into(),
        vec![],
        vec![a("to", x(format!("{kind}.{name}"))), a("id", s(id))],
    )
}

pub(super) fn lifecycle(ignore: &[&str]) -> E {
    E::B(
        "lifecycle".into(),
        vec![],
        vec![a("ignore_changes", V::L(ignore.iter().map(x).collect()))],
    )
}

/// Top-level entries: one blank line between blocks; a comment group sticks
/// to the block after it.
pub(super) fn render_top(entries: &[E], out: &mut String) {
    let mut prev_block = false;
    for e in entries {
        match e {
            E::C(t) if t.is_empty() => {
                if prev_block {
                    out.push('\n');
                }
                prev_block = false;
            }
            E::C(_) => {
                body(std::slice::from_ref(e), 0, out);
                prev_block = false;
            }
            E::B(..) | E::A(..) => {
                if prev_block {
                    out.push('\n');
                }
                let mut one = String::new();
                body(std::slice::from_ref(e), 0, &mut one);
                out.push_str(&one);
                prev_block = true;
            }
        }
    }
}

pub(super) trait OrLiteral {
    fn or_literal(self, lit: &str) -> V;
}

impl OrLiteral for V {
    /// A reference found for the key, else the literal itself.
    fn or_literal(self, lit: &str) -> V {
        match self {
            V::S(_) => s(lit),
            other => other,
        }
    }
}
