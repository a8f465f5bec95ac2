//! Build metadata for `cis-filters --version`: the git commit, the enabled
//! features and the target, so a bug report names the build it came from.
//!
//! The commit comes from, in this order: the `CIS_FILTERS_GIT_COMMIT`
//! environment variable (container builds, which copy no `.git`);
//! `.cargo_vcs_info.json` in a crates.io package (cargo writes the commit
//! there when it packages the crate); `.git_archival.txt` in a source tarball
//! made by `git archive`; `git` in a clone; else `unknown`. Nothing here can
//! fail the build.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CIS_FILTERS_GIT_COMMIT");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());

    let commit = commit_from_env()
        .or_else(|| commit_from_vcs_info(&manifest_dir))
        .or_else(|| commit_from_archive(&manifest_dir))
        .or_else(|| commit_from_git(&manifest_dir))
        .unwrap_or_else(|| "unknown".to_owned());

    // Cargo sets CARGO_FEATURE_<NAME> for each enabled feature of this package.
    let features: Vec<&str> = ["cli", "aws"]
        .into_iter()
        .filter(|f| {
            let var = format!("CARGO_FEATURE_{}", f.to_ascii_uppercase());
            std::env::var_os(var).is_some()
        })
        .collect();
    let features = if features.is_empty() {
        "none".to_owned()
    } else {
        features.join(",")
    };
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());

    println!("cargo:rustc-env=CIS_FILTERS_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=CIS_FILTERS_FEATURES={features}");
    println!("cargo:rustc-env=CIS_FILTERS_TARGET={target}");
}

/// A commit given from outside (`--build-arg`, a release job's `GITHUB_SHA`).
fn commit_from_env() -> Option<String> {
    let v = std::env::var("CIS_FILTERS_GIT_COMMIT").ok()?;
    valid_commit(v.trim())
}

/// The commit checked out in the clone this is built from.
fn commit_from_git(dir: &Path) -> Option<String> {
    // Only this package's own repository: a copy unpacked inside some other
    // clone has its Cargo.toml untracked there.
    git(dir, &["ls-files", "--error-unmatch", "Cargo.toml"])?;
    let commit = valid_commit(&git(dir, &["rev-parse", "HEAD"])?)?;
    // Build again when HEAD moves: a checkout changes HEAD, a commit the
    // branch's ref. Only this checkout's files: other worktrees' commits
    // change other refs.
    let mut watch = Vec::new();
    if let Some(d) = git(dir, &["rev-parse", "--absolute-git-dir"]) {
        watch.push(Path::new(&d).join("HEAD"));
    }
    let common = git(
        dir,
        &["rev-parse", "--path-format=absolute", "--git-common-dir"],
    );
    let branch = git(dir, &["symbolic-ref", "-q", "HEAD"]);
    if let (Some(common), Some(branch)) = (common, branch) {
        let loose = Path::new(&common).join(&branch);
        watch.push(if loose.exists() {
            loose
        } else {
            Path::new(&common).join("packed-refs")
        });
    }
    // A path that does not exist would make cargo run this script every build.
    for p in watch.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    Some(commit)
}

/// `.git_archival.txt`, which `git archive` (GitHub's source tarballs)
/// fills in through `export-subst` in `.gitattributes`: `node: <commit>`.
fn commit_from_archive(dir: &Path) -> Option<String> {
    let p = dir.join(".git_archival.txt");
    let text = std::fs::read_to_string(&p).ok()?;
    println!("cargo:rerun-if-changed={}", p.display());
    let line = text.lines().find_map(|l| l.strip_prefix("node:"))?;
    valid_commit(line.trim())
}

/// `.cargo_vcs_info.json`, which `cargo package` writes into the crate:
/// `{"git": {"sha1": "…"}, "path_in_vcs": ""}`.
fn commit_from_vcs_info(dir: &Path) -> Option<String> {
    let p = dir.join(".cargo_vcs_info.json");
    let text = std::fs::read_to_string(&p).ok()?;
    println!("cargo:rerun-if-changed={}", p.display());
    let (_, rest) = text.split_once("\"sha1\"")?;
    let (_, rest) = rest.split_once('"')?;
    let (sha, _) = rest.split_once('"')?;
    valid_commit(sha)
}

/// The first 12 hex digits of a commit id, or `None` when it is not one.
fn valid_commit(s: &str) -> Option<String> {
    let ok = s.len() >= 7 && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| s.chars().take(12).collect())
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}
