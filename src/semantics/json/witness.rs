//! The witness event: the JSON value an assignment describes.

use super::{Assignment, MAX_WITNESS_ELEMENTS, Model, Trouble};
use crate::semantics::cells::Scalar;
use crate::semantics::cloudtrail;

/// A JSON value of a witness.
#[derive(Clone, Debug, PartialEq)]
pub enum WVal {
    /// `null`
    Null,
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(String),
    /// A number, as written.
    Num(String),
    /// An array.
    Arr(Vec<WVal>),
    /// An object, fields in order.
    Obj(Vec<(String, WVal)>),
}

impl WVal {
    pub(super) fn of(s: &Scalar) -> Option<WVal> {
        Some(match s {
            Scalar::Missing => return None,
            Scalar::Null => WVal::Null,
            Scalar::Bool(b) => WVal::Bool(*b),
            Scalar::Str(t) => WVal::Str(t.clone()),
            Scalar::Num(t) => WVal::Num(t.clone()),
            Scalar::Obj => WVal::Obj(Vec::new()),
            Scalar::Arr => WVal::Arr(Vec::new()),
        })
    }

    /// Compact JSON text.
    pub fn write(&self, out: &mut String) {
        match self {
            WVal::Null => out.push_str("null"),
            WVal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            WVal::Num(t) => out.push_str(t),
            WVal::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
            WVal::Arr(xs) => {
                out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    x.write(out);
                }
                out.push(']');
            }
            WVal::Obj(fs) => {
                out.push('{');
                for (i, (k, v)) in fs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).unwrap_or_default());
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// Compact JSON text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }
}

impl Model {
    fn value(&self, p: usize, asg: &Assignment) -> Result<Option<WVal>, Trouble> {
        let Some(pos) = self.pos.get(p) else {
            return Ok(None);
        };
        let Some(s) = self.scalar(p, asg) else {
            return Ok(None);
        };
        match s {
            Scalar::Obj => {
                let mut fields: Vec<(String, WVal)> = Vec::new();
                for (name, c) in &pos.fields {
                    if let Some(v) = self.value(*c, asg)? {
                        fields.push((name.clone(), v));
                    }
                }
                if p == 0 && self.cloudtrail {
                    fields.sort_by_key(|(k, _)| cloudtrail::order(k));
                }
                if let Some(g) = pos.any_field {
                    let mut n = 0;
                    for v in self.unnamed(g, asg) {
                        let name = loop {
                            n += 1;
                            let name = format!("field{n}");
                            if !pos.fields.iter().any(|(k, _)| *k == name) {
                                break name;
                            }
                        };
                        fields.push((name, v));
                    }
                }
                Ok(Some(WVal::Obj(fields)))
            }
            Scalar::Arr => {
                let mut named: Vec<(u32, WVal)> = Vec::new();
                for (i, c) in &pos.indexes {
                    if let Some(v) = self.value(*c, asg)? {
                        named.push((*i, v));
                    }
                }
                let unnamed = pos
                    .any_index
                    .map(|g| self.unnamed(g, asg))
                    .unwrap_or_default();
                let top = named.last().map_or(0, |(i, _)| u64::from(*i) + 1);
                let len = top.max(named.len() as u64 + unnamed.len() as u64);
                if len > MAX_WITNESS_ELEMENTS {
                    return Err(format!(
                        "a witness would need an array of {len} elements (more than {MAX_WITNESS_ELEMENTS})"
                    ));
                }
                // Free places take the unnamed elements, then copies of an
                // element already there (which change no condition).
                let filler = unnamed.first().or(named.first().map(|(_, v)| v)).cloned();
                let mut unnamed = unnamed.into_iter();
                let mut named = named.into_iter().peekable();
                let mut out = Vec::new();
                for at in 0..len {
                    match named.peek() {
                        Some((i, _)) if u64::from(*i) == at => {
                            if let Some((_, v)) = named.next() {
                                out.push(v);
                            }
                        }
                        _ => match unnamed.next().or_else(|| filler.clone()) {
                            Some(v) => out.push(v),
                            None => {
                                return Err("internal: nothing to fill an array with".to_owned());
                            }
                        },
                    }
                }
                Ok(Some(WVal::Arr(out)))
            }
            other => Ok(WVal::of(other)),
        }
    }

    fn unnamed(&self, g: usize, asg: &Assignment) -> Vec<WVal> {
        let Some(group) = self.groups.get(g) else {
            return Vec::new();
        };
        let d = asg.group.get(g).copied().flatten().unwrap_or(0);
        group
            .domain
            .get(d)
            .map(|(_, used)| {
                used.iter()
                    .filter_map(|&t| group.types.get(t).map(|(_, v)| v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(super) fn witness(&self, asg: &Assignment) -> Result<WVal, Trouble> {
        self.value(0, asg)?
            .ok_or_else(|| "internal: the event has no root".to_owned())
    }
}
