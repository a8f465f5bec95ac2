//! The chain of a monitoring control (1.1, 3.1–3.14) as an SVG diagram —
//! trail → log group → metric filter → alarm → SNS topic → subscription —
//! with the link where it broke marked and explained, the term differences
//! of a near-miss filter, and the semantic relation with its witness event
//! when the evidence has one.

use maud::{Markup, html};
use serde_json::Value;

use super::{json_text, status_mark};
use crate::audit::{Finding, Status};

/// The links of a chain, in order: evidence key, label.
pub const LINKS: [(&str, &str); 6] = [
    ("trail", "Trail"),
    ("log_group", "Log group"),
    ("metric_filter", "Metric filter"),
    ("alarm", "Alarm"),
    ("topic", "SNS topic"),
    ("subscription", "Subscription"),
];

/// How a link of the chain fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Found and good.
    Ok,
    /// The chain breaks here (FAILED).
    Broken,
    /// The chain leads to another account or region here (WARNING).
    Warning,
    /// This link could not be read (NOT_AVAILABLE).
    Unreadable,
    /// Not reached: the chain broke before.
    NotReached,
}

impl State {
    /// The name used in the diagram's `data-state` and CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Broken => "broken",
            State::Warning => "warning",
            State::Unreadable => "unreadable",
            State::NotReached => "not-reached",
        }
    }

    fn caption(self) -> &'static str {
        match self {
            State::Ok => "found",
            State::Broken => "broken here",
            State::Warning => "another account or region",
            State::Unreadable => "could not be read",
            State::NotReached => "not reached",
        }
    }

    fn mark(self) -> Option<&'static str> {
        match self {
            State::Ok => Some("PASSED"),
            State::Broken => Some("FAILED"),
            State::Warning => Some("WARNING"),
            State::Unreadable => Some("NOT_AVAILABLE"),
            State::NotReached => None,
        }
    }
}

/// One link as drawn.
#[derive(Clone, Debug)]
pub struct Link {
    /// The evidence key (`trail`, …).
    pub key: &'static str,
    /// The label (`CloudTrail trail`, …).
    pub label: &'static str,
    /// A short name for the box, if the link was reached.
    pub name: Option<String>,
    /// The full identifier (ARN, pattern), shown on hover and in the text.
    pub full: Option<String>,
    /// How it fared.
    pub state: State,
    /// The caption under the name (`broken here`, …).
    pub caption: &'static str,
}

fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

/// The part after the last `sep`, or the whole.
fn after<'a>(s: &'a str, sep: &str) -> &'a str {
    s.rsplit_once(sep).map_or(s, |(_, b)| b)
}

/// The short name and the full text of a link from the chain evidence.
fn describe(key: &str, v: &Value) -> Option<(String, String)> {
    match key {
        "trail" => text(Some(v)).map(|s| (after(s, "trail/").to_owned(), s.to_owned())),
        "log_group" => text(Some(v)).map(|s| {
            let name = s
                .split_once(":log-group:")
                .map_or(s, |(_, b)| b)
                .trim_end_matches(":*");
            (name.to_owned(), s.to_owned())
        }),
        "metric_filter" => {
            let name = text(v.get("name"))?;
            let pattern = text(v.get("pattern")).unwrap_or("");
            Some((name.to_owned(), format!("{name}: {pattern}")))
        }
        "alarm" => text(Some(v)).map(|s| (after(s, ":alarm:").to_owned(), s.to_owned())),
        "topic" => text(Some(v)).map(|s| (after(s, ":").to_owned(), s.to_owned())),
        "subscription" => {
            let protocol = text(v.get("protocol")).unwrap_or("?");
            let endpoint = text(v.get("endpoint")).unwrap_or("");
            let arn = text(v.get("arn")).unwrap_or("");
            Some((
                format!("{protocol}: {endpoint}"),
                format!("{protocol} {endpoint} ({arn})"),
            ))
        }
        _ => None,
    }
}

/// The index in [`LINKS`] of a `broken_link` value.
fn link_index(broken: &str) -> Option<usize> {
    match broken {
        "alarm_actions" => Some(3),
        b => LINKS.iter().position(|(k, _)| *k == b),
    }
}

/// The links of a chain finding, with their states.
pub fn links(f: &Finding) -> Vec<Link> {
    let chain = f.evidence.get("chain");
    let broken = text(f.evidence.get("broken_link")).and_then(link_index);
    LINKS
        .iter()
        .enumerate()
        .map(|(i, (key, label))| {
            let found = chain
                .and_then(|c| c.get(*key))
                .and_then(|v| describe(key, v));
            let state = if f.status == Status::Passed {
                State::Ok
            } else {
                match broken {
                    Some(b) if i < b => State::Ok,
                    Some(b) if i == b => match f.status {
                        Status::Warning => State::Warning,
                        Status::NotAvailable => State::Unreadable,
                        _ => State::Broken,
                    },
                    _ => State::NotReached,
                }
            };
            let (name, full) = found.map_or((None, None), |(n, f)| (Some(n), Some(f)));
            let caption = match (state, text(f.evidence.get("broken_link"))) {
                (State::Broken, Some("alarm_actions")) => "broken: its actions",
                (State::Unreadable, Some("alarm_actions")) => "actions not reported",
                _ => state.caption(),
            };
            Link {
                key,
                label,
                name,
                full,
                state,
                caption,
            }
        })
        .collect()
}

/// At most `max` characters of `s`: its start and its end with `…` between
/// (names differ at either end: `aws-cloudtrail-logs-…-management`).
fn clip(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_owned();
    }
    let head = max.saturating_sub(1) / 2;
    let tail = max.saturating_sub(1) - head;
    let mut out: String = s.chars().take(head).collect();
    out.push('…');
    out.extend(s.chars().skip(n - tail));
    out
}

const BOX_W: u32 = 172;
const BOX_H: u32 = 92;
const GAP: u32 = 30;
const PAD: u32 = 4;

/// The diagram of a chain finding (`control` names it for screen readers).
pub fn diagram(control: &str, f: &Finding) -> Markup {
    let links = links(f);
    let width = PAD * 2 + BOX_W * 6 + GAP * 5;
    let height = PAD * 2 + BOX_H;
    let metric = f
        .evidence
        .get("chain")
        .and_then(|c| c.get("metric"))
        .map(|m| text(m.get("name")).unwrap_or("?").to_owned());
    let summary: Vec<String> = links
        .iter()
        .map(|l| format!("{}: {}", l.label, l.caption))
        .collect();
    let label = format!("Chain of control {control}. {}.", summary.join("; "));
    html! {
        svg.diagram viewBox={ "0 0 " (width) " " (height) }
            role="img" aria-label=(label) data-control=(control) {
            @for (i, l) in links.iter().enumerate() {
                @let x = PAD + (BOX_W + GAP) * i as u32;
                @let y = PAD;
                g class={ "node " (l.state.as_str()) } data-link=(l.key) data-state=(l.state.as_str()) {
                    title { (l.label) ": " (l.full.as_deref().unwrap_or(l.caption)) }
                    rect x=(x) y=(y) width=(BOX_W) height=(BOX_H) rx="8" {}
                    text.kind x=(x + 10) y=(y + 20) { (l.label) }
                    @if let Some(m) = l.state.mark() {
                        use href={ "#m-" (m) } class={ "st-" (m) } x=(x + BOX_W - 24) y=(y + 7) width="16" height="16" {}
                    }
                    text.name x=(x + 10) y=(y + 42) {
                        (l.name.as_deref().map_or_else(|| "—".to_owned(), |n| clip(n, 21)))
                    }
                    @if l.key == "metric_filter" && metric.is_some() {
                        text.sub x=(x + 10) y=(y + 61) { "metric " (clip(metric.as_deref().unwrap_or(""), 17)) }
                    }
                    text.state x=(x + 10) y=(y + 82) { (l.caption) }
                }
                @if i + 1 < links.len() {
                    @let ax = x + BOX_W + 3;
                    @let ay = y + BOX_H / 2;
                    @let next = links.get(i + 1).map_or(State::NotReached, |n| n.state);
                    g class={ "arrow " (if next == State::NotReached { "not-reached" } else { "ok" }) } {
                        line x1=(ax) y1=(ay) x2=(ax + GAP - 12) y2=(ay) {}
                        path d={ "M" (ax + GAP - 12) " " (ay - 5) "L" (ax + GAP - 5) " " (ay) "L" (ax + GAP - 12) " " (ay + 5) "z" } {}
                    }
                }
            }
        }
    }
}

/// What a broken link means and how to mend it.
fn advice(key: &str, f: &Finding) -> &'static str {
    match (key, f.status) {
        (_, Status::Warning) => {
            "What the chain needs here is in another account or region: check it there (Security Hub reports WARNING the same way)."
        }
        (_, Status::NotAvailable) => {
            "This part of the account could not be read, so the control was not judged: grant the read permission (docs/aws.md) and collect again."
        }
        ("trail", _) => {
            "Create (or fix) a multi-region trail that is logging, records all read and write management events, and delivers to a CloudWatch Logs log group."
        }
        ("log_group", _) => {
            "Point the trail at a CloudWatch Logs log group of this account that the snapshot covers."
        }
        ("metric_filter", _) => {
            "Put a metric filter with the control's pattern on the trail's log group (the differences of the closest filter are below)."
        }
        ("alarm", _) => {
            "Create a CloudWatch alarm on the filter's metric (same name and namespace, same region), with its actions enabled and an SNS topic as an alarm action."
        }
        ("topic", _) => "Make the alarm notify an existing SNS topic of this account.",
        ("subscription", _) => {
            "Subscribe someone to the topic and confirm the subscription (an unconfirmed email subscription does not count)."
        }
        _ => "",
    }
}

/// The explanation under a diagram: the finding's reason, the broken link
/// and what to do, a near miss's term differences, the relation and its
/// witness, a read error.
pub fn explanation(f: &Finding) -> Markup {
    let ev = &f.evidence;
    let broken = text(ev.get("broken_link"));
    let broken_label = broken
        .and_then(link_index)
        .and_then(|i| LINKS.get(i))
        .map(|(_, l)| *l);
    let verdict = ev.get("verdict").filter(|v| v.is_object());
    let filter = ev.get("chain").and_then(|c| c.get("metric_filter"));
    html! {
        div class={ "explain " (f.status.as_str()) } {
            p {
                (status_mark(f.status)) " "
                code { (f.reason_code) } " — " (f.reason)
            }
            @if let (Some(b), Some(label)) = (broken, broken_label) {
                p.small {
                    strong { "Broken at: " (label) }
                    @if b == "alarm_actions" { " (its actions)" }
                    ". " (advice(LINKS.get(broken.and_then(link_index).unwrap_or(0)).map_or("", |(k, _)| *k), f))
                }
            }
            @if let Some(e) = ev.get("error").filter(|e| e.is_object()) {
                p.small {
                    "Read error: "
                    code { (text(e.get("service")).unwrap_or("?")) ":" (text(e.get("operation")).unwrap_or("?")) }
                    @if let Some(r) = text(e.get("region")) { " in " (r) }
                    " — " code { (text(e.get("code")).unwrap_or("")) } " " (text(e.get("message")).unwrap_or(""))
                }
            }
        }
        @if let Some(v) = verdict {
            (verdict_block(v, filter, ev.get("closeness")))
        }
        @if let Some(names) = ev.get("log_group_filters").and_then(Value::as_array) {
            p.small {
                "No filter on the log group resembles the control's pattern. Its filters ("
                (names.len()) "): "
                @for (i, n) in names.iter().enumerate() {
                    @if i > 0 { ", " }
                    code { (n.as_str().unwrap_or("")) }
                }
            }
        }
        @if let Some(sem) = ev.get("semantics").filter(|r| r.is_object()) {
            (semantics_block(sem))
        }
    }
}

/// The verdict of the filter in the chain: the patterns and the term diff.
fn verdict_block(v: &Value, filter: Option<&Value>, closeness: Option<&Value>) -> Markup {
    let diffs = v
        .get("differences")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let found = filter.and_then(|f| text(f.get("pattern")));
    let passes = v.get("passes").and_then(Value::as_bool) == Some(true);
    let patterns = html! {
        dl.patterns {
            @if let Some(p) = found {
                dt { "Filter's pattern" }
                dd { pre { (p) } }
            }
            @if let Some(c) = text(v.get("canonical")) {
                dt { "Control's pattern" }
                dd { pre { (c) } }
            }
        }
    };
    html! {
        @if passes {
            details.small { summary { "The filter's pattern and the control's" } (patterns) }
        } @else {
            (patterns)
        }
        p.small {
            "Verdict: " strong { (text(v.get("verdict")).unwrap_or("?")) }
            @if let Some(b) = text(v.get("benchmark")) { " against " (b) }
            @if let Some(c) = closeness.and_then(Value::as_f64) { " · closeness " (format!("{c:.3}")) }
            @if let Some(n) = text(v.get("note")) { " · " (n) }
            @if let Some(e) = v.get("error").filter(|e| !e.is_null()) { " · " (e.as_str().map_or_else(|| json_text(e), str::to_owned)) }
        }
        @if !diffs.is_empty() {
            table.diff {
                thead { tr { th { "Change" } th { "Term" } th { "Expected" } th { "Found" } } }
                tbody {
                    @for d in diffs {
                        @let change = text(d.get("change")).unwrap_or("");
                        tr class=(change) {
                            td.ch {
                                (match change { "missing" => "− missing", "extra" => "+ extra", "changed" => "± changed", "structure" => "≠ structure", other => other })
                            }
                            td { code { (text(d.get("term")).unwrap_or("")) } }
                            td { @if let Some(e) = text(d.get("expected")) { code { (e) } } }
                            td { @if let Some(x) = text(d.get("found")) { code { (x) } } }
                        }
                    }
                }
            }
        }
    }
}

/// What the filter's pattern means next to the control's (`semantics` of
/// the evidence, `docs/report.md`): the relation in words and the events
/// that show it, each confirmed by the matcher when it was found.
fn semantics_block(sem: &Value) -> Markup {
    let relation = text(sem.get("relation")).unwrap_or("unknown");
    let meaning = match relation {
        "equivalent" => "it counts the same events; it differs in form only",
        "narrower" => "a blind spot: it misses events the control counts",
        "broader" => "no blind spot: it counts every event the control counts, and more",
        "overlapping" => "a blind spot: it misses events the control counts, and counts others",
        "disjoint" => "a blind spot: it shares no event with the control",
        "never" => "it matches no event at all",
        _ => "whether it misses events is not decided",
    };
    let event = |key: &str| {
        sem.get(key)
            .and_then(|w| w.get("event"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    html! {
        div.witness data-relation=(relation) {
            p { "What the filter's pattern means: " strong { (relation) } " — " (meaning) "." }
            @if let Some(r) = text(sem.get("reason")) {
                p.small { "Why: " (r) }
            }
            @if let Some(e) = event("only_canonical") {
                p.small { "An event the control's pattern counts and the filter misses:" }
                pre.missed { (e) }
            }
            @if let Some(e) = event("only_pattern") {
                p.small { "An event the filter counts and the control's pattern does not:" }
                pre.extra { (e) }
            }
        }
    }
}

/// A whole chain block: heading, diagram, explanation.
pub fn block(control: &crate::cis::Control, status: Status, f: &Finding) -> Markup {
    html! {
        div.chain id={ "chain-" (super::audit::anchor(control.id)) } data-control=(control.id) data-status=(status.as_str()) {
            h3 {
                (status_mark(f.status))
                span { (control.id) " " (control.title) }
                @if let Some(sh) = control.securityhub_id { span.muted.small { (sh) } }
                @if let Some(r) = &f.region { span.muted.small { (r) } }
            }
            (diagram(control.id, f))
            (explanation(f))
            @if f.status != Status::Passed {
                details.small {
                    summary { "How to fix" }
                    p { (control.remediation) }
                }
            }
            details.small {
                summary { "Evidence (JSON)" }
                pre { (json_text(&f.evidence)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::ResourceType;
    use serde_json::json;

    fn finding(status: Status, evidence: Value) -> Finding {
        let mut f = Finding::new(
            status,
            ResourceType::Account,
            "AWS::::Account:123456789012",
            Some("us-east-1"),
            "X",
            "r",
        );
        f.evidence = evidence;
        f
    }

    #[test]
    fn states_follow_the_broken_link() {
        let f = finding(
            Status::Failed,
            json!({"chain": {"trail": "arn:aws:cloudtrail:us-east-1:1:trail/t", "log_group": "arn:aws:logs:us-east-1:1:log-group:g:*",
                   "metric_filter": {"name": "f", "pattern": "{ $.a = 1 }"}}, "broken_link": "metric_filter"}),
        );
        let l = links(&f);
        let states: Vec<State> = l.iter().map(|l| l.state).collect();
        assert_eq!(
            states,
            [
                State::Ok,
                State::Ok,
                State::Broken,
                State::NotReached,
                State::NotReached,
                State::NotReached
            ]
        );
        assert_eq!(l[0].name.as_deref(), Some("t"));
        assert_eq!(l[1].name.as_deref(), Some("g"));
        assert_eq!(l[2].name.as_deref(), Some("f"));
        // alarm_actions breaks at the alarm box; a warning is a warning.
        let f = finding(Status::Warning, json!({"broken_link": "alarm_actions"}));
        assert_eq!(links(&f)[3].state, State::Warning);
        let f = finding(Status::Passed, json!({}));
        assert!(links(&f).iter().all(|l| l.state == State::Ok));
        // No chain at all: nothing reached.
        let f = finding(Status::NotAvailable, json!({}));
        assert!(links(&f).iter().all(|l| l.state == State::NotReached));
    }

    #[test]
    fn names_are_escaped_in_the_svg() {
        let f = finding(
            Status::Failed,
            json!({"chain": {"trail": "arn:aws:cloudtrail:us-east-1:1:trail/<script>x</script>"}, "broken_link": "log_group",
                   "semantics": {"relation": "narrower", "only_canonical": {"event": "{\"eventName\":\"<img src=x onerror=alert(1)>\"}"}, "only_pattern": null}}),
        );
        let s = diagram("3.1", &f).into_string() + &explanation(&f).into_string();
        assert!(!s.contains("<script>"), "{s}");
        assert!(!s.contains("<img"), "{s}");
        assert!(s.contains("&lt;img src=x onerror=alert(1)&gt;"), "{s}");
        assert!(s.contains("narrower"));
        assert!(s.contains(r#"data-link="log_group" data-state="broken""#));
    }
}
