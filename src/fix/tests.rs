//! The plan on the example snapshots: each item fixes the controls it names,
//! and no other control moves (the broken-snapshot property is in
//! `tests/it/fix.rs`).

use std::collections::BTreeSet;

use super::*;
use crate::audit::testkit::{compliant, mixed, noncompliant};
use crate::audit::{self, Audit, Options, Procedure, Status};
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

fn status(a: &Audit, id: &str) -> Status {
    a.controls
        .iter()
        .find(|c| c.control.id == id)
        .map(|c| c.status)
        .unwrap()
}

/// For every FAILED control that the plan fixes: its items alone make it
/// PASSED, and every other control that moves is one those items name and
/// moves to PASSED.
pub(crate) fn holds(s: &Snapshot) -> Vec<&'static str> {
    let before = audit(s);
    let p = plan(&before, s);
    let mut fixed = Vec::new();
    for c in &before.controls {
        let id = c.control.id;
        if c.status != Status::Failed || !p.fixes(id) {
            continue;
        }
        let items = p.items_for(id);
        let declared: BTreeSet<&str> = items.iter().flat_map(|i| i.controls.clone()).collect();
        let after = audit(&apply_items(items.iter().copied(), s));
        // PASSED, unless some of the control's data could not be read
        // before either (then what was read passes, and the rest stays
        // NOT_AVAILABLE or WARNING).
        let want = Status::roll_up(
            c.findings
                .iter()
                .map(|f| &f.status)
                .filter(|st| **st != Status::Failed)
                .chain([&Status::Passed]),
        );
        assert_eq!(
            status(&after, id),
            want,
            "{id}: {:#?}",
            after.controls.iter().find(|x| x.control.id == id)
        );
        for (a, b) in before.controls.iter().zip(&after.controls) {
            if a.status != b.status {
                assert!(
                    declared.contains(a.control.id) && b.status < a.status,
                    "fixing {id} moved {} from {} to {}",
                    a.control.id,
                    a.status,
                    b.status
                );
            }
        }
        fixed.push(id);
    }
    // The whole plan: every fixed control passes, nothing else moves but to PASSED.
    let after = audit(&apply(&p, s));
    for (a, b) in before.controls.iter().zip(&after.controls) {
        if p.fixes(a.control.id) && a.status == Status::Failed {
            assert_ne!(b.status, Status::Failed, "{}", a.control.id);
        }
        assert!(
            b.status <= a.status,
            "{}: {} -> {}",
            a.control.id,
            a.status,
            b.status
        );
    }
    fixed
}

#[test]
fn compliant_needs_nothing_but_the_manual_steps() {
    let s = compliant();
    let p = plan(&audit(&s), &s);
    assert!(p.items.iter().all(|i| i.kind == Kind::Guidance), "{p:#?}");
    assert_eq!(p.items.len(), 6);
    assert!(holds(&s).is_empty());
}

#[test]
fn mixed_each_fix_closes_its_control() {
    let fixed = holds(&mixed());
    for id in [
        "1.10", "2.5", "2.9", "3.2", "3.4", "3.5", "3.6", "3.8", "3.9", "4.3",
    ] {
        assert!(fixed.contains(&id), "{id} not fixed: {fixed:?}");
    }
}

#[test]
fn noncompliant_each_fix_closes_its_control() {
    let fixed = holds(&noncompliant());
    for id in [
        "1.1", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.20", "2.1", "2.2", "2.3",
        "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7",
        "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "4.1", "4.2", "4.3",
    ] {
        assert!(fixed.contains(&id), "{id} not fixed: {fixed:?}");
    }
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
