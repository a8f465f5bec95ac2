//! Space-delimited events: splitting a message into fields and placing a
//! pattern's slots on them.
//!
//! Splitting: fields are separated by runs of whitespace. A field that starts
//! with `"` runs to the next `"`, one that starts with `[` to the next `]`,
//! whitespace included; the quotes or brackets are not part of the field's
//! value. An unclosed `"` or `[` runs to the end of the message. A quote or
//! bracket inside a field (`a"b`) is an ordinary character.
//!
//! Placing: without `...`, the event must have exactly as many fields as the
//! pattern has slots. Each `...` stands for any number of fields (none
//! included); with several, any placement that satisfies every condition
//! makes a match.

use super::eval::{Program, Reason, Slot};

/// The fields of a message.
pub(crate) fn split(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else {
            return out;
        };
        let close = match first {
            '"' => Some('"'),
            '[' => Some(']'),
            _ => None,
        };
        match close {
            Some(c) => {
                let inner = rest.get(1..).unwrap_or_default();
                match inner.find(c) {
                    Some(end) => {
                        out.push(inner.get(..end).unwrap_or_default());
                        rest = inner.get(end + 1..).unwrap_or_default();
                    }
                    None => {
                        out.push(inner);
                        return out;
                    }
                }
            }
            None => {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                out.push(rest.get(..end).unwrap_or_default());
                rest = rest.get(end..).unwrap_or_default();
            }
        }
    }
}

/// Place `slots` on `fields`; `test(slot, field)` says whether a field
/// satisfies a slot. Returns, for each non-ellipsis slot in order, the index
/// of its field, or `None` when no placement works.
pub(crate) fn assign(
    slots: &[Slot],
    fields: &[&str],
    test: &mut impl FnMut(&Slot, &str) -> bool,
) -> Option<Vec<usize>> {
    let has_ellipsis = slots.iter().any(|s| matches!(s, Slot::Ellipsis));
    if !has_ellipsis {
        if slots.len() != fields.len() {
            return None;
        }
        for (s, f) in slots.iter().zip(fields) {
            if !test(s, f) {
                return None;
            }
        }
        return Some((0..fields.len()).collect());
    }
    // ok[si][fi]: slots[si..] can be placed on fields[fi..].
    let (ns, nf) = (slots.len(), fields.len());
    let width = nf + 1;
    let mut ok = vec![false; (ns + 1) * width];
    let at = |si: usize, fi: usize| si * width + fi;
    if let Some(x) = ok.get_mut(at(ns, nf)) {
        *x = true;
    }
    for si in (0..ns).rev() {
        let slot = slots.get(si)?;
        for fi in (0..=nf).rev() {
            let v = match slot {
                Slot::Ellipsis => {
                    ok.get(at(si + 1, fi)).copied().unwrap_or(false)
                        || (fi < nf && ok.get(at(si, fi + 1)).copied().unwrap_or(false))
                }
                _ => {
                    fi < nf
                        && ok.get(at(si + 1, fi + 1)).copied().unwrap_or(false)
                        && fields.get(fi).is_some_and(|f| test(slot, f))
                }
            };
            if let Some(x) = ok.get_mut(at(si, fi)) {
                *x = v;
            }
        }
    }
    if !ok.first().copied().unwrap_or(false) {
        return None;
    }
    // Walk the table forwards to recover one placement.
    let mut out = Vec::new();
    let (mut si, mut fi) = (0, 0);
    while si < ns {
        match slots.get(si)? {
            Slot::Ellipsis => {
                if ok.get(at(si + 1, fi)).copied().unwrap_or(false) {
                    si += 1;
                } else {
                    fi += 1;
                }
            }
            _ => {
                out.push(fi);
                si += 1;
                fi += 1;
            }
        }
    }
    Some(out)
}

fn slot_name(s: &Slot) -> &str {
    match s {
        Slot::Ellipsis => "...",
        Slot::Any(n) | Slot::Cond(n, _) => n,
    }
}

/// Why a delimited pattern matches the fields or not.
pub(crate) fn explain(slots: &[Slot], fields: &[&str]) -> (bool, Vec<Reason>) {
    let mut test = |s: &Slot, f: &str| match s {
        Slot::Cond(_, e) => Program::field_reason("", e, f).0,
        _ => true,
    };
    if let Some(placement) = assign(slots, fields, &mut test) {
        let mut out = Vec::new();
        let named = slots.iter().filter(|s| !matches!(s, Slot::Ellipsis));
        for (s, &fi) in named.zip(&placement) {
            if let (Slot::Cond(name, e), Some(f)) = (s, fields.get(fi)) {
                out.extend(Program::field_reason(name, e, f).1);
            }
        }
        return (true, out);
    }
    let needed = slots
        .iter()
        .filter(|s| !matches!(s, Slot::Ellipsis))
        .count();
    let has_ellipsis = needed != slots.len();
    if (!has_ellipsis && fields.len() != needed) || fields.len() < needed {
        return (
            false,
            vec![Reason {
                term: String::new(),
                holds: false,
                found: Some(fields.len().to_string()),
                note: format!(
                    "the event has {} field{}; the pattern needs {}{needed}",
                    fields.len(),
                    if fields.len() == 1 { "" } else { "s" },
                    if has_ellipsis { "at least " } else { "" }
                ),
            }],
        );
    }
    // Align the slots before the first `...` with the start and those after
    // the last `...` with the end, and report the conditions that fail there.
    let first_e = slots
        .iter()
        .position(|s| matches!(s, Slot::Ellipsis))
        .unwrap_or(slots.len());
    let last_e = slots
        .iter()
        .rposition(|s| matches!(s, Slot::Ellipsis))
        .unwrap_or(slots.len());
    let mut out = Vec::new();
    let mut check = |s: &Slot, f: Option<&&str>| {
        if let (Slot::Cond(name, e), Some(f)) = (s, f) {
            let (holds, rs) = Program::field_reason(name, e, f);
            if !holds {
                out.extend(rs);
            }
        }
    };
    for (i, s) in slots.iter().enumerate().take(first_e) {
        check(s, fields.get(i));
    }
    if has_ellipsis {
        let tail = slots.len() - last_e - 1;
        for (k, s) in slots.iter().skip(last_e + 1).enumerate() {
            check(s, fields.get(fields.len() - tail + k));
        }
    }
    if out.is_empty() {
        out.push(Reason {
            term: slots.iter().map(slot_name).collect::<Vec<_>>().join(", "),
            holds: false,
            found: None,
            note: "no placement of the event's fields satisfies every condition".to_owned(),
        });
    }
    (false, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_whitespace_with_quotes_and_brackets() {
        let line = r#"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534"#;
        assert_eq!(
            split(line),
            vec![
                "127.0.0.1",
                "-",
                "frank",
                "10/Oct/2000:13:25:15 -0700",
                "GET /apache_pb.gif HTTP/1.0",
                "200",
                "1534"
            ]
        );
        assert_eq!(split("  a\t b  "), vec!["a", "b"]);
        assert_eq!(split(""), Vec::<&str>::new());
        assert_eq!(split(r#"a "b c"#), vec!["a", "b c"]);
        assert_eq!(split(r#"a"b c"#), vec![r#"a"b"#, "c"]);
        assert_eq!(split(r#""" x"#), vec!["", "x"]);
        assert_eq!(split("[a b]c d"), vec!["a b", "c", "d"]);
    }

    fn slots(spec: &str) -> Vec<Slot> {
        spec.split(',')
            .map(|s| match s.trim() {
                "..." => Slot::Ellipsis,
                n => Slot::Any(n.to_owned()),
            })
            .collect()
    }

    #[test]
    fn placement_with_and_without_ellipsis() {
        let f = ["a", "b", "c", "d"];
        let mut any = |_: &Slot, _: &str| true;
        assert_eq!(
            assign(&slots("w,x,y,z"), &f, &mut any),
            Some(vec![0, 1, 2, 3])
        );
        assert_eq!(assign(&slots("w,x,y"), &f, &mut any), None);
        assert_eq!(assign(&slots("...,y,z"), &f, &mut any), Some(vec![2, 3]));
        assert_eq!(assign(&slots("w,..."), &f, &mut any), Some(vec![0]));
        assert_eq!(assign(&slots("..."), &[], &mut any), Some(vec![]));
        assert_eq!(
            assign(&slots("w,...,z,..."), &f, &mut any),
            Some(vec![0, 1])
        );
        assert_eq!(assign(&slots("w,x,y,z,v,..."), &f, &mut any), None);
        // With several ellipses the condition decides where a slot lands.
        let mut is_c = |s: &Slot, f: &str| !matches!(s, Slot::Any(n) if n == "y") || f == "c";
        assert_eq!(assign(&slots("...,y,..."), &f, &mut is_c), Some(vec![2]));
        let mut never = |s: &Slot, f: &str| !matches!(s, Slot::Any(n) if n == "y") || f == "q";
        assert_eq!(assign(&slots("...,y,..."), &f, &mut never), None);
    }
}
