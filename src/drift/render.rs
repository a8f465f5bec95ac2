//! Output formats of a drift [`Report`]: text for a reviewer, JSON, SARIF.

use std::fmt::Write as _;

use super::{
    AccountAlarm, AccountFilter, AlarmPair, CodeValue, FieldDiff, FilterPair, Place, Report, Status,
};
use crate::cis::verdict::{Change, Difference};
use crate::report::escape;
use crate::report::sarif;
use crate::semantics::Relation;

/// Where the rules of the SARIF output are documented.
const DOCS_URI: &str = "https://github.com/cis-filters/cis-filters/blob/main/docs/drift.md";

/// The report as text: one block per pair, drift first, then a summary.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "drift between the code and account {} ({})",
        escape::line(&report.account_id),
        if report.regions.is_empty() {
            "no region".to_owned()
        } else {
            escape::line(&report.regions.join(", ")).into_owned()
        }
    );
    let mut filters: Vec<&FilterPair> = report.filters.iter().collect();
    filters.sort_by_key(|p| std::cmp::Reverse(order(p.status)));
    let mut alarms: Vec<&AlarmPair> = report.alarms.iter().collect();
    alarms.sort_by_key(|p| std::cmp::Reverse(order(p.status)));
    if !filters.is_empty() {
        out.push_str("\nmetric filters\n");
    }
    for p in filters {
        filter_block(&mut out, p);
    }
    if !alarms.is_empty() {
        out.push_str("\nalarms\n");
    }
    for p in alarms {
        alarm_block(&mut out, p);
    }
    if !report.unreadable.is_empty() {
        out.push_str("\nnot read from the account (pairs it could change are unknown):\n");
    }
    for u in &report.unreadable {
        let _ = writeln!(out, "    {}", escape::line(u));
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\n{} same, {} rewritten, {} different, {} unknown, {} only in code, {} only in the account: {}",
        s.same,
        s.rewritten,
        s.different,
        s.unknown,
        s.only_in_code,
        s.only_in_account,
        if report.has_drift() {
            "drift"
        } else {
            "no drift"
        }
    );
    out
}

/// Drift first, then unknown, then the rest.
fn order(s: Status) -> u8 {
    match s {
        Status::Different => 5,
        Status::OnlyInCode => 4,
        Status::OnlyInAccount => 3,
        Status::Unknown => 2,
        Status::Rewritten => 1,
        Status::Same => 0,
    }
}

fn label(s: Status) -> &'static str {
    match s {
        Status::Same => "same",
        Status::Rewritten => "rewritten",
        Status::Unknown => "unknown",
        Status::Different => "different",
        Status::OnlyInCode => "only in code",
        Status::OnlyInAccount => "only in the account",
    }
}

fn at(p: &Place) -> String {
    format!("{}:{}:{}", escape::line(&p.path), p.line, p.column)
}

fn deployed_filter(a: &AccountFilter) -> String {
    format!(
        "{}: log group `{}`, filter `{}`",
        escape::line(&a.region),
        escape::line(&a.log_group_name),
        escape::line(&a.filter_name)
    )
}

fn deployed_alarm(a: &AccountAlarm) -> String {
    format!(
        "{}: alarm `{}`",
        escape::line(&a.region),
        escape::line(&a.alarm_name)
    )
}

fn filter_block(out: &mut String, p: &FilterPair) {
    let head = match (&p.code, &p.account) {
        (Some(c), _) => {
            let variant = c
                .variant
                .as_ref()
                .map(|v| format!(" ({})", escape::line(v)))
                .unwrap_or_default();
            format!(
                "{}{variant} at {}",
                escape::line(&c.resource),
                at(&c.location)
            )
        }
        (None, Some(a)) => deployed_filter(a),
        (None, None) => String::new(),
    };
    let paired = match (&p.code, &p.account, p.paired_by) {
        (Some(_), Some(a), Some(by)) => Some((
            deployed_filter(a),
            if by == "name" {
                "log group and filter name"
            } else {
                "metric name and namespace"
            },
        )),
        _ => None,
    };
    head_lines(out, p.status, &head, paired);
    if p.status == Status::OnlyInAccount
        && let Some(a) = &p.account
    {
        let _ = writeln!(out, "    pattern: {}", escape::line(&a.pattern));
    }
    if p.status == Status::OnlyInCode
        && let Some(c) = &p.code
    {
        let _ = writeln!(
            out,
            "    no deployed filter named {} on {}",
            shown(c.filter_name.as_ref()),
            shown(c.log_group_name.as_ref())
        );
    }
    if let Some(r) = p.relation {
        let _ = writeln!(
            out,
            "    {}",
            match r {
                Relation::Equivalent =>
                    "the deployed pattern matches the same events as the code's (equivalent)",
                Relation::Narrower =>
                    "the deployed pattern matches fewer events than the code's (narrower)",
                Relation::Broader =>
                    "the deployed pattern matches more events than the code's (broader)",
                Relation::Overlapping =>
                    "each pattern matches events the other does not (overlapping)",
                Relation::Disjoint => "no event matches both patterns (disjoint)",
                Relation::Never => "one of the patterns matches no event at all (never)",
                Relation::Unknown =>
                    "whether the patterns match the same events was not decided (unknown)",
            }
        );
    }
    for d in &p.pattern_diff {
        let _ = writeln!(out, "    {}", term(d));
    }
    tail_lines(out, &p.differences, p.reason.as_deref());
}

fn alarm_block(out: &mut String, p: &AlarmPair) {
    let head = match (&p.code, &p.account) {
        (Some(c), _) => format!("{} at {}", escape::line(&c.resource), at(&c.location)),
        (None, Some(a)) => deployed_alarm(a),
        (None, None) => String::new(),
    };
    let paired = match (&p.code, &p.account, p.paired_by) {
        (Some(_), Some(a), Some(by)) => Some((
            deployed_alarm(a),
            if by == "name" {
                "alarm name"
            } else {
                "metric name and namespace"
            },
        )),
        _ => None,
    };
    head_lines(out, p.status, &head, paired);
    if p.status == Status::OnlyInAccount
        && let Some(a) = &p.account
    {
        let _ = writeln!(
            out,
            "    watches `{}` in `{}`",
            escape::line(a.metric_name.as_deref().unwrap_or("")),
            escape::line(a.namespace.as_deref().unwrap_or(""))
        );
    }
    if p.status == Status::OnlyInCode
        && let Some(c) = &p.code
    {
        let _ = writeln!(
            out,
            "    no deployed alarm named {} or watching {} in {}",
            shown(c.alarm_name.as_ref()),
            shown(c.metric_name.as_ref()),
            shown(c.namespace.as_ref())
        );
    }
    tail_lines(out, &p.differences, p.reason.as_deref());
}

/// The first lines of a pair: its status and side, and what it is paired
/// with (the deployed resource, and by what).
fn head_lines(out: &mut String, status: Status, head: &str, paired: Option<(String, &str)>) {
    let _ = writeln!(out, "{}: {head}", label(status));
    if let Some((deployed, by)) = paired {
        let _ = writeln!(out, "    deployed: {deployed} (paired by {by})");
    }
}

/// The last lines of a pair: the settings that differ, and the reason.
fn tail_lines(out: &mut String, diffs: &[FieldDiff], reason: Option<&str>) {
    fields(out, diffs);
    if let Some(r) = reason {
        let _ = writeln!(out, "    {}", escape::line(r));
    }
}

fn shown(v: Option<&CodeValue>) -> String {
    v.map_or_else(
        || "(not set)".to_owned(),
        |v| format!("`{}`", escape::line(&v.shown())),
    )
}

fn fields(out: &mut String, diffs: &[FieldDiff]) {
    for d in diffs {
        if d.field == "pattern" {
            let _ = writeln!(out, "    code:    {}", escape::line(&d.code));
            let _ = writeln!(
                out,
                "    account: {}",
                escape::line(d.account.as_deref().unwrap_or(""))
            );
            continue;
        }
        let _ = writeln!(
            out,
            "    {}: code `{}`, account {}",
            d.field,
            escape::line(&d.code),
            d.account.as_ref().map_or_else(
                || "(not set)".to_owned(),
                |a| format!("`{}`", escape::line(a))
            )
        );
    }
}

/// One term difference, from the account's side.
fn term(d: &Difference) -> String {
    let t = escape::line(&d.term);
    match d.change {
        Change::Missing => format!("missing in the account: {t}"),
        Change::Extra => format!("extra in the account: {t}"),
        Change::Changed => format!(
            "changed: {t}: code {}, account {}",
            escape::line(d.expected.as_deref().unwrap_or("")),
            escape::line(d.found.as_deref().unwrap_or(""))
        ),
        Change::Structure => format!(
            "structure: {t}: code {}, account {}",
            escape::line(d.expected.as_deref().unwrap_or("")),
            escape::line(d.found.as_deref().unwrap_or(""))
        ),
    }
}

/// The report as JSON (`docs/drift.md`), pretty-printed, with a trailing
/// newline.
pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_else(|_| String::from("{}"));
    s.push('\n');
    s
}

/// The SARIF rules: one per drift status, and `unknown` as a note.
const RULES: &[(Status, &str, &str, sarif::Level)] = &[
    (
        Status::Different,
        "drift-different",
        "The deployed filter or alarm differs from the code.",
        sarif::Level::Error,
    ),
    (
        Status::OnlyInCode,
        "drift-only-in-code",
        "The code declares a filter or alarm that is not deployed.",
        sarif::Level::Error,
    ),
    (
        Status::OnlyInAccount,
        "drift-only-in-account",
        "A filter or alarm is deployed that the code does not declare.",
        sarif::Level::Error,
    ),
    (
        Status::Unknown,
        "drift-unknown",
        "Whether the deployed filter or alarm matches the code is not known statically.",
        sarif::Level::Note,
    ),
];

/// The report as SARIF 2.1.0: a result at the code's location for every
/// pair that is drift or unknown. A filter or alarm only in the account is
/// reported at the first code filter on its log group, or by name alone.
pub fn sarif(report: &Report) -> String {
    let mut run = sarif::Run::new(sarif::Tool::new(
        "cis-filters",
        env!("CARGO_PKG_VERSION"),
        DOCS_URI,
    ));
    for (_, id, text, level) in RULES {
        run.tool.driver.rules.push(
            sarif::ReportingDescriptor::new(id, id.trim_start_matches("drift-"), text)
                .level(*level)
                .tags(&["security", "cloudwatch-logs", "drift"]),
        );
    }
    let rule = |s: Status| RULES.iter().position(|(r, ..)| *r == s);
    for p in &report.filters {
        let Some(index) = rule(p.status) else {
            continue;
        };
        let mut lines = vec![match (&p.code, &p.account) {
            (Some(c), Some(a)) => {
                format!("{} {}: {}", c.resource, label(p.status), deployed_filter(a))
            }
            (Some(c), None) => format!("{} {}", c.resource, label(p.status)),
            (None, Some(a)) => format!("{} {}", deployed_filter(a), label(p.status)),
            (None, None) => String::new(),
        }];
        lines.extend(p.pattern_diff.iter().map(term));
        lines.extend(p.differences.iter().map(field_line));
        lines.extend(p.reason.clone());
        let place = p.code.as_ref().map(|c| &c.location).or_else(|| {
            let group = &p.account.as_ref()?.log_group_name;
            report
                .filters
                .iter()
                .filter_map(|q| q.code.as_ref())
                .find(|c| c.log_group_name.as_ref().and_then(CodeValue::known) == Some(group))
                .map(|c| &c.location)
        });
        let name = p.code.as_ref().map_or_else(
            || p.account.as_ref().map(deployed_filter).unwrap_or_default(),
            |c| c.resource.clone(),
        );
        run.results
            .push(result(index, &lines, place, &name, p.status));
    }
    for p in &report.alarms {
        let Some(index) = rule(p.status) else {
            continue;
        };
        let mut lines = vec![match (&p.code, &p.account) {
            (Some(c), Some(a)) => {
                format!("{} {}: {}", c.resource, label(p.status), deployed_alarm(a))
            }
            (Some(c), None) => format!("{} {}", c.resource, label(p.status)),
            (None, Some(a)) => format!("{} {}", deployed_alarm(a), label(p.status)),
            (None, None) => String::new(),
        }];
        lines.extend(p.differences.iter().map(field_line));
        lines.extend(p.reason.clone());
        let place = p.code.as_ref().map(|c| &c.location);
        let name = p.code.as_ref().map_or_else(
            || p.account.as_ref().map(deployed_alarm).unwrap_or_default(),
            |c| c.resource.clone(),
        );
        run.results
            .push(result(index, &lines, place, &name, p.status));
    }
    sarif::Log::new(vec![run]).to_json()
}

fn field_line(d: &FieldDiff) -> String {
    format!(
        "{}: code `{}`, account {}",
        d.field,
        d.code,
        d.account
            .as_ref()
            .map_or_else(|| "(not set)".to_owned(), |a| format!("`{a}`"))
    )
}

fn result(
    index: usize,
    lines: &[String],
    place: Option<&Place>,
    name: &str,
    status: Status,
) -> sarif::SarifResult {
    let (id, level) = RULES
        .get(index)
        .map_or(("drift-unknown", sarif::Level::Note), |(_, id, _, l)| {
            (*id, *l)
        });
    let mut res = sarif::SarifResult::new(id, level, &lines.join("\n"));
    res.rule_index = Some(index);
    if let Some(p) = place {
        let (start, end) = p.bytes();
        res = res.at(
            &sarif::relative_uri(&p.path),
            sarif::Region::new(p.line, p.column, p.end_line, p.end_column.max(p.column))
                .bytes(start, end.saturating_sub(start)),
        );
    }
    res = res.resource(name, "resource");
    res.partial_fingerprints.insert(
        "cisFilters/v1".to_owned(),
        format!("{}:{name}", status.as_str()),
    );
    res
}
