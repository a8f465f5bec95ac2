//! `cis-filters fix`: the plan fixes what it says and nothing else moves
//! (example snapshots and generated broken ones, on the snapshot model); the
//! Terraform parses, is formatted as `terraform fmt` leaves it and declares
//! only the resource types and arguments it means to; the CloudFormation
//! passes cfn-lint; the AWS CLI script, run against moto, makes every fixable
//! control of the emulated non-compliant account pass.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use cis_filters::audit::{self, Audit, Options, Procedure, Status};
use cis_filters::cis::{MatchMode, benchmark};
use cis_filters::fix::{self, Kind, Plan};
use cis_filters::snapshot::{Collected, IpPermission, IpRange, Snapshot};
use proptest::prelude::*;

use super::common;

fn example(name: &str) -> Snapshot {
    let path = common::root()
        .join("examples")
        .join("snapshots")
        .join(format!("{name}.json"));
    Snapshot::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

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

/// The property: for every FAILED control the plan fixes, its items alone
/// make it PASSED (NOT_AVAILABLE or WARNING only where some of its data
/// could not be read before either), and every other control that moves is
/// one those items name, and moves towards PASSED. The whole plan then
/// leaves no fixable control FAILED. Returns the controls fixed.
fn holds(s: &Snapshot) -> Vec<&'static str> {
    let before = audit(s);
    let p = fix::plan(&before, s);
    let mut fixed = Vec::new();
    for c in &before.controls {
        let id = c.control.id;
        if c.status != Status::Failed || !p.fixes(id) {
            continue;
        }
        let items = p.items_for(id);
        let declared: BTreeSet<&str> = items.iter().flat_map(|i| i.controls.clone()).collect();
        let after = audit(&fix::apply_items(items.iter().copied(), s));
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
    let after = audit(&fix::apply(&p, s));
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
fn compliant_needs_only_the_manual_steps() {
    let s = example("compliant");
    let p = fix::plan(&audit(&s), &s);
    assert!(p.items.iter().all(|i| i.kind == Kind::Guidance), "{p:#?}");
    assert!(holds(&s).is_empty());
}

#[test]
fn mixed_each_fix_closes_its_control() {
    let fixed = holds(&example("mixed"));
    for id in [
        "1.10", "2.5", "2.9", "3.2", "3.4", "3.5", "3.6", "3.8", "3.9", "4.3",
    ] {
        assert!(fixed.contains(&id), "{id} not fixed: {fixed:?}");
    }
}

#[test]
fn noncompliant_each_fix_closes_its_control() {
    let fixed = holds(&example("noncompliant"));
    for id in [
        "1.1", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.20", "2.1", "2.2", "2.3",
        "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7",
        "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "4.1", "4.2", "4.3",
    ] {
        assert!(fixed.contains(&id), "{id} not fixed: {fixed:?}");
    }
}

// --- generated broken snapshots ---------------------------------------------

/// One way to break the compliant example.
#[derive(Clone, Copy, Debug)]
enum Break {
    SingleRegionTrail,
    TrailStopped,
    NoCloudWatchLogs,
    NoValidation,
    NoKms,
    FilterTermChanged(usize),
    FilterDeleted(usize),
    AlarmActionsOff(usize),
    AlarmDeleted(usize),
    SubscriptionsPending,
    WeakPasswordPolicy(usize),
    NoPasswordPolicy,
    RotationOff,
    FlowLogsDeleted,
    OpenSsh,
    OpenRdpV6,
    DefaultGroupOpen,
    ConfigStopped,
    ConfigGlobalsOff,
    BucketLoggingOff,
    BucketPublic,
    NoSupportRole,
}

fn breaks() -> impl Strategy<Value = Break> {
    prop_oneof![
        Just(Break::SingleRegionTrail),
        Just(Break::TrailStopped),
        Just(Break::NoCloudWatchLogs),
        Just(Break::NoValidation),
        Just(Break::NoKms),
        (0usize..14).prop_map(Break::FilterTermChanged),
        (0usize..14).prop_map(Break::FilterDeleted),
        (0usize..14).prop_map(Break::AlarmActionsOff),
        (0usize..14).prop_map(Break::AlarmDeleted),
        Just(Break::SubscriptionsPending),
        (0usize..7).prop_map(Break::WeakPasswordPolicy),
        Just(Break::NoPasswordPolicy),
        Just(Break::RotationOff),
        Just(Break::FlowLogsDeleted),
        Just(Break::OpenSsh),
        Just(Break::OpenRdpV6),
        Just(Break::DefaultGroupOpen),
        Just(Break::ConfigStopped),
        Just(Break::ConfigGlobalsOff),
        Just(Break::BucketLoggingOff),
        Just(Break::BucketPublic),
        Just(Break::NoSupportRole),
    ]
}

fn each_ok<T>(c: &mut Collected<Vec<T>>, f: impl FnMut(&mut T)) {
    if let Collected::Ok(v) = c {
        v.iter_mut().for_each(f);
    }
}

fn world(proto: &str, from: i32, to: i32, v6: bool) -> IpPermission {
    IpPermission {
        ip_protocol: proto.into(),
        from_port: Some(from),
        to_port: Some(to),
        ip_ranges: if v6 {
            vec![]
        } else {
            vec![IpRange {
                cidr_ip: "0.0.0.0/0".into(),
                description: None,
            }]
        },
        ipv6_ranges: if v6 {
            vec![cis_filters::snapshot::Ipv6Range {
                cidr_ipv6: "::/0".into(),
                description: None,
            }]
        } else {
            vec![]
        },
        user_id_group_pairs: vec![],
        prefix_list_ids: vec![],
    }
}

fn break_it(s: &mut Snapshot, b: Break) {
    let taken_at = s.taken_at.clone();
    for r in &mut s.regions {
        match b {
            Break::SingleRegionTrail => each_ok(&mut r.trails, |t| t.is_multi_region_trail = false),
            Break::TrailStopped => each_ok(&mut r.trails, |t| {
                if let Collected::Ok(st) = &mut t.status {
                    st.is_logging = false;
                }
            }),
            Break::NoCloudWatchLogs => each_ok(&mut r.trails, |t| {
                t.cloud_watch_logs_log_group_arn = None;
                t.cloud_watch_logs_role_arn = None;
            }),
            Break::NoValidation => {
                each_ok(&mut r.trails, |t| t.log_file_validation_enabled = false)
            }
            Break::NoKms => each_ok(&mut r.trails, |t| t.kms_key_id = None),
            Break::FilterTermChanged(n) => {
                let mut k = 0;
                each_ok(&mut r.metric_filters, |f| {
                    if k == n {
                        // `=` becomes `!=` in the first comparison: a near miss.
                        f.filter_pattern = f.filter_pattern.replacen('=', "!=", 1);
                    }
                    k += 1;
                })
            }
            Break::FilterDeleted(n) => {
                if let Collected::Ok(v) = &mut r.metric_filters
                    && n < v.len()
                {
                    v.remove(n);
                }
            }
            Break::AlarmActionsOff(n) => {
                let mut k = 0;
                each_ok(&mut r.alarms, |a| {
                    if k == n {
                        a.actions_enabled = Some(false);
                    }
                    k += 1;
                })
            }
            Break::AlarmDeleted(n) => {
                if let Collected::Ok(v) = &mut r.alarms
                    && n < v.len()
                {
                    v.remove(n);
                }
            }
            Break::SubscriptionsPending => each_ok(&mut r.topics, |t| {
                each_ok(&mut t.subscriptions, |x| {
                    x.subscription_arn = "PendingConfirmation".into()
                })
            }),
            Break::RotationOff => each_ok(&mut r.kms_keys, |k| {
                if k.rotation_enabled.is_some() {
                    k.rotation_enabled = Some(Collected::Ok(false));
                }
            }),
            Break::FlowLogsDeleted => r.flow_logs = Collected::Ok(vec![]),
            Break::OpenSsh => each_ok(&mut r.security_groups, |g| {
                if g.group_name != "default" {
                    g.ip_permissions.push(world("tcp", 20, 25, false));
                }
            }),
            Break::OpenRdpV6 => each_ok(&mut r.security_groups, |g| {
                if g.group_name != "default" {
                    g.ip_permissions.push(world("tcp", 3389, 3389, true));
                }
            }),
            Break::DefaultGroupOpen => each_ok(&mut r.security_groups, |g| {
                if g.group_name == "default" {
                    g.ip_permissions.push(world("-1", -1, -1, false));
                    g.ip_permissions_egress.push(world("-1", -1, -1, false));
                }
            }),
            Break::ConfigStopped => each_ok(&mut r.config_recorder_statuses, |st| {
                st.recording = false;
                st.last_status_change_time = Some(taken_at.clone());
            }),
            Break::ConfigGlobalsOff => each_ok(&mut r.config_recorders, |c| {
                if let Some(g) = &mut c.recording_group {
                    g.include_global_resource_types = false;
                }
            }),
            _ => {}
        }
    }
    match b {
        Break::WeakPasswordPolicy(n) => {
            if let Collected::Ok(Some(p)) = &mut s.iam.password_policy {
                match n {
                    0 => p.require_uppercase_characters = false,
                    1 => p.require_lowercase_characters = false,
                    2 => p.require_symbols = false,
                    3 => p.require_numbers = false,
                    4 => p.minimum_password_length = Some(8),
                    5 => p.password_reuse_prevention = Some(3),
                    _ => p.max_password_age = Some(365),
                }
            }
        }
        Break::NoPasswordPolicy => s.iam.password_policy = Collected::Ok(None),
        Break::BucketLoggingOff => {
            for b in &mut s.s3.buckets {
                b.logging = Collected::Ok(None);
            }
        }
        Break::BucketPublic => {
            for b in &mut s.s3.buckets {
                if let Collected::Ok(acl) = &mut b.acl {
                    acl.grants.push(cis_filters::snapshot::Grant {
                        grantee_type: "Group".into(),
                        grantee_id: None,
                        grantee_uri: Some("http://acs.amazonaws.com/groups/global/AllUsers".into()),
                        permission: "READ".into(),
                    });
                }
                b.public_access_block = Collected::Ok(None);
            }
            s.s3.account_public_access_block = Collected::Ok(None);
        }
        Break::NoSupportRole => {
            if let Collected::Ok(e) = &mut s.iam.support_access {
                e.policy_roles.clear();
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any combination of breakages of the compliant example: every fix
    /// closes its control and moves no other.
    #[test]
    fn generated_broken_snapshots(list in prop::collection::vec(breaks(), 1..6)) {
        let mut s = example("compliant");
        for b in &list {
            break_it(&mut s, *b);
        }
        let before = audit(&s);
        let fixed = holds(&s);
        // Everything that failed and is automatable was fixed.
        for c in &before.controls {
            if c.status == Status::Failed {
                let p = fix::plan(&before, &s);
                prop_assert!(
                    fixed.contains(&c.control.id) || !p.fixes(c.control.id),
                    "{} failed and was not fixed", c.control.id
                );
            }
        }
    }
}

// --- the renderers -------------------------------------------------------------

fn run_fix(args: &[&str]) -> String {
    let out = common::bin().arg("fix").args(args).output().unwrap();
    assert_eq!(common::code(&out), 0, "{}", common::stderr(&out));
    common::stdout(&out)
}

fn snapshot_path(name: &str) -> String {
    common::root()
        .join("examples")
        .join("snapshots")
        .join(format!("{name}.json"))
        .display()
        .to_string()
}

#[test]
fn terraform_golden() {
    let tf = run_fix(&[
        "--snapshot",
        &snapshot_path("mixed"),
        "--format",
        "terraform",
    ]);
    insta::assert_snapshot!("fix_mixed_terraform", tf);
}

#[test]
fn cli_golden() {
    let sh = run_fix(&["--snapshot", &snapshot_path("mixed"), "--format", "cli"]);
    insta::assert_snapshot!("fix_mixed_cli", sh);
}

#[test]
fn cloudformation_golden() {
    let y = run_fix(&[
        "--snapshot",
        &snapshot_path("mixed"),
        "--format",
        "cloudformation",
    ]);
    insta::assert_snapshot!("fix_mixed_cloudformation", y);
}

/// The Terraform parses with hcl-edit and declares only the resource types
/// and arguments of `RESOURCE_TYPES`, every reference pointing at a
/// resource of the same file.
#[test]
fn terraform_parses_and_uses_only_the_listed_resources() {
    use hcl_edit::structure::Body;
    for name in ["mixed", "noncompliant", "compliant"] {
        let tf = run_fix(&["--snapshot", &snapshot_path(name), "--format", "terraform"]);
        let body: Body = hcl_edit::parser::parse_body(&tf)
            .unwrap_or_else(|e| panic!("{name}: the Terraform does not parse: {e}\n{tf}"));
        let mut declared = BTreeSet::new();
        for b in body.blocks() {
            if b.ident.as_str() != "resource" {
                assert!(
                    ["terraform", "provider", "variable", "import"].contains(&b.ident.as_str()),
                    "{name}: unexpected block {}",
                    b.ident.as_str()
                );
                continue;
            }
            let labels: Vec<String> = b.labels.iter().map(|l| l.to_string()).collect();
            let kind = labels[0].trim_matches('"').to_owned();
            let rname = labels[1].trim_matches('"').to_owned();
            let allowed = fix::terraform::RESOURCE_TYPES
                .iter()
                .find(|(k, _)| *k == kind)
                .unwrap_or_else(|| panic!("{name}: resource type {kind} is not listed"))
                .1;
            for a in b.body.attributes() {
                assert!(
                    allowed.contains(&a.key.as_str()),
                    "{name}: {kind}.{} is not listed",
                    a.key.as_str()
                );
            }
            for inner in b.body.blocks() {
                assert!(
                    allowed.contains(&inner.ident.as_str()),
                    "{name}: block {} of {kind} is not listed",
                    inner.ident.as_str()
                );
            }
            declared.insert(format!("{kind}.{rname}"));
        }
        // Every `aws_x.name.` reference names a declared resource.
        for (i, _) in tf.match_indices("aws_") {
            let rest = &tf[i..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            let word = &rest[..end];
            let parts: Vec<&str> = word.split('.').collect();
            if parts.len() >= 3 && !tf[..i].ends_with('"') {
                let r = format!("{}.{}", parts[0], parts[1]);
                assert!(declared.contains(&r), "{name}: {word} refers to nothing");
            }
        }
    }
}

/// `terraform fmt` leaves the output unchanged, where a terraform binary is
/// on PATH (the golden file holds the same text everywhere else).
#[test]
fn terraform_fmt_leaves_it_unchanged() {
    let Ok(out) = Command::new("terraform").arg("version").output() else {
        eprintln!("terraform is not on PATH: formatting is held by the golden file only");
        return;
    };
    assert!(out.status.success());
    for name in ["mixed", "noncompliant"] {
        let tf = run_fix(&["--snapshot", &snapshot_path(name), "--format", "terraform"]);
        let dir = tempfile_dir(name);
        let file = dir.join("main.tf");
        std::fs::write(&file, &tf).unwrap();
        let out = Command::new("terraform")
            .args(["fmt", "-check", "-diff"])
            .arg(&file)
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: terraform fmt would change the output:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

fn tempfile_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cis-filters-fix-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A tool that `scripts/fix-tools.sh` installs, named by an environment
/// variable; under CI it must be there.
fn tool(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{var} is not set: run `eval \"$(bash scripts/fix-tools.sh)\"` (scripts/test.sh does)"
            );
            eprintln!(
                "{var} is not set (scripts/fix-tools.sh installs it): test skipped outside CI"
            );
            None
        }
    }
}

#[test]
fn cloudformation_passes_cfn_lint() {
    let Some(lint) = tool("CIS_FILTERS_CFN_LINT") else {
        return;
    };
    for name in ["mixed", "noncompliant", "compliant"] {
        let y = run_fix(&[
            "--snapshot",
            &snapshot_path(name),
            "--format",
            "cloudformation",
        ]);
        let file = tempfile_dir(name).join("template.yaml");
        std::fs::write(&file, &y).unwrap();
        let out = Command::new(&lint).arg(&file).output().unwrap();
        // cfn-lint: bit 2 errors, bit 4 warnings, bit 8 informational.
        let code = out.status.code().unwrap_or(-1);
        assert!(
            code >= 0 && code & 2 == 0 && code & 1 == 0,
            "{name}: cfn-lint found errors ({code}):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_plan_json_names_controls_kinds_and_removals() {
    let text = run_fix(&[
        "--snapshot",
        &snapshot_path("noncompliant"),
        "--format",
        "plan",
    ]);
    let p: serde_json::Value = serde_json::from_str(&text).unwrap();
    let items = p["items"].as_array().unwrap();
    let removes: Vec<&serde_json::Value> = items
        .iter()
        .filter(|i| i["kind"] == "removes_access")
        .collect();
    assert!(
        removes
            .iter()
            .all(|i| !i["removes"].as_array().unwrap().is_empty())
    );
    assert!(
        items
            .iter()
            .any(|i| i["action"]["type"] == "password_policy")
    );
}

#[test]
fn narrowing_to_controls_and_errors() {
    let sh = run_fix(&["--snapshot", &snapshot_path("mixed"), "--controls", "3.2"]);
    assert!(sh.contains("put-metric-filter"));
    assert!(!sh.contains("put-metric-alarm"));
    assert!(!sh.contains("update-account-password-policy"));
    let out = common::bin()
        .args([
            "fix",
            "--snapshot",
            &snapshot_path("mixed"),
            "--format",
            "yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(common::code(&out), 2);
    assert!(common::stderr(&out).contains("unknown format `yaml`"));
}

/// The plan is data the tests can read; used by the end-to-end test.
fn plan_of(s: &Snapshot) -> Plan {
    fix::plan(&audit(s), s)
}

#[test]
fn the_script_is_bash_with_strict_mode_and_a_marked_variable() {
    // No topic with a confirmed subscription: the plan creates one, whose
    // endpoint the user must set.
    let mut s = example("compliant");
    break_it(&mut s, Break::SubscriptionsPending);
    assert!(plan_of(&s).needs_alarm_endpoint());
    let file = tempfile_dir("pending").join("snapshot.json");
    std::fs::write(&file, serde_json::to_string(&s).unwrap()).unwrap();
    let sh = run_fix(&["--snapshot", &file.display().to_string()]);
    assert!(sh.starts_with("#!/usr/bin/env bash\n"));
    assert!(sh.contains("\nset -euo pipefail\n"));
    assert!(sh.contains(": \"${ALARM_EMAIL:?set ALARM_EMAIL"), "{sh}");
    assert!(sh.contains("--notification-endpoint \"$ALARM_EMAIL\""));
    let tf = run_fix(&[
        "--snapshot",
        &file.display().to_string(),
        "--format",
        "terraform",
    ]);
    assert!(tf.contains("variable \"alarm_email\""));
    assert!(tf.contains("endpoint  = var.alarm_email"), "{tf}");
    let cfn = run_fix(&["--snapshot", &file.display().to_string(), "--format", "cfn"]);
    assert!(cfn.contains("Ref: \"AlarmEmail\""), "{cfn}");
    // The example needs no new topic: no variable to set.
    let plain = run_fix(&["--snapshot", &snapshot_path("noncompliant")]);
    assert!(!plan_of(&example("noncompliant")).needs_alarm_endpoint());
    assert!(!plain.contains("ALARM_EMAIL:?"));
    if let Ok(out) = Command::new("bash").arg("-n").arg("-c").arg(&sh).output() {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// --- end to end: the script against moto ----------------------------------------

#[cfg(feature = "aws")]
mod e2e {
    use super::*;
    use crate::e2e::{Account, aws_cmd, seed};

    fn live(acct: &Account, args: &[&str]) -> String {
        let mut c = aws_cmd(acct);
        c.args(args).args(["--regions", "us-east-1", "--quiet"]);
        let out = c.output().unwrap();
        let code = common::code(&out);
        assert!(
            code == 0 || code == 1,
            "{args:?} failed ({code}):\n{}",
            common::stderr(&out)
        );
        common::stdout(&out)
    }

    fn statuses(report: &str) -> std::collections::BTreeMap<String, String> {
        let v: serde_json::Value = serde_json::from_str(report).unwrap();
        v["controls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_owned(),
                    c["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    /// Controls moto cannot bring to PASSED whatever the script does (see
    /// docs/remediation.md): none at present.
    const MOTO_GAPS: &[&str] = &[];

    #[test]
    fn the_cli_script_fixes_the_noncompliant_account() {
        let Some(aws) = tool("CIS_FILTERS_AWS_CLI") else {
            return;
        };
        let Some(acct) = seed("noncompliant", "us-east-1", &[], 0) else {
            return;
        };
        let before = statuses(&live(&acct, &["verify", "--format", "json"]));
        let plan: serde_json::Value =
            serde_json::from_str(&live(&acct, &["fix", "--format", "plan"])).unwrap();
        let script = live(&acct, &["fix", "--format", "cli"]);
        let dir = tempfile_dir("e2e");
        let file = dir.join("fix.sh");
        std::fs::write(&file, &script).unwrap();
        let bin_dir = std::path::Path::new(&aws).parent().unwrap().to_path_buf();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let run = |n: u32| {
            let mut c = Command::new("bash");
            c.arg(&file);
            acct.set_env(&mut c);
            let out = c
                .env("PATH", &path)
                .env("AWS_DEFAULT_REGION", "us-east-1")
                .env("AWS_CONFIG_FILE", dir.join("no-config"))
                .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("no-credentials"))
                .env("ALARM_EMAIL", "secops@example.com")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "run {n} of the script failed:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(1);
        // Idempotent: a second run succeeds too.
        run(2);
        let after = statuses(&live(&acct, &["verify", "--format", "json"]));
        let fixable: BTreeSet<String> = before
            .iter()
            .filter(|(_, st)| *st == "FAILED")
            .map(|(id, _)| id.clone())
            .filter(|id| {
                let items: Vec<&serde_json::Value> = plan["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|i| {
                        i["controls"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|c| c == id.as_str())
                    })
                    .collect();
                !items.is_empty() && items.iter().all(|i| i["kind"] != "guidance")
            })
            .collect();
        assert!(fixable.len() > 20, "{fixable:?}");
        for id in &fixable {
            if MOTO_GAPS.contains(&id.as_str()) {
                continue;
            }
            assert_eq!(after[id], "PASSED", "{id} after the script: {after:?}");
        }
    }
}
