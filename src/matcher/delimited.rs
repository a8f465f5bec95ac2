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

use super::program::{Program, Reason, Slot};

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
///
/// The slots between two `...` form a segment of fixed length. The first
/// segment is anchored at the start, the last at the end, and each one in
/// between is placed at the earliest position where it fits after the one
/// before: an earlier place only leaves more room for the rest, so this finds
/// a placement whenever one exists. Memory is one index per slot; the tests
/// made are at most fields × slots.
pub(crate) fn assign(
    slots: &[Slot],
    fields: &[&str],
    test: &mut impl FnMut(&Slot, &str) -> bool,
) -> Option<Vec<usize>> {
    let mut segments = slots.split(|s| matches!(s, Slot::Ellipsis));
    let first = segments.next().unwrap_or_default();
    let Some(last) = segments.next_back() else {
        // No `...`: one field per slot.
        return (first.len() == fields.len() && fits(first, fields, 0, test))
            .then(|| (0..fields.len()).collect());
    };
    let middle: Vec<&[Slot]> = segments.collect();
    let needed = first.len() + last.len() + middle.iter().map(|m| m.len()).sum::<usize>();
    if needed > fields.len() {
        return None;
    }
    let end = fields.len() - last.len();
    if !fits(first, fields, 0, test) || !fits(last, fields, end, test) {
        return None;
    }
    let mut out: Vec<usize> = (0..first.len()).collect();
    let mut at = first.len();
    for seg in middle {
        let found = (at..=end.checked_sub(seg.len())?).find(|&p| fits(seg, fields, p, test))?;
        out.extend(found..found + seg.len());
        at = found + seg.len();
    }
    out.extend(end..fields.len());
    Some(out)
}

/// Whether `segment` placed at `fields[at..]` satisfies every slot.
fn fits(
    segment: &[Slot],
    fields: &[&str],
    at: usize,
    test: &mut impl FnMut(&Slot, &str) -> bool,
) -> bool {
    segment
        .iter()
        .enumerate()
        .all(|(k, s)| fields.get(at + k).is_some_and(|f| test(s, f)))
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

    /// Whether some placement exists, by trying every one.
    fn brute(slots: &[Slot], fields: &[&str], test: &impl Fn(&Slot, &str) -> bool) -> bool {
        match slots.split_first() {
            None => fields.is_empty(),
            Some((Slot::Ellipsis, rest)) => {
                (0..=fields.len()).any(|k| brute(rest, fields.get(k..).unwrap_or_default(), test))
            }
            Some((s, rest)) => fields
                .split_first()
                .is_some_and(|(f, more)| test(s, f) && brute(rest, more, test)),
        }
    }

    use proptest::prelude::*;

    proptest! {
        /// The greedy placement finds one exactly when one exists, and the
        /// one it returns satisfies every slot.
        #[test]
        fn greedy_placement_agrees_with_trying_every_one(
            spec in prop::collection::vec(prop::sample::select(vec!["...", "a", "b", "_"]), 0..7),
            fields in prop::collection::vec(prop::sample::select(vec!["a", "b", "c"]), 0..8),
        ) {
            let slots: Vec<Slot> = spec.iter().map(|s| match *s {
                "..." => Slot::Ellipsis,
                n => Slot::Any(n.to_owned()),
            }).collect();
            // `_` takes any field; `a` and `b` only their own letter.
            let ok = |s: &Slot, f: &str| match s {
                Slot::Any(n) => n == "_" || n == f,
                _ => true,
            };
            let got = assign(&slots, &fields, &mut |s, f| ok(s, f));
            prop_assert_eq!(got.is_some(), brute(&slots, &fields, &ok));
            if let Some(p) = got {
                let named: Vec<&Slot> = slots.iter().filter(|s| !matches!(s, Slot::Ellipsis)).collect();
                prop_assert_eq!(p.len(), named.len());
                prop_assert!(p.windows(2).all(|w| w[0] < w[1]));
                for (s, &i) in named.iter().zip(&p) {
                    prop_assert!(ok(s, fields[i]));
                }
            }
        }
    }
}
