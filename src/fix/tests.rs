//! What the plan says about the example snapshots (the property that each
//! item fixes its controls and moves no other is in `tests/it/fix.rs`).

use super::*;
use crate::audit::testkit::{mixed, noncompliant};
use crate::audit::{self, Audit, Options, Procedure};
use crate::cis::{MatchMode, benchmark};
use crate::snapshot::Snapshot;

fn audit(s: &Snapshot) -> Audit {
    audit::run(
        s,
        &Options {
            benchmark: benchmark("cis-1.2").unwrap(),
            mode: MatchMode::Normalized,
            controls: None,
            procedure: Procedure::SecurityHub,
        },
    )
}

#[test]
fn the_near_miss_is_edited_with_its_term_diff() {
    let s = mixed();
    let p = plan(&audit(&s), &s);
    let items = p.items_for("3.2");
    let f = items
        .iter()
        .find_map(|i| match &i.action {
            Action::MetricFilter(f) => Some(f),
            _ => None,
        })
        .unwrap();
    assert_eq!(f.filter_name, "CIS-3.2-ConsoleSigninWithoutMFA");
    assert!(f.replaces.is_some());
    assert_eq!(f.term_diff.len(), 1, "{:?}", f.term_diff);
    assert!(f.term_diff[0].contains("$.additionalEventData.MFAUsed"));
    // No second filter for 3.2.
    let filters = items
        .iter()
        .filter(|i| matches!(i.action, Action::MetricFilter(_)))
        .count();
    assert_eq!(filters, 1);
}

#[test]
fn guidance_for_what_is_not_automated() {
    let s = noncompliant();
    let p = plan(&audit(&s), &s);
    for id in [
        "1.2", "1.3", "1.4", "1.12", "1.13", "1.14", "1.16", "1.22", "1.15", "4.4",
    ] {
        let items = p.items_for(id);
        assert!(
            !items.is_empty() && items.iter().all(|i| i.kind == Kind::Guidance),
            "{id}: {items:#?}"
        );
        assert!(!p.fixes(id));
    }
    // 1.16 names the users and their policies; 1.22 the policy and its users.
    let steps = |id: &str| match &p.items_for(id)[0].action {
        Action::Guidance { steps } => steps.join("\n"),
        _ => String::new(),
    };
    assert!(
        steps("1.16").contains("attached policies"),
        "{}",
        steps("1.16")
    );
    assert!(
        steps("1.22").contains("attached to users"),
        "{}",
        steps("1.22")
    );
}

#[test]
fn removals_are_marked_and_listed() {
    let s = noncompliant();
    let p = plan(&audit(&s), &s);
    for id in ["4.1", "4.2", "4.3", "2.3"] {
        let items = p.items_for(id);
        assert!(
            items
                .iter()
                .any(|i| i.kind == Kind::RemovesAccess && !i.removes.is_empty()),
            "{id}: {items:#?}"
        );
    }
}
