//! The matcher never panics, and its answers agree with each other: the
//! input's first line is a pattern, the rest an event (a second copy of the
//! rest, line by line, feeds a matcher set). For every pattern that parses:
//! - the matcher built from the normal form and the one built from the
//!   pattern as written give the same answer;
//! - `explain` gives the same answer as `matches`;
//! - a `MatcherSet` gives the same answer as the matcher alone.
#![no_main]

use cis_filters::matcher::{Matcher, MatcherSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (pattern, event) = text.split_once('\n').unwrap_or((text, ""));
    let Ok(ast) = cis_filters::pattern::parse(pattern) else {
        return;
    };
    let (Ok(normal), Ok(written)) = (Matcher::new(pattern), Matcher::from_ast(&ast)) else {
        return;
    };
    let answer = normal.matches(event);
    assert_eq!(
        answer,
        written.matches(event),
        "normal form vs as written: {pattern:?} on {event:?}"
    );
    assert_eq!(
        answer,
        normal.explain(event).matched,
        "explain: {pattern:?} on {event:?}"
    );
    let set = MatcherSet::new(vec![normal, written]);
    for line in event.lines() {
        let p = set.prepare(line);
        assert_eq!(p.matches(0), p.matches(1), "set: {pattern:?} on {line:?}");
        let alone = Matcher::new(pattern)
            .map(|m| m.matches(line))
            .unwrap_or(false);
        assert_eq!(p.matches(0), alone, "set vs alone: {pattern:?} on {line:?}");
    }
});
