//! Stage 3, check: each filter against its control (CIS verdict) and the
//! pattern rules, and each metric filter for an alarm on its metric.

use std::collections::BTreeMap;
use std::ops::Range;

use super::intent::{MatchedBy, intent_from_hints};
use super::load::{Loaded, first_line, location};
use super::model::{Filter, FilterKind, Metric, MetricKey, PatternValue, Unit};
use super::rules::{self, Rule};
use super::suppress::Ctx;
use super::text::{FileId, FileSpan, Text};
use super::{Diagnostic, FilterReport, INTENT_SCORE, Location, Options, Related, diagnostic};
use crate::cis;
use crate::cis::verdict::{Comparison, Verdict};
use crate::pattern;

/// What checking gives the later stages.
pub(super) struct Checked {
    /// One report per filter.
    pub(super) filters: Vec<FilterReport>,
    /// The metric filters that pass a control: (control, resource).
    pub(super) passing: Vec<(String, String)>,
    /// Rules that resource metadata or templates switch off for a file.
    pub(super) file_disabled: Vec<(FileId, String)>,
    /// The diagnostics, with what suppression needs to know of their filter.
    pub(super) diagnostics: Vec<(Diagnostic, Option<Ctx>)>,
}

/// Check every filter of `units`.
pub(super) fn check(units: &[Unit], loaded: &[Loaded<'_>], opts: &Options) -> Checked {
    let mut c = Checker {
        loaded,
        opts,
        exempt_cache: BTreeMap::new(),
        out: Checked {
            filters: Vec::new(),
            passing: Vec::new(),
            file_disabled: Vec::new(),
            diagnostics: Vec::new(),
        },
    };
    for unit in units {
        c.unit(unit);
    }
    c.out
}

struct Checker<'r, 'a> {
    loaded: &'r [Loaded<'a>],
    opts: &'r Options,
    /// The `!=` fields of each control's canonical patterns (CF0301 exemptions).
    exempt_cache: BTreeMap<String, Vec<String>>,
    out: Checked,
}

/// One filter being checked: where it is, and its report so far.
struct Site<'f> {
    filter: &'f Filter,
    ctx: Ctx,
    anchor: Location,
    report: FilterReport,
}

impl Site<'_> {
    /// A diagnostic about the filter, at its anchor.
    fn diagnostic(&self, rule: Rule, message: String) -> Diagnostic {
        Diagnostic {
            resource: Some(self.filter.resource.clone()),
            variant: self.filter.variant.clone(),
            location: Some(self.anchor.clone()),
            ..diagnostic(rule, message)
        }
    }

    /// Mark the filter as meant for a control by its names or `--control`
    /// (a filter whose pattern is unknown or invalid still counts as that
    /// control's filter; it just cannot pass).
    fn intent_from_hints(&mut self, opts: &Options) -> bool {
        match intent_from_hints(self.filter, opts) {
            Some((row, by)) => {
                self.report.control = Some(row.control.to_owned());
                self.report.matched_by = Some(by);
                true
            }
            None => false,
        }
    }
}

impl Checker<'_, '_> {
    fn unit(&mut self, unit: &Unit) {
        self.out
            .file_disabled
            .extend(unit.file_disabled.iter().cloned());
        for p in &unit.problems {
            self.out.diagnostics.push((
                Diagnostic {
                    location: Some(location(self.loaded.get(p.file), p.range.clone())),
                    ..diagnostic(Rule::FileError, p.message.clone())
                },
                None,
            ));
        }
        let mut no_alarm_seen: Vec<&str> = Vec::new();
        for f in &unit.filters {
            self.filter(unit, f, &mut no_alarm_seen);
        }
    }

    fn push(&mut self, d: Diagnostic, site: &Site<'_>) {
        self.out.diagnostics.push((d, Some(site.ctx.clone())));
    }

    fn filter<'u>(&mut self, unit: &Unit, f: &'u Filter, no_alarm_seen: &mut Vec<&'u str>) {
        let anchor = location(self.loaded.get(f.anchor.file), f.anchor.range.clone());
        let mut site = Site {
            filter: f,
            ctx: Ctx::of(f),
            report: FilterReport {
                location: first_line(&anchor),
                resource: f.resource.clone(),
                kind: f.kind,
                format: f.format,
                variant: f.variant.clone(),
                pattern: None,
                valid: None,
                control: None,
                matched_by: None,
                verdict: None,
                passes: None,
            },
            anchor,
        };
        if f.kind == FilterKind::MetricFilter
            && let Some(metric) = &f.metric
            && !has_alarm(unit, f, metric)
            && !no_alarm_seen.contains(&f.resource.as_str())
        {
            no_alarm_seen.push(&f.resource);
            self.no_alarm(unit, metric, &site);
        }
        match &f.pattern {
            PatternValue::Unknown(why) => {
                let d = Diagnostic {
                    help: Some(String::from(
                        "lint the rendered template, or give the value a literal default, to have it checked",
                    )),
                    ..site.diagnostic(
                        Rule::Unresolved,
                        format!("the filter pattern is not known statically: {why}"),
                    )
                };
                self.push(d, &site);
                site.intent_from_hints(self.opts);
            }
            PatternValue::Known(text) => self.pattern(text, &mut site),
        }
        self.out.filters.push(site.report);
    }

    /// CF0302: no alarm watches the filter's metric (once per resource).
    fn no_alarm(&mut self, unit: &Unit, metric: &Metric, site: &Site<'_>) {
        let f = site.filter;
        let name = match &metric.name {
            MetricKey::Literal(s) | MetricKey::Symbol(s) => format!("`{s}`"),
        };
        let elsewhere = other_namespaces(unit, metric);
        let message = match (&metric.namespace, elsewhere.is_empty()) {
            (Some(MetricKey::Literal(ns) | MetricKey::Symbol(ns)), false) => format!(
                "no alarm in these files watches the metric {name} in namespace `{ns}` of this filter; the alarms on {name} watch namespace {}",
                elsewhere.join(", ")
            ),
            _ => format!("no alarm in these files watches the metric {name} of this filter"),
        };
        let d = Diagnostic {
            location: Some(location(
                self.loaded.get(f.file),
                f.extent.start..f.extent.start,
            )),
            variant: None,
            help: Some(String::from(
                "add an alarm on the metric (aws_cloudwatch_metric_alarm / AWS::CloudWatch::Alarm), or disable CF0302 for this resource if the alarm lives elsewhere",
            )),
            ..site.diagnostic(Rule::NoAlarm, message)
        };
        self.push(d, site);
    }

    /// Where a range of the pattern is in the file (the anchor when the
    /// pattern was built and has no place of its own).
    fn span_location(&self, text: &Text, site: &Site<'_>, r: Range<usize>) -> Location {
        match text.source_span(r) {
            Some(FileSpan { file, range }) => location(self.loaded.get(file), range),
            None => site.anchor.clone(),
        }
    }

    /// A known pattern: its syntax, its verdict and the pattern rules.
    fn pattern(&mut self, text: &Text, site: &mut Site<'_>) {
        site.report.pattern = Some(text.as_str().to_owned());
        let ast = match pattern::parse(text.as_str()) {
            Ok(ast) => ast,
            Err(e) => return self.syntax_error(text, &e, site),
        };
        site.report.valid = Some(true);
        let (conforming, exempt) = self.conformance(text, site);
        let mut findings = rules::never_matches(&ast);
        if !conforming {
            findings.extend(rules::semantic_parts(&ast, &findings));
            findings.extend(rules::ne_on_optional(&ast, &exempt));
        }
        for pf in findings {
            let mut d = site.diagnostic(pf.rule, pf.message);
            d.location = Some(self.span_location(text, site, pf.span.range()));
            d.help = pf.help;
            d.related = pf
                .related
                .into_iter()
                .map(|(s, m)| Related {
                    location: self.span_location(text, site, s.range()),
                    message: m,
                })
                .collect();
            self.push(d, site);
        }
    }

    /// CF0100: the pattern does not parse.
    fn syntax_error(&mut self, text: &Text, e: &pattern::ParseError, site: &mut Site<'_>) {
        site.report.valid = Some(false);
        let mut notes = Vec::new();
        if !text.is_verbatim() || text.as_str().contains('\n') {
            let col = text
                .as_str()
                .get(..e.span().start)
                .map_or(0, |t| t.chars().count())
                + 1;
            notes.push(format!(
                "at column {col} of the pattern as deployed: `{}`",
                text.as_str().replace('\n', "\\n")
            ));
        }
        let mut d = site.diagnostic(Rule::PatternSyntax, e.message().to_owned());
        d.location = Some(self.span_location(text, site, e.span().range()));
        d.help = e.help().map(str::to_owned);
        d.syntax_error = Some(e.kind().code());
        d.notes = notes;
        self.push(d, site);
        if site.intent_from_hints(self.opts) {
            site.report.verdict = Some(Verdict::Invalid);
            site.report.passes = Some(false);
        }
    }

    /// The CIS verdict of a valid pattern: whether it passes its control,
    /// and the `!=` fields of that control's canonical patterns.
    fn conformance(&mut self, text: &Text, site: &mut Site<'_>) -> (bool, Vec<String>) {
        let f = site.filter;
        let Some((cmp, by)) = conformance(text.as_str(), f, self.opts) else {
            return (false, Vec::new());
        };
        let opts = self.opts;
        let exempt = self
            .exempt_cache
            .entry(cmp.control.clone())
            .or_insert_with(|| {
                opts.benchmark
                    .row(&cmp.control)
                    .map(|row| {
                        row.canonical
                            .iter()
                            .filter_map(|form| pattern::parse(form).ok())
                            .flat_map(|a| rules::ne_paths(&a))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .clone();
        site.report.control = Some(cmp.control.clone());
        site.report.matched_by = Some(by);
        site.report.verdict = Some(cmp.verdict);
        site.report.passes = Some(cmp.passes);
        if cmp.passes && f.kind == FilterKind::MetricFilter {
            self.out
                .passing
                .push((cmp.control.clone(), f.resource.clone()));
        }
        if let Some(v) = verdict_diagnostic(&cmp, by, opts) {
            let mut d = site.diagnostic(v.rule, v.message);
            d.control = Some(cmp.control.clone());
            d.help = v.help;
            d.notes = v.notes;
            self.push(d, site);
        }
        (cmp.passes, exempt)
    }
}

/// Whether an alarm of the unit watches the filter's metric: one that
/// refers to the filter resource, or one on the same metric name in a
/// namespace that can be the same. A filter with a literal name is also
/// taken as watched when some alarm's metric name is not known.
fn has_alarm(unit: &Unit, f: &Filter, metric: &Metric) -> bool {
    let address = f.resource.split('[').next().unwrap_or(&f.resource);
    unit.alarms.iter().any(|a| {
        a.refers_to.iter().any(|r| r == address)
            || a.metrics
                .iter()
                .any(|m| m.name == metric.name && m.same_namespace(metric))
    }) || (matches!(metric.name, MetricKey::Literal(_))
        && unit.alarms.iter().any(|a| {
            a.metrics
                .iter()
                .any(|m| matches!(m.name, MetricKey::Symbol(_)))
        }))
}

/// The namespaces of the unit's alarms on the filter's metric name, when
/// none of them is the filter's: the likely mistake behind a missing alarm.
fn other_namespaces(unit: &Unit, metric: &Metric) -> Vec<String> {
    let mut out: Vec<String> = unit
        .alarms
        .iter()
        .flat_map(|a| &a.metrics)
        .filter(|m| m.name == metric.name)
        .filter_map(|m| match &m.namespace {
            Some(MetricKey::Literal(ns) | MetricKey::Symbol(ns)) => Some(format!("`{ns}`")),
            None => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The comparison of a filter with the control it is meant for.
fn conformance(pattern: &str, f: &Filter, opts: &Options) -> Option<(Comparison, MatchedBy)> {
    if f.kind != FilterKind::MetricFilter && opts.control.is_none() {
        return None;
    }
    if let Some((row, by)) = intent_from_hints(f, opts) {
        return cis::verdict::compare(pattern, opts.benchmark, row.control, opts.mode)
            .map(|c| (c, by));
    }
    let conditions = match pattern::normalize(pattern) {
        Ok(pattern::Normal::Json(e)) => e.leaves().len(),
        _ => 0,
    };
    if conditions < 2 {
        return None;
    }
    let cl = cis::verdict::classify(pattern, opts.benchmark, opts.mode);
    let top = cl.candidates.first()?;
    if top.score < INTENT_SCORE {
        return None;
    }
    cl.best.map(|c| (c, MatchedBy::Closest))
}

/// The diagnostic a verdict calls for.
struct VerdictDiagnostic {
    rule: Rule,
    message: String,
    help: Option<String>,
    notes: Vec<String>,
}

/// The diagnostic for a verdict, if any.
fn verdict_diagnostic(
    cmp: &Comparison,
    by: MatchedBy,
    opts: &Options,
) -> Option<VerdictDiagnostic> {
    let mut notes: Vec<String> = cmp
        .differences
        .iter()
        .map(|d| {
            let mut s = format!("{}: {}", d.change.as_str(), d.term);
            match (&d.expected, &d.found) {
                (Some(e), Some(f)) => s.push_str(&format!(" (expected `{e}`, found `{f}`)")),
                (Some(e), None) => s.push_str(&format!(" (expected `{e}`)")),
                (None, Some(f)) => s.push_str(&format!(" (found `{f}`)")),
                (None, None) => {}
            }
            s
        })
        .collect();
    if let Some(n) = &cmp.note {
        notes.push(n.clone());
    }
    let title = opts
        .benchmark
        .row(&cmp.control)
        .map_or(String::new(), |r| format!(" ({})", r.title));
    let reference = format!("{} {}{}", opts.benchmark.name, cmp.control, title);
    match (cmp.verdict, cmp.passes) {
        (Verdict::Exact, _) | (Verdict::Invalid, _) => None,
        (Verdict::Equivalent, true) => Some(VerdictDiagnostic {
            rule: Rule::CisEquivalent,
            message: format!(
                "equivalent to the {reference} pattern but not written the same; Security Hub may still fail it"
            ),
            help: Some(format!(
                "write it as `{}` for Security Hub parity",
                cmp.canonical
            )),
            notes,
        }),
        (verdict, _) => {
            notes.push(format!(
                "the filter is {}; expected `{}`",
                by.reason(),
                cmp.canonical
            ));
            let relation = if verdict == Verdict::Equivalent {
                "not exactly the same as"
            } else {
                "different from"
            };
            Some(VerdictDiagnostic {
                rule: Rule::CisNonconforming,
                message: format!(
                    "the pattern is {relation} the {reference} pattern under `{}` matching",
                    opts.mode
                ),
                help: Some(String::from(
                    "use the canonical pattern, or disable CF0200 for this resource if it is not meant for this control",
                )),
                notes,
            })
        }
    }
}
