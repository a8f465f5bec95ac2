//! The organization snapshot directory: `organization.json`, one file per
//! account, each written whole or not at all.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::snapshot::{ACCOUNTS_DIR, AccountFailure, ORGANIZATION_FILE, OrganizationSnapshot};

use super::*;

/// Write `text` to a temporary file beside `path`, then rename it into place,
/// so a reader never sees half a file. The temporary file has a random name
/// and is created exclusively with mode 0600 (snapshots describe an account's
/// security), which the renamed file keeps.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".cis-filters-snapshot-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    // On failure the temporary file is removed when dropped.
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The file of account `id` in `dir`: its snapshot or its failure.
pub fn account_path(dir: &Path, id: &str, failed: bool) -> PathBuf {
    dir.join(ACCOUNTS_DIR).join(if failed {
        format!("{id}.error.json")
    } else {
        format!("{id}.json")
    })
}

/// How many accounts have a file in `dir`: a snapshot or an error file
/// (temporary files being written are not counted).
pub fn finished_accounts(dir: &Path) -> usize {
    std::fs::read_dir(dir.join(ACCOUNTS_DIR)).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                !name.starts_with('.') && name.ends_with(".json")
            })
            .count()
    })
}

/// Whether account `id` already has a file in `dir` (`--resume`).
pub fn already_done(dir: &Path, id: &str) -> bool {
    account_path(dir, id, false).is_file() || account_path(dir, id, true).is_file()
}

/// Prepare the output directory: create it, or with `--resume` check that
/// it holds the same organization.
pub(super) fn prepare_output(dir: &Path, org_id: &str, resume: bool) -> Result<(), OrgError> {
    let file = dir.join(ORGANIZATION_FILE);
    let shown = dir.display().to_string();
    if file.exists() {
        if !resume {
            return Err(OrgError::Output(format!(
                "`{shown}` already holds an organization snapshot: pass --resume to go on with it, or choose another directory"
            )));
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| OrgError::Output(format!("cannot read `{}`: {e}", file.display())))?;
        let old: OrganizationSnapshot = serde_json::from_str(&text).map_err(|e| {
            OrgError::Output(format!(
                "--resume: `{}` is not an organization snapshot: {e}",
                file.display()
            ))
        })?;
        if old.organization_id != org_id {
            return Err(OrgError::Output(format!(
                "--resume: `{shown}` holds organization {}, not {org_id}",
                old.organization_id
            )));
        }
    }
    std::fs::create_dir_all(dir.join(ACCOUNTS_DIR))
        .map_err(|e| OrgError::Output(format!("cannot create `{shown}/{ACCOUNTS_DIR}`: {e}")))
}

/// Prepare the output directory and write `organization.json` into it.
pub(super) fn write_organization(
    dir: &Path,
    organization: &OrganizationSnapshot,
    resume: bool,
) -> Result<(), OrgError> {
    prepare_output(dir, &organization.organization_id, resume)?;
    let mut json = serde_json::to_string_pretty(organization).unwrap_or_default();
    json.push('\n');
    let file = dir.join(ORGANIZATION_FILE);
    write_atomically(&file, &json)
        .map_err(|e| OrgError::Output(format!("cannot write `{}`: {e}", file.display())))
}

pub(super) fn write_failure(dir: &Path, f: AccountFailure) -> Result<AccountFailure, String> {
    let path = account_path(dir, &f.account_id, true);
    let mut json = serde_json::to_string_pretty(&f).unwrap_or_default();
    json.push('\n');
    write_atomically(&path, &json)
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(f)
}
