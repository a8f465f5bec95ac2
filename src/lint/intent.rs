//! Which control a filter is meant for: `--control`, its names
//! (`CIS-3.1-…`, `CloudWatch.2`, `UnauthorizedAPICalls`) or closeness.

use serde::Serialize;

use super::Options;
use super::model::Filter;
use crate::cis::{self, Benchmark};

/// How a filter was taken to be meant for its control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchedBy {
    /// `--control` named it.
    Option,
    /// One of its names (resource, metric, alarm) points at the control.
    Name,
    /// Its pattern is closest to that control's.
    Closest,
}

impl MatchedBy {
    /// `option`, `name` or `closest`, as in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Option => "option",
            MatchedBy::Name => "name",
            MatchedBy::Closest => "closest",
        }
    }

    /// Why the filter is taken to be meant for the control, for messages.
    pub(super) fn reason(self) -> &'static str {
        match self {
            MatchedBy::Option => "named with --control",
            MatchedBy::Name => "named for it",
            MatchedBy::Closest => "closest to it",
        }
    }
}

impl std::fmt::Display for MatchedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The control a filter's names point at: `CIS-3.1-…`, `3.01`, a
/// Security Hub id, or a well-known metric name (`UnauthorizedAPICalls`).
pub(super) fn intent_from_hints(
    f: &Filter,
    opts: &Options,
) -> Option<(&'static cis::PatternRow, MatchedBy)> {
    if let Some(c) = &opts.control {
        return opts.benchmark.row(c).map(|r| (r, MatchedBy::Option));
    }
    f.names
        .iter()
        .find_map(|n| control_from_name(n, opts.benchmark))
        .map(|r| (r, MatchedBy::Name))
}

/// The CIS v1.2.0 control a well-known metric or alarm name stands for.
/// Names are compared lowercase with only letters and digits; the longest
/// alias contained in the name wins.
const ALIASES: &[(&str, &str)] = &[
    ("unauthorizedapicall", "3.1"),
    ("unauthorizedapi", "3.1"),
    ("nomfaconsolesignin", "3.2"),
    ("consolesigninwithoutmfa", "3.2"),
    ("consoleloginwithoutmfa", "3.2"),
    ("signinwithoutmfa", "3.2"),
    ("loginwithoutmfa", "3.2"),
    ("mgmtconsolenomfa", "3.2"),
    ("nonmfaconsolelogin", "3.2"),
    ("rootusage", "3.3"),
    ("rootaccountusage", "3.3"),
    ("useofrootacc", "3.3"),
    ("rootuser", "3.3"),
    ("rootlogin", "3.3"),
    ("iamchanges", "3.4"),
    ("iampolicychanges", "3.4"),
    ("iampolicy", "3.4"),
    ("cloudtrailcfgchanges", "3.5"),
    ("cloudtrailconfigchanges", "3.5"),
    ("cloudtrailchanges", "3.5"),
    ("consolesigninfailures", "3.6"),
    ("consoleauthfailures", "3.6"),
    ("consoleloginfailures", "3.6"),
    ("loginfailure", "3.6"),
    ("disableordeletecmk", "3.7"),
    ("disabledeletecmk", "3.7"),
    ("cmkdeletedisable", "3.7"),
    ("s3bucketpolicychanges", "3.8"),
    ("s3bucketpolicy", "3.8"),
    ("awsconfigchanges", "3.9"),
    ("configchanges", "3.9"),
    ("securitygroupchanges", "3.10"),
    ("secgroupchanges", "3.10"),
    ("naclchanges", "3.11"),
    ("networkaclchanges", "3.11"),
    ("networkgwchanges", "3.12"),
    ("networkgatewaychanges", "3.12"),
    ("gatewaychanges", "3.12"),
    ("routetablechanges", "3.13"),
    ("vpcchanges", "3.14"),
];

/// The benchmark row a name points at, if any.
pub fn control_from_name(
    name: &str,
    bench: &'static Benchmark,
) -> Option<&'static cis::PatternRow> {
    // A Security Hub id: `CloudWatch.2`.
    let lower = name.to_ascii_lowercase();
    if let Some(p) = lower.find("cloudwatch.") {
        let digits: String = lower
            .get(p + 11..)
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if !digits.is_empty()
            && let Some(r) = bench.row(&format!("CloudWatch.{digits}"))
        {
            return Some(r);
        }
    }
    // A control number: `CIS-3.1`, `cis_3_1`, `3.01` (not a version `v1.2`).
    if let Some(id) = control_number(name) {
        if let Some(r) = bench.row(&id) {
            return Some(r);
        }
        if let Some(sh) = cis::control(&id).and_then(|c| c.securityhub_id)
            && let Some(r) = bench.row(sh)
        {
            return Some(r);
        }
    }
    let squashed: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    let (_, id) = ALIASES
        .iter()
        .filter(|(alias, _)| squashed.contains(alias))
        .max_by_key(|(alias, _)| alias.len())?;
    bench.row(id).or_else(|| {
        cis::control(id)
            .and_then(|c| c.securityhub_id)
            .and_then(|sh| bench.row(sh))
    })
}

/// The last `N.M` (or `N_M`, `N-M` after `cis`) in a name that is not a
/// version number, normalised (`3.01` → `3.1`).
fn control_number(name: &str) -> Option<String> {
    let b = name.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i < b.len() {
        if b.get(i).is_some_and(u8::is_ascii_digit) {
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let sep = b.get(i).copied();
            if matches!(sep, Some(b'.' | b'_')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                let mid = i + 1;
                let mut j = mid;
                while b.get(j).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                }
                let before = start.checked_sub(1).and_then(|p| b.get(p)).copied();
                let version = matches!(before, Some(b'v' | b'V' | b'.'))
                    || (before == Some(b'.')
                        && start >= 2
                        && matches!(b.get(start - 2), Some(b'v' | b'V')))
                    || matches!(b.get(j), Some(b'.'));
                let major = name.get(start..i).and_then(|s| s.parse::<u32>().ok());
                let minor = name.get(mid..j).and_then(|s| s.parse::<u32>().ok());
                if !version && let (Some(ma), Some(mi)) = (major, minor) {
                    found = Some(format!("{ma}.{mi}"));
                }
                i = j;
                continue;
            }
        } else {
            i += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_numbers_in_names() {
        assert_eq!(
            control_number("CIS-3.1-UnauthorizedAPICalls").as_deref(),
            Some("3.1")
        );
        assert_eq!(
            control_number("CIS Benchmark v.1.1 - 3.01 Unauthorized").as_deref(),
            Some("3.1")
        );
        assert_eq!(control_number("cis_3_10").as_deref(), Some("3.10"));
        assert_eq!(control_number("v1.2"), None);
        assert_eq!(control_number("1.2.3"), None);
        assert_eq!(control_number("nothing"), None);
    }
}
