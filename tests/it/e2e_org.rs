//! End to end: `collect --organization` against moto, and the collector's
//! call count against the number of log groups.
//!
//! The organization (`tests/e2e/seed_org.py`): a management account with an
//! organization trail delivering to a central log group with the CIS filters,
//! alarms and a subscribed topic; a member with the audit role; a member with
//! the role and its own broken trail; a member without the role; a closed
//! (SUSPENDED) member.
//!
//! moto does not check that an assumed role exists unless its IAM
//! enforcement is on, and that switch is server-wide; so this test runs its
//! own server and turns enforcement on once seeding is done. Even then moto's
//! `AssumeRole` succeeds for a missing role: it is every later call that
//! fails (moto answers HTTP 500, raising `NoSuchEntity` for the role inside
//! its authorizer), where AWS refuses `AssumeRole` itself with AccessDenied.
//! Both end in `accounts/<id>.error.json`; the AssumeRole refusal is covered
//! by the unit tests with the replayed AWS (`src/aws/tests.rs`). moto's
//! members do not see the organization trail (real AWS shows them a shadow
//! trail), so the members' snapshots have no trail of the organization.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::common;
use crate::e2e;

/// This test process's own moto server (IAM enforcement is server-wide).
fn own_moto() -> Option<&'static str> {
    static MOTO: OnceLock<(String, Mutex<Child>)> = OnceLock::new();
    if std::env::var_os("CIS_FILTERS_SKIP_E2E").is_some_and(|v| v == "1") {
        eprintln!("CIS_FILTERS_SKIP_E2E=1: end-to-end test skipped");
        return None;
    }
    let m = MOTO.get_or_init(|| {
        let mut child = Command::new(e2e::python())
            .arg(e2e::e2e_dir().join("moto_server.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("end-to-end tests need python3 with moto (see tests/it/e2e.rs)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read moto port");
        let port: u16 = line.trim().parse().expect("moto did not start");
        (format!("http://127.0.0.1:{port}"), Mutex::new(child))
    });
    Some(m.0.as_str())
}

struct Org {
    endpoint: String,
    management: String,
    key: String,
    secret: String,
    members: serde_json::Map<String, Value>,
}

impl Org {
    fn member(&self, name: &str) -> &str {
        self.members[name].as_str().unwrap()
    }

    fn cmd(&self) -> Command {
        let mut c = e2e::isolated();
        c.env("AWS_ACCESS_KEY_ID", &self.key)
            .env("AWS_SECRET_ACCESS_KEY", &self.secret)
            .env("AWS_ENDPOINT_URL", &self.endpoint);
        c
    }
}

fn seed_org() -> Option<Org> {
    let endpoint = own_moto()?.to_owned();
    Some(seed(endpoint, 900_001, &["--enforce"]))
}

/// Run `seed_org.py` against `endpoint` with a management account id made
/// of the process id and `suffix` (one organization per test and process).
fn seed(endpoint: String, suffix: u32, args: &[&str]) -> Org {
    let management = format!("{:06}{:06}", std::process::id() % 1_000_000, suffix);
    let out = Command::new(e2e::python())
        .arg(e2e::e2e_dir().join("seed_org.py"))
        .args(["--endpoint", &endpoint, "--management", &management])
        .args(["--regions", "us-east-1"])
        .args(args)
        .output()
        .expect("run seed_org.py");
    assert!(
        out.status.success(),
        "seeding the organization failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("seed_org.py prints JSON");
    Org {
        endpoint,
        management,
        key: v["access_key_id"].as_str().unwrap().to_owned(),
        secret: v["secret_access_key"].as_str().unwrap().to_owned(),
        members: v["members"].as_object().unwrap().clone(),
    }
}

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{}: {e}", path.display());
    }))
    .unwrap()
}

#[test]
fn collect_an_organization() {
    let Some(org) = seed_org() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("org");
    let mut c = org.cmd();
    c.args(["collect", "--organization", "--role-name", "CisAudit"])
        .args([
            "--regions",
            "us-east-1",
            "--max-accounts-in-flight",
            "2",
            "-o",
        ])
        .arg(&out_dir);
    let out = e2e::output(c);
    let err = common::stderr(&out);
    // One member could not be audited: exit 1, and the summary names it.
    assert_eq!(common::code(&out), 1, "{err}");
    let no_role = org.member("no-role");
    assert!(err.contains(&format!("  {no_role}: ")), "{err}");
    assert!(err.contains("1 account could not be audited"), "{err}");
    let closed = org.member("closed");
    assert!(
        err.contains(&format!("{closed} is SUSPENDED: listed, not audited")),
        "{err}"
    );

    // organization.json: every account with its state.
    let o = read(&out_dir.join("organization.json"));
    assert_eq!(o["organization_schema"], 1);
    assert_eq!(o["management_account_id"], org.management.as_str());
    assert_eq!(o["caller_account_id"], org.management.as_str());
    assert_eq!(o["scope"]["role_name"], "CisAudit");
    let accounts = o["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 5, "{accounts:?}");
    let state = |id: &str| {
        accounts.iter().find(|a| a["id"] == id).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(state(closed), "SUSPENDED");
    assert_eq!(state(org.member("audited")), "ACTIVE");
    assert!(
        o["organizational_units"]["ok"].as_array().unwrap()[0]["id"]
            .as_str()
            .unwrap()
            .starts_with("r-")
    );

    // The management account: its own credentials, the organization trail,
    // the central log group's 14 filters.
    let acc = out_dir.join("accounts");
    let m = read(&acc.join(format!("{}.json", org.management)));
    assert_eq!(m["account_id"], org.management.as_str());
    let r = &m["regions"][0];
    let trail = &r["trails"]["ok"][0];
    assert_eq!(trail["is_organization_trail"], true);
    assert_eq!(r["metric_filters"]["ok"].as_array().unwrap().len(), 14);
    assert_eq!(r["log_groups"]["ok"].as_array().unwrap().len(), 1);
    assert_eq!(r["alarms"]["ok"].as_array().unwrap().len(), 14);

    // The members, through the role.
    let a = read(&acc.join(format!("{}.json", org.member("audited"))));
    assert_eq!(a["account_id"], org.member("audited"));
    assert!(
        a["regions"][0]["trails"]["ok"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let b = read(&acc.join(format!("{}.json", org.member("broken-trail"))));
    let own = &b["regions"][0]["trails"]["ok"][0];
    assert_eq!(own["is_multi_region_trail"], false);
    assert!(own.get("cloud_watch_logs_log_group_arn").is_none());

    // The member without the role: an error file, no snapshot.
    assert!(!acc.join(format!("{no_role}.json")).exists());
    let e = read(&acc.join(format!("{no_role}.error.json")));
    assert_eq!(e["account_id"], no_role);
    assert_eq!(e["organization_schema"], 1);
    assert!(
        e["error"]["code"].as_str().is_some_and(|c| !c.is_empty()),
        "{e}"
    );
    // The suspended account: listed, never collected.
    assert!(!acc.join(format!("{closed}.json")).exists());
    assert!(!acc.join(format!("{closed}.error.json")).exists());

    // Each account file is an ordinary snapshot `verify` reads.
    let mut c = e2e::isolated();
    c.args(["verify", "--format", "json", "--snapshot"])
        .arg(acc.join(format!("{}.json", org.management)));
    let out = e2e::output(c);
    assert!(
        matches!(common::code(&out), 0 | 1),
        "{}",
        common::stderr(&out)
    );

    // Without --resume the directory is not reused; with it, every account
    // that has a file is skipped and nothing fails.
    let mut c = org.cmd();
    c.args(["collect", "--organization", "--role-name", "CisAudit"])
        .args(["--regions", "us-east-1", "-o"])
        .arg(&out_dir);
    let out = e2e::output(c);
    assert_eq!(common::code(&out), 2, "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("--resume"));
    let mut c = org.cmd();
    c.args(["collect", "--organization", "--role-name", "CisAudit"])
        .args(["--regions", "us-east-1", "--resume", "-o"])
        .arg(&out_dir);
    let out = e2e::output(c);
    let err = common::stderr(&out);
    assert_eq!(common::code(&out), 0, "{err}");
    assert!(
        err.contains("0 collected, 0 failed, 4 skipped by --resume"),
        "{err}"
    );

    // `verify --organization` collects afresh and audits: the member the
    // organization trail covers is judged on the management account's chain.
    let mut c = org.cmd();
    c.args(["verify", "--organization", "--role-name", "CisAudit"])
        .args(["--regions", "us-east-1", "--format", "json"]);
    let out = e2e::output(c);
    let err = common::stderr(&out);
    assert_eq!(common::code(&out), 1, "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["kind"], "organization", "{v}");
    assert_eq!(v["management_account_id"], org.management.as_str());
    let account = |id: &str| {
        v["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {v}"))
            .clone()
    };
    let status_of = |a: &Value, control: &str| {
        a["report"]["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == control)
            .map(|c| c["status"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let audited = account(org.member("audited"));
    assert_eq!(audited["status"], "AUDITED");
    assert_eq!(status_of(&audited, "3.1"), "PASSED", "{audited}");
    assert_eq!(account(no_role)["status"], "NOT_AUDITED");
    assert_eq!(account(closed)["status"], "SUSPENDED");
    // --organization is live: not with --snapshot.
    let mut c = org.cmd();
    c.args([
        "verify",
        "--organization",
        "--role-name",
        "CisAudit",
        "--snapshot",
    ])
    .arg(&out_dir);
    let out = e2e::output(c);
    assert_eq!(common::code(&out), 2, "{}", common::stderr(&out));
}

/// The calls `collect` makes for an account in one region.
fn calls(acct: &e2e::Account) -> u64 {
    let mut c = e2e::aws_cmd(acct);
    c.args(["collect", "--regions", "us-east-1"]);
    let out = e2e::output(c);
    let err = common::stderr(&out);
    assert_eq!(common::code(&out), 0, "{err}");
    // "collected account … in 1 region: N calls (…"
    let n = err
        .split(" calls (")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok());
    n.unwrap_or_else(|| panic!("no call count in: {err}"))
}

/// 1,000 log groups that no trail delivers to cost no call more than 10:
/// only the trail's log group and its filters are asked for (moto pages
/// DescribeLogGroups by 50, so paging through every group would cost 19
/// more requests).
#[test]
fn the_call_count_does_not_grow_with_the_number_of_log_groups() {
    let Some(few) = e2e::seed_with("compliant", "us-east-1", &[], 0, 10) else {
        return;
    };
    let Some(many) = e2e::seed_with("compliant", "us-east-1", &[], 0, 1000) else {
        return;
    };
    assert_eq!(calls(&few), calls(&many));
}

/// An organization of the management account and `members` members with the
/// audit role, in the shared moto server (no IAM enforcement).
fn seed_members(members: u32) -> Option<Org> {
    let endpoint = e2e::moto()?.to_owned();
    Some(seed(
        endpoint,
        900_002,
        &["--members", &members.to_string()],
    ))
}

/// The names in `dir/accounts`.
fn account_files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("accounts"))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The findings of `verify --snapshot DIR --format json` of an organization
/// directory: per account its status and, per control, the status and each
/// finding's status, reason code, resource and region. (Evidence is left
/// out: ages of credentials count from each collection's own time.)
fn verify_dir(dir: &std::path::Path) -> Value {
    let mut c = e2e::isolated();
    c.args(["verify", "--format", "json", "--snapshot"])
        .arg(dir);
    let out = e2e::output(c);
    assert!(
        matches!(common::code(&out), 0 | 1),
        "{}",
        common::stderr(&out)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("verify prints JSON");
    let finding =
        |f: &Value| serde_json::json!([f["status"], f["reason_code"], f["resource"], f["region"]]);
    let control = |c: &Value| {
        let findings: Vec<Value> = c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(finding)
            .collect();
        serde_json::json!([c["id"], c["status"], findings])
    };
    let accounts: Vec<Value> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let controls: Vec<Value> = a["report"]["controls"]
                .as_array()
                .map(|cs| cs.iter().map(control).collect())
                .unwrap_or_default();
            serde_json::json!([a["id"], a["status"], controls])
        })
        .collect();
    serde_json::json!({"accounts": accounts, "summary": v["summary"]})
}

/// Ctrl-C in the middle of an organization run: exit 130, only complete
/// account files (each one `verify` reads), no temporary file, and a message
/// that says how many accounts are done; `--resume` then collects the rest,
/// and the result audits the same as an uninterrupted run.
///
/// One account at a time, each taking moto about a second, and seven
/// accounts: the signal comes as soon as the first file appears, long before
/// the last account is done.
#[test]
fn ctrl_c_keeps_the_finished_accounts_and_resume_collects_the_rest() {
    let Some(org) = seed_members(6) else {
        return;
    };
    let total = org.members.len() + 1;
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("org");
    let collect = |extra: &[&str], into: &std::path::Path| {
        let mut c = org.cmd();
        c.args(["collect", "--organization", "--role-name", "CisAudit"])
            .args(["--regions", "us-east-1", "--max-accounts-in-flight", "1"])
            .args(extra)
            .arg("-o")
            .arg(into);
        c
    };
    let mut child = collect(&[], &out_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cis-filters");
    // Wait for the first account file; a run that ends first fails here.
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            panic!("the run ended before an account file appeared: {status}");
        }
        if account_files(&out_dir)
            .iter()
            .any(|n| !n.starts_with('.') && n.ends_with(".json"))
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = child.wait_with_output().expect("wait");
    let err = common::stderr(&out);
    assert_eq!(common::code(&out), 130, "{err}");

    // Only complete files: each one a snapshot `verify` reads.
    let files = account_files(&out_dir);
    assert!(!files.is_empty() && files.len() < total, "{files:?}");
    for name in &files {
        assert!(
            !name.starts_with('.') && name.ends_with(".json") && !name.ends_with(".error.json"),
            "{name} in {files:?}"
        );
        let mut c = e2e::isolated();
        c.args(["verify", "--format", "json", "--snapshot"])
            .arg(out_dir.join("accounts").join(name));
        let v = e2e::output(c);
        assert!(
            matches!(common::code(&v), 0 | 1),
            "{name}: {}",
            common::stderr(&v)
        );
    }
    let done = files.len();
    let said = if done == 1 {
        "interrupted: 1 account is complete in ".to_owned()
    } else {
        format!("interrupted: {done} accounts are complete in ")
    };
    assert!(err.contains(&said), "{err}");
    assert!(err.contains("--resume"), "{err}");

    // --resume collects the others.
    let out = e2e::output(collect(&["--resume"], &out_dir));
    let err = common::stderr(&out);
    assert_eq!(common::code(&out), 0, "{err}");
    assert!(
        err.contains(&format!(
            "{} collected, 0 failed, {done} skipped by --resume",
            total - done
        )),
        "{err}"
    );
    assert_eq!(account_files(&out_dir).len(), total);

    // The same audit as a run that was never interrupted.
    let whole = dir.path().join("whole");
    let out = e2e::output(collect(&[], &whole));
    assert_eq!(common::code(&out), 0, "{}", common::stderr(&out));
    assert_eq!(verify_dir(&out_dir), verify_dir(&whole));
}
