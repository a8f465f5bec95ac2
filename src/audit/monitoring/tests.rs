//! The chain walker against the example snapshots, link by link.

use serde_json::Value;

use super::index::anchor;
use super::{Index, codes};
use crate::audit::finding::{Finding, Status};
use crate::audit::testkit::*;
use crate::cis::{Benchmark, CLOSE_SCORE, MatchMode, closeness};
use crate::cis::{benchmark, control};
use crate::pattern::normalize;
use crate::snapshot::Collected;
use crate::snapshot::{Region, Snapshot};

fn walk(s: &Snapshot, id: &str) -> Finding {
    walk_with(s, id, "cis-1.2", MatchMode::Normalized)
}

fn walk_with(s: &Snapshot, id: &str, bench: &str, mode: MatchMode) -> Finding {
    let b = benchmark(bench).unwrap();
    Index::build(s, b, mode).walk(control(id).unwrap())
}

fn home(s: &mut Snapshot) -> &mut Region {
    s.regions
        .iter_mut()
        .find(|r| r.region == "us-east-1")
        .unwrap()
}

const ALL: [&str; 15] = [
    "1.1", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12",
    "3.13", "3.14",
];

#[test]
fn compliant_chains_complete() {
    let s = compliant();
    for id in ALL {
        let f = walk(&s, id);
        assert_eq!(f.status, Status::Passed, "{id}: {f:#?}");
        assert_eq!(f.reason_code, codes::COMPLETE);
        assert_eq!(f.evidence["verdict"]["verdict"], "exact", "{id}");
        assert!(f.evidence["chain"]["subscription"]["arn"].is_string());
        assert!(f.evidence.get("broken_link").is_none());
    }
    // The Security Hub benchmark accepts the same filters.
    for id in ALL {
        assert_eq!(
            walk_with(&s, id, "securityhub", MatchMode::Strict).status,
            Status::Passed,
            "{id}"
        );
    }
}

#[test]
fn mixed_breaks_each_link() {
    let s = mixed();
    let code = |id| {
        let f = walk(&s, id);
        (f.status, f.reason_code)
    };
    assert_eq!(code("3.1"), (Status::Passed, codes::COMPLETE));
    assert_eq!(code("3.2"), (Status::Failed, codes::FILTER));
    assert_eq!(code("3.3"), (Status::Passed, codes::COMPLETE));
    assert_eq!(code("3.4"), (Status::Failed, codes::ACTIONS));
    assert_eq!(code("3.5"), (Status::Failed, codes::ALARMS));
    assert_eq!(code("3.6"), (Status::Failed, codes::SUBSCRIPTION));
    assert_eq!(code("3.7"), (Status::Warning, codes::CROSS_ACCOUNT));
    assert_eq!(code("3.8"), (Status::Failed, codes::TOPIC));
    assert_eq!(code("3.9"), (Status::Failed, codes::FILTER));
    // The near miss carries the term differences and how close it is.
    let f = walk(&s, "3.2");
    assert_eq!(f.evidence["verdict"]["verdict"], "different");
    assert!(f.evidence["closeness"].as_f64().unwrap() >= CLOSE_SCORE);
    assert!(f.evidence.get("log_group_filters").is_none());
    assert_eq!(
        f.evidence["chain"]["metric_filter"]["name"],
        "CIS-3.2-ConsoleSigninWithoutMFA"
    );
    assert!(
        !f.evidence["verdict"]["differences"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(f.evidence["broken_link"], "metric_filter");
    // An equivalent filter passes normalized, fails strict with its verdict.
    let f = walk_with(&s, "3.3", "cis-1.2", MatchMode::Strict);
    assert_eq!(f.status, Status::Failed);
    assert_eq!(f.reason_code, codes::FILTER);
    assert_eq!(f.evidence["verdict"]["verdict"], "equivalent");
    assert_eq!(
        walk_with(&s, "1.1", "cis-1.2", MatchMode::Strict).status,
        Status::Failed
    );
}

/// No filter on the log group resembles the control's pattern: no
/// "closest" filter and no term diff, but the filters' names.
#[test]
fn near_miss_only_when_near() {
    let s = mixed();
    let f = walk(&s, "3.9");
    assert_eq!(f.reason_code, codes::FILTER);
    assert!(f.evidence.get("verdict").is_none(), "{f:#?}");
    assert!(f.evidence["chain"].get("metric_filter").is_none());
    assert!(f.evidence.get("closeness").is_none());
    let names = f.evidence["log_group_filters"].as_array().unwrap();
    assert_eq!(names.len(), 13);
    assert!(names.iter().any(|n| n == "CIS-3.7-DisableOrDeleteCMK"));
    assert_eq!(f.evidence["filters_compared"], 13);
    assert!(
        f.reason
            .contains("resembles the control's pattern; its filters: `CIS-3.1-")
            && f.reason.ends_with("and 8 more"),
        "{}",
        f.reason
    );
    // A filter that shares a condition with the control is close.
    let mut s = mixed();
    if let Collected::Ok(fs) = &mut home(&mut s).metric_filters {
        fs[0].filter_pattern =
            r#"{ ($.eventSource = config.amazonaws.com) && ($.eventName = StopConfigurationRecorder) }"#
                .into();
    }
    let f = walk(&s, "3.9");
    assert_eq!(f.evidence["verdict"]["verdict"], "different");
    assert!(f.evidence.get("log_group_filters").is_none());
    assert!(f.reason.contains("the closest"), "{}", f.reason);
}

/// The bound is `check`'s: a filter is close to a control exactly when
/// `classify` lists the control among its candidates.
#[test]
fn closeness_is_the_bound_check_uses() {
    let b = benchmark("cis-1.2").unwrap();
    let s = mixed();
    for f in s
        .regions
        .iter()
        .filter_map(|r| r.metric_filters.ok())
        .flatten()
    {
        let listed = crate::cis::classify(&f.filter_pattern, b, MatchMode::Normalized)
            .candidates
            .into_iter()
            .map(|c| c.control)
            .collect::<Vec<_>>();
        for row in b.rows {
            let close = closeness(&f.filter_pattern, b, row.control).unwrap() >= CLOSE_SCORE;
            assert_eq!(
                close,
                listed.iter().any(|c| c == row.control),
                "{} vs {}",
                f.filter_pattern,
                row.control
            );
        }
    }
    assert_eq!(closeness("{", b, "3.1"), Some(0.0));
    assert_eq!(closeness("{ $.a = 1 }", b, "9.9"), None);
}

/// An alarm that does not say whether its actions are enabled cannot
/// complete a chain; a later broken link still fails it.
#[test]
fn alarm_actions_unknown() {
    let mut s = compliant();
    if let Collected::Ok(al) = &mut home(&mut s).alarms {
        for a in al {
            a.actions_enabled = None;
        }
    }
    let f = walk(&s, "3.1");
    assert_eq!(
        (f.status, f.reason_code),
        (
            Status::NotAvailable,
            super::super::finding::DATA_NOT_AVAILABLE
        )
    );
    assert_eq!(f.evidence["broken_link"], "alarm_actions");
    assert!(f.evidence["chain"]["subscription"].is_object());
    if let Collected::Ok(ts) = &mut home(&mut s).topics {
        ts.clear();
    }
    assert_eq!(walk(&s, "3.1").reason_code, codes::TOPIC);
}

#[test]
fn no_region_read_is_not_a_pass() {
    let mut s = compliant();
    s.regions.clear();
    for id in ALL {
        assert_eq!(walk(&s, id).status, Status::NotAvailable, "{id}");
    }
}

#[test]
fn trail_links() {
    let mut s = compliant();
    for r in &mut s.regions {
        if let Collected::Ok(ts) = &mut r.trails {
            for t in ts {
                t.is_multi_region_trail = false;
            }
        }
    }
    assert_eq!(walk(&s, "3.1").reason_code, codes::TRAIL);
    let mut s = compliant();
    for r in &mut s.regions {
        r.trails = Collected::Ok(vec![]);
    }
    assert_eq!(walk(&s, "3.1").reason_code, codes::TRAIL);
    s.regions[1].trails = Collected::Error(denied("cloudtrail", "DescribeTrails"));
    assert_eq!(walk(&s, "3.1").status, Status::NotAvailable);
    // Organization trail owned by the management account.
    let mut s = compliant();
    for r in &mut s.regions {
        if let Collected::Ok(ts) = &mut r.trails {
            for t in ts {
                t.trail_arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org".into();
                t.is_organization_trail = true;
            }
        }
    }
    let f = walk(&s, "3.4");
    assert_eq!(
        (f.status, f.reason_code),
        (Status::Warning, codes::TRAIL_OTHER_ACCOUNT)
    );
    // A log group in a region the snapshot does not cover.
    let mut s = compliant();
    s.regions.retain(|r| r.region != "us-east-1");
    let f = walk(&s, "3.4");
    assert_eq!(
        (f.status, f.reason_code),
        (Status::Warning, codes::TRAIL_OTHER_REGION)
    );
}

#[test]
fn filter_and_alarm_links() {
    let mut s = compliant();
    home(&mut s).metric_filters = Collected::Error(denied("logs", "DescribeMetricFilters"));
    let f = walk(&s, "3.1");
    assert_eq!(f.status, Status::NotAvailable);
    assert!(f.evidence["error"]["code"].is_string());
    let mut s = compliant();
    home(&mut s).metric_filters = Collected::Ok(vec![]);
    assert_eq!(walk(&s, "3.1").reason_code, codes::FILTERS);
    let mut s = compliant();
    home(&mut s).alarms = Collected::Error(denied("cloudwatch", "DescribeAlarms"));
    assert_eq!(walk(&s, "3.1").status, Status::NotAvailable);
    // A filter in the wrong log group does not count.
    let mut s = compliant();
    if let Collected::Ok(fs) = &mut home(&mut s).metric_filters {
        for f in fs {
            f.log_group_name = "/aws/lambda/billing-export".into();
        }
    }
    assert_eq!(walk(&s, "3.1").reason_code, codes::FILTERS);
    // An alarm on the right name in another namespace does not count.
    let mut s = compliant();
    if let Collected::Ok(al) = &mut home(&mut s).alarms {
        for a in al {
            a.namespace = Some("Other".into());
        }
    }
    assert_eq!(walk(&s, "3.1").reason_code, codes::ALARMS);
}

#[test]
fn topic_links() {
    let mut s = compliant();
    home(&mut s).topics = Collected::Error(denied("sns", "ListTopics"));
    assert_eq!(walk(&s, "3.1").status, Status::NotAvailable);
    let mut s = compliant();
    if let Collected::Ok(ts) = &mut home(&mut s).topics {
        ts[0].subscriptions = Collected::Error(denied("sns", "ListSubscriptionsByTopic"));
    }
    assert_eq!(walk(&s, "3.1").status, Status::NotAvailable);
    let mut s = compliant();
    if let Collected::Ok(al) = &mut home(&mut s).alarms {
        for a in al {
            a.alarm_actions = vec!["arn:aws:sns:eu-west-1:111122223333:central".into()];
        }
    }
    assert_eq!(walk(&s, "3.1").reason_code, codes::CROSS_ACCOUNT_REGION);
    // One good chain among broken ones is enough.
    let mut s = compliant();
    if let Collected::Ok(al) = &mut home(&mut s).alarms {
        let mut broken = al[0].clone();
        broken.actions_enabled = Some(false);
        al.insert(0, broken);
    }
    assert_eq!(walk(&s, "3.1").status, Status::Passed);
}

#[test]
fn every_canonical_form_has_an_anchor_and_passes() {
    // The pre-filter is sound only if every form has an anchor it contains.
    for b in crate::cis::BENCHMARKS {
        for row in b.rows {
            for text in row.canonical {
                let n = normalize(text).unwrap();
                let a =
                    anchor(&n).unwrap_or_else(|| panic!("{} {}: no anchor", b.name, row.control));
                assert!(text.contains(a.as_str()), "{text} lacks {a}");
            }
        }
    }
    // Every accepted form of every cis-1.2 row completes the chain.
    let b = benchmark("cis-1.2").unwrap();
    for id in ALL {
        let row = b.row(id).unwrap();
        for form in row.canonical {
            let mut s = compliant();
            if let Collected::Ok(fs) = &mut home(&mut s).metric_filters {
                let n = if id == "1.1" { "3.3" } else { id };
                let f = fs
                    .iter_mut()
                    .find(|f| f.filter_name.starts_with(&format!("CIS-{n}-")))
                    .unwrap();
                f.filter_pattern = (*form).to_owned();
            }
            assert_eq!(walk(&s, id).status, Status::Passed, "{id}: {form}");
        }
    }
}

#[test]
fn benchmark_rows_by_security_hub_id() {
    let s = compliant();
    let f = walk_with(&s, "3.3", "cis-1.4", MatchMode::Normalized);
    assert_eq!(f.evidence["benchmark_control"], "4.3");
    assert_eq!(f.status, Status::Passed, "{f:#?}");
    static EMPTY: Benchmark = Benchmark {
        name: "empty",
        title: "no rows",
        rows: &[],
    };
    let f = Index::build(&s, &EMPTY, MatchMode::Normalized).walk(control("3.1").unwrap());
    assert_eq!(
        (f.status, f.reason_code),
        (Status::NotAvailable, codes::NO_PATTERN)
    );
}

/// A near-miss filter's finding says whether it leaves a blind spot,
/// with an event the matcher confirms; a filter that differs in form
/// only says so.
#[test]
fn near_miss_carries_the_relation_and_a_witness() {
    use crate::matcher::Matcher;
    let s = mixed();
    let f = walk(&s, "3.2");
    let sem = &f.evidence["semantics"];
    assert_eq!(sem["relation"], "disjoint", "{f:#?}");
    assert!(f.reason.contains("shares no event"), "{}", f.reason);
    let canonical = f.evidence["verdict"]["canonical"].as_str().unwrap();
    let filter = f.evidence["chain"]["metric_filter"]["pattern"]
        .as_str()
        .unwrap();
    let missed = sem["only_canonical"]["event"].as_str().unwrap();
    assert!(f.reason.contains(missed), "{}", f.reason);
    assert!(Matcher::new(canonical).unwrap().matches(missed));
    assert!(!Matcher::new(filter).unwrap().matches(missed));
    // Narrower: a blind spot, and the event it misses.
    let mut s = mixed();
    if let Collected::Ok(fs) = &mut home(&mut s).metric_filters {
        let f = fs
            .iter_mut()
            .find(|f| f.filter_name.starts_with("CIS-3.2-"))
            .unwrap();
        f.filter_pattern = r#"{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" && $.userIdentity.type = "IAMUser" }"#.into();
    }
    let f = walk(&s, "3.2");
    assert_eq!(f.evidence["semantics"]["relation"], "narrower", "{f:#?}");
    assert!(f.reason.contains("a blind spot"), "{}", f.reason);
    assert!(f.evidence["semantics"]["only_canonical"]["event"].is_string());
    assert_eq!(f.evidence["semantics"]["only_pattern"], Value::Null);
    // Equivalent but not exact fails strict matching: form only.
    let f = walk_with(&mixed(), "3.3", "cis-1.2", MatchMode::Strict);
    assert_eq!(f.evidence["semantics"]["relation"], "equivalent");
    assert!(f.reason.contains("differs in form only"), "{}", f.reason);
    // Passing chains and chains without a near miss carry no relation.
    assert!(
        walk(&compliant(), "3.2")
            .evidence
            .get("semantics")
            .is_none()
    );
    assert!(walk(&mixed(), "3.9").evidence.get("semantics").is_none());
}
