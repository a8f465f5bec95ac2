//! End to end: the real `cis-filters` binary, the real AWS SDK and real HTTP
//! against moto's server on 127.0.0.1.
//!
//! The server: `scripts/test.sh` starts one and exports `AWS_ENDPOINT_URL`;
//! without it (plain `cargo test`) the first test starts its own through
//! `tests/e2e/moto_server.py` on a free port, which stops when this test
//! process ends (it waits for end of file on a pipe this process holds).
//! Without python3 and moto the tests fail with a message saying how to get
//! them; `CIS_FILTERS_SKIP_E2E=1` skips them deliberately.
//!
//! Each test seeds its own account (`tests/e2e/seed.py`, boto3: the header
//! `x-moto-account-id`, then an access key created in that account), so the
//! tests run in parallel against one server.
//!
//! What moto fakes or lacks, and is therefore covered by the replayed-HTTP
//! unit tests in `src/aws/tests.rs` instead: the credential report has no
//! `<root_account>` row and cannot be back-dated (1.3, 1.4 ages);
//! GetAccountSummary always says AccountMFAEnabled = 0 (so 1.13 and 1.14
//! cannot pass here); email subscriptions are confirmed at once (no
//! PendingConfirmation); GetTrailStatus never returns
//! LatestCloudWatchLogsDeliveryTime; page sizes are ignored (no multi-page
//! answers); policy documents are not URL-encoded; the report is COMPLETE at
//! once (no polling); S3 Control's account-level public access block needs the
//! account id in the host name, which does not resolve for 127.0.0.1.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::common;

struct Moto {
    endpoint: String,
    // Held, never dropped: the pipe to the server closes when the process ends.
    _child: Option<Mutex<Child>>,
}

pub fn python() -> String {
    std::env::var("MOTO_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

pub fn e2e_dir() -> PathBuf {
    common::root().join("tests").join("e2e")
}

/// The moto server: the one `AWS_ENDPOINT_URL` names, or one of our own.
pub fn moto() -> Option<&'static str> {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    if std::env::var_os("CIS_FILTERS_SKIP_E2E").is_some_and(|v| v == "1") {
        eprintln!("CIS_FILTERS_SKIP_E2E=1: end-to-end test skipped");
        return None;
    }
    let m = MOTO.get_or_init(|| {
        if let Ok(url) = std::env::var("AWS_ENDPOINT_URL")
            && !url.is_empty()
        {
            return Moto {
                endpoint: url,
                _child: None,
            };
        }
        let mut child = Command::new(python())
            .arg(e2e_dir().join("moto_server.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "end-to-end tests need python3 with moto ({e}); install it with \
                     `pip install 'moto[server]>=5.2,<5.3'`, or run scripts/test.sh, \
                     or set CIS_FILTERS_SKIP_E2E=1 to skip them"
                )
            });
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read moto port");
        let port: u16 = line.trim().parse().unwrap_or_else(|_| {
            panic!(
                "moto did not start (is `python3 -c 'import moto.server'` working?); \
                 set CIS_FILTERS_SKIP_E2E=1 to skip the end-to-end tests"
            )
        });
        Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            _child: Some(Mutex::new(child)),
        }
    });
    Some(m.endpoint.as_str())
}

/// Keys of a seeded account.
pub struct Account {
    pub id: String,
    key: String,
    secret: String,
    endpoint: String,
}

/// A 12-digit account id unique to this test process and call.
fn fresh_account_id() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("{:06}{:06}", std::process::id() % 1_000_000, 100_000 + n)
}

/// Seed `scenario` with `mutations` into a new account.
pub fn seed(
    scenario: &str,
    regions: &str,
    mutations: &[&str],
    extra_filters: u32,
) -> Option<Account> {
    seed_with(scenario, regions, mutations, extra_filters, 0)
}

/// [`seed`] with `extra_log_groups` log groups that no trail delivers to.
pub fn seed_with(
    scenario: &str,
    regions: &str,
    mutations: &[&str],
    extra_filters: u32,
    extra_log_groups: u32,
) -> Option<Account> {
    let endpoint = moto()?.to_owned();
    let id = fresh_account_id();
    let mut cmd = Command::new(python());
    cmd.arg(e2e_dir().join("seed.py"))
        .args([
            "--endpoint",
            &endpoint,
            "--account",
            &id,
            "--scenario",
            scenario,
        ])
        .args(["--regions", regions])
        .args(["--extra-filters", &extra_filters.to_string()])
        .args(["--extra-log-groups", &extra_log_groups.to_string()]);
    for m in mutations {
        cmd.args(["--mutate", m]);
    }
    let out = cmd.output().expect("run seed.py");
    assert!(
        out.status.success(),
        "seeding {scenario} {mutations:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("seed.py prints JSON");
    Some(Account {
        id,
        key: v["access_key_id"].as_str().expect("key").to_owned(),
        secret: v["secret_access_key"].as_str().expect("secret").to_owned(),
        endpoint,
    })
}

/// The binary with this account's keys and nothing else from the
/// environment's AWS settings.
pub fn aws_cmd(acct: &Account) -> Command {
    let mut c = isolated();
    acct.set_env(&mut c);
    c
}

impl Account {
    /// Give a command (cis-filters or another AWS client) this account's
    /// keys and the emulator's endpoint.
    pub fn set_env(&self, c: &mut Command) {
        c.env("AWS_ACCESS_KEY_ID", &self.key)
            .env("AWS_SECRET_ACCESS_KEY", &self.secret)
            .env("AWS_ENDPOINT_URL", &self.endpoint);
    }
}

/// The binary with every AWS setting of the environment removed.
pub fn isolated() -> Command {
    let mut c = common::bin();
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_") {
            c.env_remove(k);
        }
    }
    let nowhere = std::env::temp_dir().join("cis-filters-e2e-no-such-file");
    c.env("AWS_CONFIG_FILE", &nowhere)
        .env("AWS_SHARED_CREDENTIALS_FILE", &nowhere)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", "us-east-1")
        .stdin(Stdio::null());
    c
}

pub fn output(mut c: Command) -> Output {
    c.output().expect("run cis-filters")
}

/// `collect` for `acct` in `regions`; the snapshot as JSON.
pub fn collect(acct: &Account, regions: &str) -> Value {
    let mut c = aws_cmd(acct);
    c.args(["collect", "--regions", regions]);
    let out = output(c);
    assert_eq!(
        common::code(&out),
        0,
        "collect failed:\n{}",
        common::stderr(&out)
    );
    serde_json::from_slice(&out.stdout).expect("collect prints a JSON snapshot")
}

#[test]
fn no_credentials_is_one_clear_line() {
    let mut c = isolated();
    c.args(["collect", "--regions", "us-east-1"]);
    let out = output(c);
    let err = common::stderr(&out);
    assert_eq!(common::code(&out), 2, "{err}");
    assert!(err.contains("no AWS credentials found"), "{err}");
    assert!(
        err.contains("AWS_ACCESS_KEY_ID") && err.contains("--profile"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(out.stdout.is_empty());
}

/// A loopback server that accepts connections and never answers.
fn silent_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    url
}

fn static_keys(c: &mut Command, endpoint: &str) {
    c.env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .args(["--endpoint-url", endpoint, "--regions", "us-east-1"]);
}

#[test]
fn an_endpoint_that_never_answers_times_out() {
    let mut c = isolated();
    c.args(["collect", "--timeout", "1"]);
    static_keys(&mut c, &silent_server());
    let started = std::time::Instant::now();
    let out = output(c);
    let err = common::stderr(&out);
    assert_eq!(common::code(&out), 2, "{err}");
    assert!(
        err.contains("cannot reach AWS") && err.contains("Timeout"),
        "{err}"
    );
    // Plain http:// to 127.0.0.1 is no reason for a warning.
    assert!(!err.contains("warning"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

/// Plain http:// to an address that is not this machine: one warning on
/// stderr, however many requests (and retries) go there.
#[test]
fn a_plain_http_endpoint_off_this_machine_is_warned_about_once() {
    let mut c = isolated();
    c.args(["collect", "--timeout", "1"]);
    // TEST-NET-1 (RFC 5737): nothing answers there.
    static_keys(&mut c, "http://192.0.2.1:9");
    let out = output(c);
    let err = common::stderr(&out);
    assert_eq!(common::code(&out), 2, "{err}");
    let warning = "warning: requests go to http://192.0.2.1:9 without TLS";
    assert_eq!(err.matches(warning).count(), 1, "{err}");
    assert_eq!(err.matches("without TLS").count(), 1, "{err}");
}

#[test]
fn ctrl_c_stops_cleanly_with_130() {
    let mut c = isolated();
    c.args(["collect", "-o"])
        .arg(std::env::temp_dir().join(format!("cis-e2e-interrupted-{}.json", std::process::id())));
    static_keys(&mut c, &silent_server());
    let child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let started = std::time::Instant::now();
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = child.wait_with_output().expect("wait");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(common::code(&out), 130, "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("interrupted"),
        "{}",
        common::stderr(&out)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_region_list_is_a_usage_error() {
    let mut c = isolated();
    c.args(["collect", "--regions", "us-east-1,,eu-west-1"]);
    let out = output(c);
    assert_eq!(common::code(&out), 2);
    assert!(
        common::stderr(&out).contains("--regions"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn collect_reads_a_compliant_account() {
    let Some(acct) = seed("compliant", "us-east-1,eu-west-1", &[], 0) else {
        return;
    };
    let snap = collect(&acct, "us-east-1,eu-west-1");
    assert_eq!(snap["account_id"], acct.id.as_str());
    assert_eq!(snap["partition"], "aws");
    let regions = snap["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 2);
    let home = &regions[0];
    assert_eq!(home["region"], "us-east-1");
    // The multi-region trail is seen in both regions, once as a shadow trail.
    for r in regions {
        let trails = r["trails"]["ok"].as_array().unwrap();
        assert_eq!(trails.len(), 1, "{r}");
        assert_eq!(trails[0]["home_region"], "us-east-1");
        assert_eq!(trails[0]["status"]["ok"]["is_logging"], true);
        assert_eq!(
            trails[0]["event_selectors"]["ok"]["event_selectors"][0]["read_write_type"],
            "All"
        );
    }
    let filters = home["metric_filters"]["ok"].as_array().unwrap();
    assert_eq!(filters.len(), 14);
    assert_eq!(home["alarms"]["ok"].as_array().unwrap().len(), 14);
    let topics = home["topics"]["ok"].as_array().unwrap();
    assert_eq!(topics.len(), 1);
    let subs = topics[0]["subscriptions"]["ok"].as_array().unwrap();
    assert!(
        subs[0]["subscription_arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:sns:")
    );
    assert_eq!(
        home["config_recorders"]["ok"][0]["recording_group"]["all_supported"],
        true
    );
    // The trail bucket's details, path-style against the emulator.
    let buckets = snap["s3"]["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 1);
    assert_eq!(
        buckets[0]["logging"]["ok"]["target_bucket"],
        format!("access-logs-{}", acct.id)
    );
    assert!(buckets[0]["acl"]["ok"]["grants"].is_array());
    // IAM
    let users = snap["iam"]["users"]["ok"].as_array().unwrap();
    assert!(users.iter().any(|u| u["user_name"] == "cis-auditor"));
    assert_eq!(
        snap["iam"]["password_policy"]["ok"]["minimum_password_length"],
        14
    );
    assert_eq!(
        snap["iam"]["support_access"]["ok"]["policy_roles"][0],
        "support"
    );
    let report = &snap["iam"]["credential_report"]["ok"];
    assert_eq!(report["columns"].as_array().unwrap().len(), 22);
    let pab = &snap["s3"]["account_public_access_block"]["ok"];
    assert_eq!(pab["block_public_policy"], true, "{pab}");

    // The same account through an assumed role.
    let mut c = aws_cmd(&acct);
    let role = format!("arn:aws:iam::{}:role/support", acct.id);
    c.args([
        "collect",
        "--quiet",
        "--regions",
        "us-east-1",
        "--role-arn",
        &role,
    ]);
    let out = output(c);
    assert_eq!(common::code(&out), 0, "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).is_empty(),
        "--quiet: {}",
        common::stderr(&out)
    );
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["account_id"], acct.id.as_str());
}

// --- verify, live, against seeded accounts ---------------------------------

/// Per control: its status and the set of its findings' reason codes.
type Outcome = std::collections::BTreeMap<String, (String, std::collections::BTreeSet<String>)>;

/// Run `verify --format json` live for `acct`; the exit code and outcomes.
fn verify(acct: &Account, regions: &str) -> (i32, Outcome, Value) {
    let mut c = aws_cmd(acct);
    c.args([
        "verify",
        "--format",
        "json",
        "--quiet",
        "--regions",
        regions,
    ]);
    let out = output(c);
    let code = common::code(&out);
    assert!(
        code == 0 || code == 1,
        "verify failed ({code}):\n{}",
        common::stderr(&out)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("verify prints JSON");
    assert_eq!(report["account"], acct.id.as_str());
    let mut outcome = Outcome::new();
    for c in report["controls"].as_array().expect("controls") {
        let codes = c["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["reason_code"].as_str().expect("reason_code").to_owned())
            .collect();
        outcome.insert(
            c["id"].as_str().expect("id").to_owned(),
            (c["status"].as_str().expect("status").to_owned(), codes),
        );
    }
    (code, outcome, report)
}

/// An expectation file of tests/e2e/expect/.
fn expected(name: &str) -> Outcome {
    let path = e2e_dir().join("expect").join(name);
    let text = std::fs::read_to_string(&path).expect("read expectation");
    let mut out = Outcome::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let id = words.next().expect("id").to_owned();
        let status = words.next().expect("status").to_owned();
        out.insert(id, (status, words.map(str::to_owned).collect()));
    }
    out
}

/// `base` with some controls changed.
fn with(mut base: Outcome, changes: &[(&str, &str, &[&str])]) -> Outcome {
    for (id, status, codes) in changes {
        base.insert(
            (*id).to_owned(),
            (
                (*status).to_owned(),
                codes.iter().map(|c| (*c).to_owned()).collect(),
            ),
        );
    }
    base
}

fn assert_outcome(name: &str, got: &Outcome, want: &Outcome) {
    let mut diffs = Vec::new();
    for (id, w) in want {
        match got.get(id) {
            Some(g) if g == w => {}
            Some(g) => diffs.push(format!("{id}: expected {w:?}, got {g:?}")),
            None => diffs.push(format!("{id}: missing")),
        }
    }
    for id in got.keys().filter(|k| !want.contains_key(*k)) {
        diffs.push(format!("{id}: not expected"));
    }
    assert!(diffs.is_empty(), "{name}:\n{}", diffs.join("\n"));
}

/// Two regions: every automatable control passes (moto's gaps aside, see
/// expect/compliant.txt), and the per-region controls have a finding per region.
#[test]
fn verify_compliant_account_in_two_regions() {
    let Some(acct) = seed("compliant", "us-east-1,eu-west-1", &[], 0) else {
        return;
    };
    let (code, got, report) = verify(&acct, "us-east-1,eu-west-1");
    // The trail's key lives in us-east-1; eu-west-1 has no customer key.
    let want = with(
        expected("compliant.txt"),
        &[(
            "2.8",
            "PASSED",
            &["KEY_ROTATION_ENABLED", "NO_CUSTOMER_KEYS"],
        )],
    );
    assert_outcome("compliant", &got, &want);
    assert_eq!(code, 1, "1.13 and 1.14 fail under moto");
    let regions_of = |id: &str| -> std::collections::BTreeSet<String> {
        report["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["region"].as_str().map(str::to_owned))
            .collect()
    };
    for id in ["2.5", "2.9", "4.3"] {
        assert_eq!(
            regions_of(id),
            ["eu-west-1".to_owned(), "us-east-1".to_owned()].into(),
            "{id}"
        );
    }
}

#[test]
fn verify_noncompliant_account() {
    let Some(acct) = seed("noncompliant", "us-east-1", &[], 0) else {
        return;
    };
    let (code, got, _) = verify(&acct, "us-east-1");
    assert_outcome("noncompliant", &got, &expected("noncompliant.txt"));
    assert_eq!(code, 1);
}

/// The chain broken at a different link for four controls of one account:
/// a filter that lacks one term, no alarm, an alarm without actions, a topic
/// nobody subscribed to. The other chains stay complete.
#[test]
fn verify_chains_broken_at_each_link() {
    let Some(acct) = seed(
        "compliant",
        "us-east-1",
        &[
            "filter-differs:3.4",
            "no-alarm:3.1",
            "alarm-no-actions:3.2",
            "topic-no-subscribers:3.5",
        ],
        0,
    ) else {
        return;
    };
    let (_, got, report) = verify(&acct, "us-east-1");
    let want = with(
        expected("compliant.txt"),
        &[
            ("3.1", "FAILED", &["CLOUDWATCH_ALARMS_NOT_PRESENT"]),
            ("3.2", "FAILED", &["CLOUDWATCH_ALARM_ACTIONS_NOT_VALID"]),
            ("3.4", "FAILED", &["CLOUDTRAIL_METRIC_FILTER_NOT_VALID"]),
            ("3.5", "FAILED", &["SNS_SUBSCRIPTION_NOT_PRESENT"]),
        ],
    );
    assert_outcome("broken links", &got, &want);
    // The near miss names the missing term.
    let f = &report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "3.4")
        .unwrap()["findings"][0];
    assert_eq!(f["evidence"]["broken_link"], "metric_filter");
    let diff = f["evidence"]["verdict"]["differences"].to_string();
    assert!(diff.contains("DetachGroupPolicy"), "{diff}");
}

/// An alarm whose topic was deleted: SNS answers `NotFound`, a fact about the
/// account (the topic does not exist), so the chain FAILS at the topic; it is
/// not a failed call, so the control is not NOT_AVAILABLE.
#[test]
fn verify_alarm_notifying_a_deleted_topic() {
    let Some(acct) = seed("compliant", "us-east-1", &["topic-deleted:3.6"], 0) else {
        return;
    };
    let (_, got, report) = verify(&acct, "us-east-1");
    let want = with(
        expected("compliant.txt"),
        &[("3.6", "FAILED", &["SNS_TOPIC_INVALID"])],
    );
    assert_outcome("deleted topic", &got, &want);
    let f = &report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "3.6")
        .unwrap()["findings"][0];
    assert_eq!(f["evidence"]["broken_link"], "topic", "{f}");
    assert!(f["evidence"].get("error").is_none(), "{f}");
    // The snapshot holds the topics that exist; no call failed.
    let snap = collect(&acct, "us-east-1");
    let topics = snap["regions"][0]["topics"]["ok"].as_array().unwrap();
    assert!(
        topics
            .iter()
            .all(|t| !t["topic_arn"].as_str().unwrap().ends_with(":deleted-since")),
        "{topics:?}"
    );
    assert_eq!(topics.len(), 1, "{topics:?}");
}

/// A trail that stopped logging, and a trail that is not multi-region: no
/// chain can start, and 2.1 fails.
#[test]
fn verify_trail_not_logging_and_single_region_trail() {
    for mutation in ["trail-not-logging", "single-region-trail"] {
        let Some(acct) = seed("compliant", "us-east-1", &[mutation], 0) else {
            return;
        };
        let (_, got, _) = verify(&acct, "us-east-1");
        let mut changes: Vec<(&str, &str, &[&str])> = vec![
            ("1.1", "FAILED", &["CLOUDTRAIL_MULTI_REGION_NOT_PRESENT"]),
            ("2.1", "FAILED", &["CLOUDTRAIL_MULTI_REGION_NOT_PRESENT"]),
        ];
        let ids: Vec<String> = (1..=14).map(|n| format!("3.{n}")).collect();
        for id in &ids {
            changes.push((id, "FAILED", &["CLOUDTRAIL_MULTI_REGION_NOT_PRESENT"]));
        }
        assert_outcome(mutation, &got, &with(expected("compliant.txt"), &changes));
    }
}

/// Two trails (the second single-region, unvalidated, unencrypted, without
/// CloudWatch Logs) and two regions, one without AWS Config: per-resource
/// findings for each trail and region; the chain still uses the good trail.
#[test]
fn verify_several_trails_and_regions() {
    let Some(acct) = seed(
        "compliant",
        "us-east-1,eu-west-1",
        &["extra-bad-trail", "no-config:eu-west-1"],
        0,
    ) else {
        return;
    };
    let (_, got, _) = verify(&acct, "us-east-1,eu-west-1");
    let want = with(
        expected("compliant.txt"),
        &[
            (
                "2.2",
                "FAILED",
                &[
                    "LOG_FILE_VALIDATION_DISABLED",
                    "LOG_FILE_VALIDATION_ENABLED",
                ],
            ),
            (
                "2.4",
                "FAILED",
                &[
                    "CLOUDWATCH_LOGS_NOT_CONFIGURED",
                    "CLOUDWATCH_LOGS_CONFIGURED",
                ],
            ),
            (
                "2.5",
                "FAILED",
                &["CONFIG_ENABLED", "CONFIG_RECORDER_NOT_PRESENT"],
            ),
            ("2.7", "FAILED", &["TRAIL_ENCRYPTED", "TRAIL_NOT_ENCRYPTED"]),
            (
                "2.8",
                "PASSED",
                &["KEY_ROTATION_ENABLED", "NO_CUSTOMER_KEYS"],
            ),
        ],
    );
    assert_outcome("several trails and regions", &got, &want);
}
