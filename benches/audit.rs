//! `verify` on generated snapshots. One unit (1×) is 17 regions, 200 log
//! groups, 2,000 metric filters, 2,000 alarms, 500 SNS topics, 1,000 IAM
//! users and 2,000 security groups, built from `examples/snapshots/compliant.json`;
//! 10× and 100× repeat the unit with distinct names. Each unit has its own
//! multi-region trail whose log group carries the 14 CIS filters plus 186
//! others; controls 3.5 (alarm missing) and 3.9 (filter missing) fail in
//! every unit, so their chains are walked through every trail.
//!
//! `cargo bench --bench audit` prints criterion's timings for the audit of an
//! in-memory snapshot, and once per scale the JSON size, parse time and audit
//! time measured with `Instant` (the 100× snapshot is too big to sample
//! repeatedly on a small machine).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::time::{Duration, Instant};

use cis_filters::audit::{Options, Procedure, run};
use cis_filters::cis::{MatchMode, benchmark};
use cis_filters::snapshot::*;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const REGIONS: usize = 17;
const LOG_GROUPS: usize = 200;
const FILTERS: usize = 2_000;
const ALARMS: usize = 2_000;
const TOPICS: usize = 500;
const USERS: usize = 1_000;
const GROUPS: usize = 2_000;

fn ok<T>(v: &Collected<T>) -> &T {
    v.ok().unwrap()
}

fn pattern(n: usize) -> String {
    match n % 4 {
        0 => format!("{{ $.eventName = \"Operation{n}\" && $.errorCode = \"*Denied*\" }}"),
        1 => format!("ERROR -DEBUG \"service-{n}\""),
        2 => format!("[ip, user, status = 5*, size > {n}]"),
        _ => format!(
            "{{ ($.userIdentity.arn = \"arn:aws:iam::*:role/app-{n}\") || ($.sourceIPAddress != 10.*) }}"
        ),
    }
}

/// One unit of the benchmark account, `u` making every name distinct.
fn unit(template: &Snapshot, u: usize, s: &mut Snapshot) {
    let acct = template.account_id.clone();
    let home_t = &template.regions[0];
    let other_t = &template.regions[1];
    let names: Vec<String> = (0..REGIONS).map(|i| format!("bench-{u}-{i}")).collect();
    let home = names[0].clone();
    let lg_name = format!("cloudtrail-unit-{u}");
    let mut trail = ok(&home_t.trails)[0].clone();
    trail.name = format!("unit-{u}");
    trail.trail_arn = format!("arn:aws:cloudtrail:{home}:{acct}:trail/unit-{u}");
    trail.home_region = home.clone();
    trail.cloud_watch_logs_log_group_arn =
        Some(format!("arn:aws:logs:{home}:{acct}:log-group:{lg_name}:*"));
    let topic_arn = |i: usize| format!("arn:aws:sns:{}:{acct}:topic-{u}-{i}", names[i % REGIONS]);
    for (i, name) in names.iter().enumerate() {
        let mut r = if i == 0 {
            home_t.clone()
        } else {
            other_t.clone()
        };
        r.region = name.clone();
        r.trails = Collected::Ok(vec![trail.clone()]);
        // Log groups.
        let mut groups = Vec::new();
        for g in (0..LOG_GROUPS).filter(|g| g % REGIONS == i) {
            let n = if g == 0 {
                lg_name.clone()
            } else {
                format!("/app/unit-{u}/group-{g}")
            };
            groups.push(LogGroup {
                arn: format!("arn:aws:logs:{name}:{acct}:log-group:{n}"),
                log_group_name: n,
                retention_in_days: Some(90),
                kms_key_id: None,
            });
        }
        // Filters: the CIS ones (minus 3.9) on the trail's group, then others;
        // a tenth of all filters sit on the trail's group.
        let mut filters = Vec::new();
        let mut alarms = Vec::new();
        if i == 0 {
            for f in ok(&home_t.metric_filters)
                .iter()
                .filter(|f| f.filter_name.starts_with("CIS-"))
            {
                if f.filter_name.starts_with("CIS-3.9-") {
                    continue;
                }
                let mut f = f.clone();
                f.log_group_name = lg_name.clone();
                filters.push(f);
            }
            for a in ok(&home_t.alarms) {
                if a.alarm_name.starts_with("CIS-3.5-") {
                    continue;
                }
                let mut a = a.clone();
                a.alarm_arn = format!(
                    "arn:aws:cloudwatch:{name}:{acct}:alarm:{}-{u}",
                    a.alarm_name
                );
                a.alarm_actions = vec![topic_arn(0)];
                alarms.push(a);
            }
        }
        // Filter n lives in region n % 17, except every tenth, which sits on
        // the trail's log group in the unit's first region: 13 CIS filters
        // and 1,987 others make 2,000 per unit.
        for n in (0..FILTERS - 13).filter(|n| {
            if n % 10 == 0 {
                i == 0
            } else {
                n % REGIONS == i
            }
        }) {
            let group = if n % 10 == 0 {
                lg_name.clone()
            } else {
                let g = (n % (LOG_GROUPS - 1)) + 1;
                format!("/app/unit-{u}/group-{}", g - g % REGIONS + i)
            };
            filters.push(MetricFilter {
                filter_name: format!("filter-{u}-{n}"),
                log_group_name: group,
                filter_pattern: pattern(u * FILTERS + n),
                metric_transformations: vec![MetricTransformation {
                    metric_name: format!("Metric{n}"),
                    metric_namespace: format!("App/Unit{u}"),
                    metric_value: "1".into(),
                    default_value: None,
                    unit: None,
                }],
                field_selection_criteria: None,
                emit_system_field_dimensions: Vec::new(),
                apply_on_transformed_logs: false,
            });
        }
        for n in (0..ALARMS - 13).filter(|n| n % REGIONS == i) {
            alarms.push(MetricAlarm {
                alarm_name: format!("alarm-{u}-{n}"),
                alarm_arn: format!("arn:aws:cloudwatch:{name}:{acct}:alarm:alarm-{u}-{n}"),
                metric_name: Some(format!("Metric{n}")),
                namespace: Some(format!("App/Unit{u}")),
                statistic: Some("Sum".into()),
                actions_enabled: Some(true),
                alarm_actions: vec![topic_arn(n % TOPICS)],
                ok_actions: vec![],
                insufficient_data_actions: vec![],
                threshold: Some(1.0),
                comparison_operator: Some("GreaterThanOrEqualToThreshold".into()),
                period: Some(300),
                evaluation_periods: Some(1),
                state_value: Some("OK".into()),
            });
        }
        let sub_t = ok(&ok(&home_t.topics)[0].subscriptions)[0].clone();
        let topics = (0..TOPICS)
            .filter(|t| t % REGIONS == i)
            .map(|t| {
                let mut sub = sub_t.clone();
                sub.subscription_arn = format!("{}:sub-{t}", topic_arn(t));
                Topic {
                    topic_arn: topic_arn(t),
                    owner: Some(acct.clone()),
                    subscriptions: Collected::Ok(vec![sub]),
                }
            })
            .collect();
        let vpc = format!("vpc-{u:06x}{i:04x}");
        let mut vpcs = ok(&other_t.vpcs)[..1].to_vec();
        vpcs[0].vpc_id = vpc.clone();
        let mut logs = ok(&other_t.flow_logs)[..1].to_vec();
        logs[0].resource_id = vpc.clone();
        let sg_t = ok(&home_t.security_groups)
            .iter()
            .find(|g| g.group_name == "web-alb")
            .unwrap();
        let mut sgs: Vec<SecurityGroup> = (0..GROUPS)
            .filter(|g| g % REGIONS == i)
            .map(|g| {
                let mut x = sg_t.clone();
                x.group_id = format!("sg-{u:05x}{g:06x}");
                x.group_name = format!("app-{g}");
                x.vpc_id = Some(vpc.clone());
                x
            })
            .collect();
        if let Some(first) = sgs.first_mut() {
            first.group_name = "default".into();
            first.ip_permissions.clear();
            first.ip_permissions_egress.clear();
        }
        r.log_groups = Collected::Ok(groups);
        r.metric_filters = Collected::Ok(filters);
        r.alarms = Collected::Ok(alarms);
        r.topics = Collected::Ok(topics);
        r.vpcs = Collected::Ok(vpcs);
        r.flow_logs = Collected::Ok(logs);
        r.security_groups = Collected::Ok(sgs);
        s.regions.push(r);
    }
    // IAM users.
    let Collected::Ok(report) = &mut s.iam.credential_report else {
        unreachable!()
    };
    let row_t = ok(&template.iam.credential_report).rows[1].clone();
    let Collected::Ok(users) = &mut s.iam.users else {
        unreachable!()
    };
    let user_t = ok(&template.iam.users)[0].clone();
    for n in 0..USERS {
        let name = format!("user-{u}-{n}");
        let mut row = row_t.clone();
        row.insert("user".into(), name.clone());
        row.insert("arn".into(), format!("arn:aws:iam::{acct}:user/{name}"));
        report.rows.push(row);
        let mut user = user_t.clone();
        user.arn = format!("arn:aws:iam::{acct}:user/{name}");
        user.user_name = name;
        users.push(user);
    }
}

fn generate(scale: usize) -> Snapshot {
    let template =
        Snapshot::from_json(include_str!("../examples/snapshots/compliant.json")).unwrap();
    let mut s = template.clone();
    s.regions.clear();
    let Collected::Ok(report) = &mut s.iam.credential_report else {
        unreachable!()
    };
    report.rows.truncate(1);
    s.iam.users = Collected::Ok(vec![]);
    for u in 0..scale {
        unit(&template, u, &mut s);
    }
    s
}

fn opts() -> Options<'static> {
    Options {
        benchmark: benchmark("cis-1.2").unwrap(),
        mode: MatchMode::Normalized,
        controls: None,
        procedure: Procedure::SecurityHub,
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("verify");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for scale in [1, 10, 100] {
        let s = generate(scale);
        let filters: usize = s.regions.iter().map(|r| ok(&r.metric_filters).len()).sum();
        let alarms: usize = s.regions.iter().map(|r| ok(&r.alarms).len()).sum();
        let text = s.to_json();
        let t = Instant::now();
        let parsed = Snapshot::from_json(&text).unwrap();
        let parse = t.elapsed();
        let t = Instant::now();
        let audit = run(&parsed, &opts());
        let audit_time = t.elapsed();
        assert_eq!(
            audit
                .controls
                .iter()
                .filter(|c| c.status.as_str() == "FAILED")
                .count(),
            2
        );
        eprintln!(
            "{scale}x: {} regions, {filters} filters, {alarms} alarms, {} MB JSON; parse {:.3} s, audit {:.3} s",
            s.regions.len(),
            text.len() / 1_000_000,
            parse.as_secs_f64(),
            audit_time.as_secs_f64()
        );
        if scale == 100 {
            // Where the time goes: each control alone.
            let mut per: Vec<(f64, &str)> = cis_filters::cis::CONTROLS
                .iter()
                .map(|c| {
                    let one = [c];
                    let o = Options {
                        controls: Some(&one),
                        ..opts()
                    };
                    let t = Instant::now();
                    run(&parsed, &o);
                    (t.elapsed().as_secs_f64(), c.id)
                })
                .collect();
            per.sort_by(|a, b| b.0.total_cmp(&a.0));
            let top: Vec<String> = per
                .iter()
                .take(8)
                .map(|(t, id)| format!("{id} {t:.3}s"))
                .collect();
            eprintln!("100x slowest controls: {}", top.join(", "));
        }
        drop(text);
        drop(parsed);
        g.bench_with_input(
            BenchmarkId::new("audit", format!("{scale}x")),
            &s,
            |b, s| {
                b.iter(|| run(s, &opts()));
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
