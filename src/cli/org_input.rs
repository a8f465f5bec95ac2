//! `verify --snapshot` with several paths or a directory: an organization
//! snapshot (one directory, or the shards of one run) or loose account
//! snapshots, audited one account at a time.
//!
//! Memory does not follow the number of accounts' snapshots: the
//! organization files are read, then the snapshots of the accounts that may
//! own an organization trail (the management account and the delegated
//! administrators) are loaded once, and every other account is read,
//! audited, written to the report and dropped; the run keeps only counts
//! ([`Tally`]), and the report keeps what it writes after the last account
//! in temporary files ([`crate::report::organization`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::UsageError;
use crate::audit::organization::{
    AccountResult, AccountStatus, Coverage, OrgAudit, Sink, Tally, not_audited,
};
use crate::audit::{Options, Snapshot};
use crate::snapshot::MAX_SNAPSHOT_BYTES;
use crate::snapshot::{
    ACCOUNTS_DIR, AccountFailure, ORGANIZATION_FILE, ORGANIZATION_SCHEMA_VERSION,
    OrganizationSnapshot,
};

/// The most an `organization.json` or an error file may hold.
const MAX_ORGANIZATION_BYTES: u64 = 64 << 20;

/// The files of one account in the run.
#[derive(Default)]
struct AccountFiles {
    snapshot: Option<PathBuf>,
    error: Option<PathBuf>,
}

/// What the paths given to `--snapshot` hold.
enum Input {
    /// Organization snapshot directories (shards of one run).
    Organization(Vec<PathBuf>),
    /// Account snapshot files.
    Accounts(Vec<PathBuf>),
}

/// Whether `paths` is one account snapshot file (or stdin): the
/// single-account audit.
pub fn is_single(paths: &[PathBuf]) -> bool {
    matches!(paths, [p] if !p.is_dir())
}

fn classify(paths: &[PathBuf]) -> Result<Input, UsageError> {
    let mut orgs = Vec::new();
    let mut files = Vec::new();
    for p in paths {
        if p.join(ORGANIZATION_FILE).is_file() {
            orgs.push(p.clone());
        } else if p.is_dir() {
            files.extend(json_files(p)?);
        } else if p.as_os_str() == "-" {
            return Err(UsageError(
                "`-` (stdin) reads one account snapshot; it cannot be combined with other paths"
                    .into(),
            ));
        } else {
            files.push(p.clone());
        }
    }
    match (orgs.is_empty(), files.is_empty()) {
        (false, false) => Err(UsageError(format!(
            "`{}` is an organization snapshot and `{}` an account snapshot: give organization directories (shards of one run) or account snapshots, not both",
            orgs.first()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            files
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        ))),
        (false, true) => Ok(Input::Organization(orgs)),
        (true, false) => Ok(Input::Accounts(files)),
        (true, true) => Err(UsageError(format!(
            "`{}` holds no account snapshot (*.json) and no {ORGANIZATION_FILE}",
            paths
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ))),
    }
}

/// The `*.json` files of a directory, sorted, without error files.
fn json_files(dir: &Path) -> Result<Vec<PathBuf>, UsageError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        UsageError(format!(
            "cannot read the directory `{}`: {e}",
            dir.display()
        ))
    })?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".json") && !n.ends_with(".error.json"))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Read and audit the paths of `--snapshot` (more than one account): each
/// account's full result goes to `sink` as soon as it is audited, and the
/// run keeps only its [`Tally`].
pub fn audit_paths(
    paths: &[PathBuf],
    opts: &Options<'_>,
    sink: &mut dyn Sink,
) -> Result<OrgAudit, UsageError> {
    match classify(paths)? {
        Input::Organization(dirs) => audit_organization(&dirs, opts, sink),
        Input::Accounts(files) => audit_accounts(&files, opts, sink),
    }
}

fn written(e: std::io::Error) -> UsageError {
    UsageError(format!("cannot write the report: {e}"))
}

/// Hand an account to the sink, then count it.
fn emit(a: AccountResult, sink: &mut dyn Sink, tally: &mut Tally) -> Result<(), UsageError> {
    sink.account(&a).map_err(written)?;
    tally.add(&a);
    Ok(())
}

fn read_account(path: &Path) -> Result<Snapshot, UsageError> {
    let text = super::read::read_text(path, MAX_SNAPSHOT_BYTES as u64, "snapshot")?;
    Snapshot::from_json(&text).map_err(|e| UsageError(format!("{}: {e}", path.display())))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T, UsageError> {
    let text = super::read::read_text(path, MAX_ORGANIZATION_BYTES, what)?;
    serde_json::from_str(&text).map_err(|e| UsageError(format!("{}: {e}", path.display())))
}

/// Loose account snapshots: each audited alone (no organization, so no
/// organization trail is known).
fn audit_accounts(
    files: &[PathBuf],
    opts: &Options<'_>,
    sink: &mut dyn Sink,
) -> Result<OrgAudit, UsageError> {
    let coverage = Coverage::new([], Vec::new(), opts);
    let mut head = org_audit(None, None, opts);
    sink.begin(&head).map_err(written)?;
    for f in files {
        let s = read_account(f)?;
        let a = AccountResult {
            id: s.account_id.clone(),
            name: String::new(),
            status: AccountStatus::Audited,
            note: None,
            audit: Some(coverage.audit(&s, opts)),
        };
        emit(a, sink, &mut head.tally)?;
    }
    Ok(head)
}

fn org_audit(id: Option<String>, management: Option<String>, opts: &Options<'_>) -> OrgAudit {
    OrgAudit {
        organization_id: id,
        management_account_id: management,
        benchmark: opts.benchmark.name,
        mode: opts.mode,
        procedure: opts.procedure,
        tally: Tally::default(),
    }
}

/// The organization files of every shard, checked to be one organization.
fn read_organizations(dirs: &[PathBuf]) -> Result<OrganizationSnapshot, UsageError> {
    let mut first: Option<(OrganizationSnapshot, PathBuf)> = None;
    for d in dirs {
        let path = d.join(ORGANIZATION_FILE);
        let org: OrganizationSnapshot = read_json(&path, "organization file")?;
        if org.organization_schema != ORGANIZATION_SCHEMA_VERSION {
            return Err(UsageError(format!(
                "{}: organization_schema {} is not supported (this build reads {ORGANIZATION_SCHEMA_VERSION})",
                path.display(),
                org.organization_schema
            )));
        }
        match &mut first {
            None => first = Some((org, path)),
            Some((o, p)) if o.organization_id != org.organization_id => {
                return Err(UsageError(format!(
                    "{}: organization {}, but {} is organization {}: give the shards of one run",
                    path.display(),
                    org.organization_id,
                    p.display(),
                    o.organization_id
                )));
            }
            Some((o, _)) => {
                for a in org.accounts {
                    if o.account(&a.id).is_none() {
                        o.accounts.push(a);
                    }
                }
            }
        }
    }
    let (mut org, _) = first.ok_or_else(|| UsageError("no organization snapshot given".into()))?;
    org.accounts.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(org)
}

/// The account files of every shard, by account id (the first shard that
/// has an account wins).
fn account_files(dirs: &[PathBuf]) -> Result<BTreeMap<String, AccountFiles>, UsageError> {
    let mut out: BTreeMap<String, AccountFiles> = BTreeMap::new();
    for d in dirs {
        let dir = d.join(ACCOUNTS_DIR);
        if !dir.is_dir() {
            continue;
        }
        let entries = std::fs::read_dir(&dir).map_err(|e| {
            UsageError(format!(
                "cannot read the directory `{}`: {e}",
                dir.display()
            ))
        })?;
        for e in entries.filter_map(Result::ok) {
            let path = e.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let (id, error) = match name.strip_suffix(".error.json") {
                Some(id) => (id, true),
                None => match name.strip_suffix(".json") {
                    Some(id) => (id, false),
                    None => continue,
                },
            };
            if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let slot = out.entry(id.to_owned()).or_default();
            let field = if error {
                &mut slot.error
            } else {
                &mut slot.snapshot
            };
            if field.is_none() {
                *field = Some(path);
            }
        }
    }
    Ok(out)
}

/// An account snapshot, checked to be of the account its file names.
fn read_member(id: &str, path: &Path) -> Result<Snapshot, UsageError> {
    let s = read_account(path)?;
    if s.account_id != id {
        return Err(UsageError(format!(
            "{}: the snapshot is of account {}, not {id}",
            path.display(),
            s.account_id
        )));
    }
    Ok(s)
}

/// The accounts that may own an organization trail: the management account
/// and the delegated administrators.
fn possible_owners(org: &OrganizationSnapshot) -> Vec<String> {
    let mut ids = vec![org.management_account_id.clone()];
    if let Ok(list) = org.delegated_administrators.get() {
        for d in list {
            if !ids.contains(&d.account_id) {
                ids.push(d.account_id.clone());
            }
        }
    }
    ids
}

fn audit_organization(
    dirs: &[PathBuf],
    opts: &Options<'_>,
    sink: &mut dyn Sink,
) -> Result<OrgAudit, UsageError> {
    let mut org = read_organizations(dirs)?;
    let files = account_files(dirs)?;
    // The possible owners: loaded once, kept for the whole run.
    let mut owners: Vec<Snapshot> = Vec::new();
    let mut unread: Vec<(String, String)> = Vec::new();
    for id in possible_owners(&org) {
        match files.get(&id) {
            Some(AccountFiles {
                snapshot: Some(p), ..
            }) => owners.push(read_member(&id, p)?),
            Some(AccountFiles { error: Some(p), .. }) => {
                let f: AccountFailure = read_json(p, "error file")?;
                unread.push((id, f.error.to_string()));
            }
            _ => unread.push((id, "it is not in this run".to_owned())),
        }
    }
    let coverage = Coverage::new(owners.iter(), unread, opts);
    // The account list, moved out of the organization (sorted by id): the
    // only part of the run that grows with the accounts, a few hundred
    // bytes each.
    let mut listed: Vec<(String, String, String)> = std::mem::take(&mut org.accounts)
        .into_iter()
        .map(|a| (a.id, a.name, a.status))
        .collect();
    let known = listed.len();
    // Account files of accounts the organization does not list are audited too.
    for id in files.keys() {
        let listed_ids = listed.get(..known).unwrap_or_default();
        if listed_ids.binary_search_by(|(x, _, _)| x.cmp(id)).is_err() {
            listed.push((id.clone(), String::new(), "ACTIVE".to_owned()));
        }
    }
    listed.sort();
    let mut head = org_audit(
        Some(org.organization_id.clone()),
        Some(org.management_account_id.clone()),
        opts,
    );
    sink.begin(&head).map_err(written)?;
    for (id, name, state) in listed {
        let result = audit_one(&id, &state, files.get(&id), &owners, &coverage, &org, opts)?;
        emit(AccountResult { name, ..result }, sink, &mut head.tally)?;
    }
    Ok(head)
}

/// One account: audited from its snapshot (an owner's already loaded), from
/// its error file, or why not.
fn audit_one(
    id: &str,
    state: &str,
    files: Option<&AccountFiles>,
    owners: &[Snapshot],
    coverage: &Coverage,
    org: &OrganizationSnapshot,
    opts: &Options<'_>,
) -> Result<AccountResult, UsageError> {
    let result = |status, note: Option<String>, audit| AccountResult {
        id: id.to_owned(),
        name: String::new(),
        status,
        note,
        audit,
    };
    if state != "ACTIVE" {
        return Ok(result(
            AccountStatus::Suspended,
            Some(format!("the account is {state}: listed, not audited")),
            None,
        ));
    }
    if let Some(s) = owners.iter().find(|s| s.account_id == id) {
        return Ok(result(
            AccountStatus::Audited,
            None,
            Some(coverage.audit(s, opts)),
        ));
    }
    match files {
        Some(AccountFiles {
            snapshot: Some(p), ..
        }) => {
            let s = read_member(id, p)?;
            Ok(result(
                AccountStatus::Audited,
                None,
                Some(coverage.audit(&s, opts)),
            ))
        }
        Some(AccountFiles { error: Some(p), .. }) => {
            let f: AccountFailure = read_json(p, "error file")?;
            let audit = not_audited(id, &org.partition, &f.taken_at, &f.error, opts);
            Ok(result(
                AccountStatus::NotAudited,
                Some(f.error.to_string()),
                Some(audit),
            ))
        }
        _ => Ok(result(
            AccountStatus::NotCollected,
            Some("no snapshot of the account is in this run".to_owned()),
            None,
        )),
    }
}
