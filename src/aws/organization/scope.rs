//! Which accounts a run covers: the command-line lists and shards, and the
//! selection from the organization's accounts.

use std::collections::BTreeSet;

use crate::snapshot::{OrganizationAccount, Shard};

/// Whether `s` is a 12-digit account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parse a comma-separated list of account ids (`--accounts`), sorted and
/// without duplicates.
pub fn parse_account_list(text: &str) -> Result<Vec<String>, String> {
    let mut out = BTreeSet::new();
    for part in text.split(',').map(str::trim) {
        if !is_account_id(part) {
            let shown: String = part.chars().take(40).collect();
            return Err(format!(
                "`{}` is not an account id (12 digits, e.g. 123456789012); use a comma-separated list",
                shown.escape_debug()
            ));
        }
        out.insert(part.to_owned());
    }
    Ok(out.into_iter().collect())
}

/// Parse `--shard i/n` (1-based, `1 <= i <= n <= 10000`).
pub fn parse_shard(text: &str) -> Result<Shard, String> {
    let bad = || {
        format!(
            "`{}` is not a shard: use i/n with 1 <= i <= n, e.g. 2/4",
            text.chars().take(40).collect::<String>().escape_debug()
        )
    };
    let (i, n) = text.trim().split_once('/').ok_or_else(bad)?;
    let index: u32 = i.trim().parse().map_err(|_| bad())?;
    let count: u32 = n.trim().parse().map_err(|_| bad())?;
    if index == 0 || index > count || count > 10_000 {
        return Err(bad());
    }
    Ok(Shard { index, count })
}

/// Whether a role name is one IAM accepts: 1 to 64 of `\w+=,.@-` (a path
/// is not part of the name).
pub fn is_role_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// Whether an external id is one STS accepts: 2 to 1224 of `\w+=,.@:/-`.
pub fn is_external_id(s: &str) -> bool {
    (2..=1224).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@:/-".contains(&b))
}

/// Which accounts of the sorted, in-scope `accounts` this run collects: the
/// shard's share (position % n == i - 1 over the sorted ids), ACTIVE only.
/// Returns (to collect, not active with their state, in other shards).
pub fn select(
    accounts: &[OrganizationAccount],
    shard: Option<Shard>,
) -> (Vec<String>, Vec<(String, String)>, usize) {
    let mut sorted: Vec<&OrganizationAccount> = accounts.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut take = Vec::new();
    let mut not_active = Vec::new();
    let mut others = 0;
    for (pos, a) in sorted.into_iter().enumerate() {
        if let Some(s) = shard
            && pos % s.count as usize != (s.index as usize).saturating_sub(1)
        {
            others += 1;
            continue;
        }
        if a.status == "ACTIVE" {
            take.push(a.id.clone());
        } else {
            not_active.push((a.id.clone(), a.status.clone()));
        }
    }
    (take, not_active, others)
}
