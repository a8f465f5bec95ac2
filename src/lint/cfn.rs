//! CloudFormation and SAM templates (YAML or JSON), read through the YAML
//! tree of [`super::yaml`].
//!
//! CloudFormation: `AWS::Logs::MetricFilter` and
//! `AWS::Logs::SubscriptionFilter` `FilterPattern`s, written as scalars of
//! any style or built with `Fn::Sub` (resolved when it references nothing),
//! `Fn::Join` of literals, `Fn::If` (both branches) and `Ref` to a
//! parameter with a `Default`; short-form tags (`!Sub`, `!Join`, `!If`,
//! `!Ref`) and long forms alike. A file that is not a template (no
//! `Resources` mapping of typed resources) is skipped quietly.

use crate::lint::alternatives::{self, Alt};
use crate::lint::model::{
    Alarm, AlarmDetail, FileProblem, Filter, FilterKind, Format, Metric, MetricKey, PatternValue,
    Setting, Unit,
};
use crate::lint::text::{FileId, FileSpan, Text};
use crate::lint::yaml::{self, Node};

/// CloudFormation resource types whose `FilterPattern` is linted.
pub const FILTER_TYPES: &[(&str, FilterKind)] = &[
    ("AWS::Logs::MetricFilter", FilterKind::MetricFilter),
    (
        "AWS::Logs::SubscriptionFilter",
        FilterKind::SubscriptionFilter,
    ),
];

/// The CloudFormation alarm type.
pub const ALARM_TYPE: &str = "AWS::CloudWatch::Alarm";

/// The metadata key that disables rules for a resource or a template.
pub const METADATA_KEY: &str = "cis-filters";

/// The deepest intrinsic-function nesting followed.
const MAX_DEPTH: usize = 32;

/// A file's text (after any BOM), its id and where the text starts in it.
#[derive(Clone, Copy, Debug)]
pub struct Doc<'a> {
    /// The file.
    pub id: FileId,
    /// Its text after any BOM.
    pub text: &'a str,
    /// Where `text` starts in the file.
    pub base: usize,
    /// YAML or JSON.
    pub json: bool,
}

impl Doc<'_> {
    /// The text of a scalar node, with its place in the file; `None` for a
    /// mapping or a sequence.
    pub(crate) fn scalar(&self, n: &Node) -> Option<Text> {
        match n {
            Node::Scalar(s) => Some(yaml::scalar_text(s, self.text, self.id, self.base)),
            _ => None,
        }
    }

    /// The file's tree, if it parses and is not empty. A file that does not
    /// parse is a problem of `unit` only when `lintable` says that it may
    /// hold what the linter reads.
    pub(crate) fn parse(&self, unit: &mut Unit, lintable: fn(&str) -> bool) -> Option<Node> {
        match yaml::parse(self.text) {
            Ok(root) => root,
            Err(e) => {
                if lintable(self.text) {
                    let at = self.base + e.offset;
                    unit.problems.push(FileProblem {
                        file: self.id,
                        range: at..at,
                        message: format!(
                            "cannot parse {}: {}",
                            if self.json { "JSON" } else { "YAML" },
                            e.message
                        ),
                    });
                }
                None
            }
        }
    }
}

/// Whether a text may hold something to lint (a cheap pre-filter).
pub fn mentions_lintable(text: &str) -> bool {
    text.contains("AWS::Logs::")
}

/// Extract the filters and alarms of a CloudFormation template. A file
/// that does not parse is a problem only if it names a filter type; a
/// parsed file that is not a template is skipped.
pub fn extract_template(doc: Doc<'_>) -> Unit {
    let mut unit = Unit::default();
    let Some(root) = doc.parse(&mut unit, mentions_lintable) else {
        return unit;
    };
    let Some(resources @ Node::Map { .. }) = root.get("Resources") else {
        return unit;
    };
    if let Some(meta) = root.get("Metadata") {
        for code in disabled_codes(meta) {
            unit.file_disabled.push((doc.id, code));
        }
    }
    let cx = Cx {
        doc,
        params: root.get("Parameters"),
    };
    for (key, res) in resources.entries() {
        let Some(logical) = key.as_str() else {
            continue;
        };
        let Some(ty) = res.get("Type").and_then(Node::as_str) else {
            continue;
        };
        if let Some(&(_, kind)) = FILTER_TYPES.iter().find(|(t, _)| *t == ty) {
            cx.filters(logical, key, res, kind, &mut unit.filters);
        } else if ty == ALARM_TYPE {
            unit.alarms
                .push(cx.alarm(logical, key, res.get("Properties")));
        }
    }
    unit
}

/// Rule codes listed under `Metadata: {cis-filters: {disable: [...]}}` (a
/// list, or one comma-separated string).
fn disabled_codes(meta: &Node) -> Vec<String> {
    let Some(d) = meta.get(METADATA_KEY).and_then(|m| m.get("disable")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut add = |s: &str| {
        out.extend(
            s.split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
        );
    };
    match d {
        Node::Scalar(s) => add(&s.value),
        Node::Seq { items, .. } => items.iter().filter_map(Node::as_str).for_each(&mut add),
        Node::Map { .. } => {}
    }
    out
}

/// The alternatives of a value (`Fn::If` branches multiplied out).
type Alts = Vec<Alt<Text>>;

struct Cx<'a> {
    doc: Doc<'a>,
    params: Option<&'a Node>,
}

impl Cx<'_> {
    fn key_span(&self, key: &Node) -> FileSpan {
        FileSpan {
            file: self.doc.id,
            range: self.doc.base + key.span().start..self.doc.base + key.span().end,
        }
    }

    /// The filters of resource `logical`: one per alternative of its
    /// `FilterPattern`.
    fn filters(
        &self,
        logical: &str,
        key: &Node,
        res: &Node,
        kind: FilterKind,
        out: &mut Vec<Filter>,
    ) {
        let props = res.get("Properties");
        let base = self.filter_base(logical, key, res, props, kind);
        let Some(value) = props.and_then(|p| p.get("FilterPattern")) else {
            out.push(Filter {
                pattern: PatternValue::Unknown("the resource has no `FilterPattern`".into()),
                ..base
            });
            return;
        };
        let value_span = FileSpan {
            file: self.doc.id,
            range: self.doc.base + value.span().start..self.doc.base + value.span().end,
        };
        let alts = self.eval(value, 0);
        let many = alts.len() > 1;
        for Alt { val, when } in alts {
            let variant = (many || !when.is_empty()).then(|| when.join(", "));
            let (pattern, anchor) = match val {
                Ok(t) => {
                    let anchor = t
                        .source_span(0..t.as_str().len())
                        .unwrap_or_else(|| value_span.clone());
                    (PatternValue::Known(t), anchor)
                }
                Err(why) => (PatternValue::Unknown(why), value_span.clone()),
            };
            out.push(Filter {
                pattern,
                anchor,
                variant,
                ..base.clone()
            });
        }
    }

    /// Everything about a filter resource but its pattern.
    fn filter_base(
        &self,
        logical: &str,
        key: &Node,
        res: &Node,
        props: Option<&Node>,
        kind: FilterKind,
    ) -> Filter {
        let mut names = vec![logical.to_owned()];
        if let Some(n) = props
            .and_then(|p| p.get("FilterName"))
            .and_then(|n| self.single(n))
        {
            names.push(n);
        }
        let metric = (kind == FilterKind::MetricFilter)
            .then(|| {
                props
                    .and_then(|p| p.get("MetricTransformations"))
                    .and_then(|m| match m {
                        Node::Seq { items, .. } => items.first(),
                        other => Some(other),
                    })
                    .and_then(|t| self.metric(t, "MetricName", "MetricNamespace"))
            })
            .flatten();
        if let Some(Metric {
            name: MetricKey::Literal(m),
            ..
        }) = &metric
        {
            names.push(m.clone());
        }
        Filter {
            kind,
            format: if self.doc.json {
                Format::CloudformationJson
            } else {
                Format::CloudformationYaml
            },
            file: self.doc.id,
            resource: logical.to_owned(),
            extent: self.doc.base + key.span().start..self.doc.base + res.span().end,
            anchor: self.key_span(key),
            pattern: PatternValue::Unknown(String::new()),
            variant: None,
            names,
            metric,
            disabled: res.get("Metadata").map(disabled_codes).unwrap_or_default(),
            log_group: props
                .and_then(|p| p.get("LogGroupName"))
                .map(|n| self.setting(n)),
            filter_name: props
                .and_then(|p| p.get("FilterName"))
                .map(|n| self.setting(n)),
        }
    }

    /// The alarm of resource `logical`: its metric, or the metrics of its
    /// metric-math `Metrics`.
    fn alarm(&self, logical: &str, key: &Node, props: Option<&Node>) -> Alarm {
        let mut metrics = Vec::new();
        if let Some(p) = props {
            metrics.extend(self.metric(p, "MetricName", "Namespace"));
            for m in p.get("Metrics").map(Node::items).unwrap_or_default() {
                metrics.extend(
                    m.get("MetricStat")
                        .and_then(|s| s.get("Metric"))
                        .and_then(|m| self.metric(m, "MetricName", "Namespace")),
                );
            }
        }
        let get = |name: &str| props.and_then(|p| p.get(name)).map(|n| self.setting(n));
        let detail = AlarmDetail {
            file: self.doc.id,
            resource: logical.to_owned(),
            anchor: self.key_span(key),
            metric: props.and_then(|p| self.metric(p, "MetricName", "Namespace")),
            name: get("AlarmName"),
            threshold: get("Threshold"),
            comparison: get("ComparisonOperator"),
            period: get("Period"),
            evaluation_periods: get("EvaluationPeriods"),
            statistic: get("Statistic"),
            actions: props
                .and_then(|p| p.get("AlarmActions"))
                .map(|n| self.setting_list(n)),
        };
        Alarm {
            metrics,
            refers_to: Vec::new(),
            instances: vec![detail],
        }
    }

    /// An intrinsic function call: the function name and its argument, for
    /// both the short (`!Sub x`) and the long (`{"Fn::Sub": x}`) forms.
    fn call<'n>(&self, n: &'n Node) -> Option<(String, CallArg<'n>)> {
        if let Some(tag) = n.tag() {
            let name = if tag == "Ref" || tag.starts_with("Fn::") {
                tag.to_owned()
            } else {
                format!("Fn::{tag}")
            };
            return Some((name, CallArg::Tagged(n)));
        }
        match n.entries() {
            [(k, v)] => {
                let k = k.as_str()?;
                (k == "Ref" || k.starts_with("Fn::")).then(|| (k.to_owned(), CallArg::Node(v)))
            }
            _ => None,
        }
    }

    fn scalar(&self, n: &Node) -> Option<Text> {
        self.doc.scalar(n)
    }

    fn single(&self, n: &Node) -> Option<String> {
        match self.eval(n, 0).as_slice() {
            [Alt { val: Ok(t), .. }] => Some(t.as_str().to_owned()),
            _ => None,
        }
    }

    /// The metric named by property `name` of `n`, with its namespace from
    /// property `namespace`.
    fn metric(&self, n: &Node, name: &str, namespace: &str) -> Option<Metric> {
        Some(Metric {
            name: self.metric_key(n.get(name)?),
            namespace: n.get(namespace).map(|ns| self.metric_key(ns)),
        })
    }

    /// A setting: its value when known, else the expression (as in
    /// [`Cx::metric_key`]).
    fn setting(&self, n: &Node) -> Setting {
        match self.metric_key(n) {
            MetricKey::Literal(s) => Setting::Known(s),
            MetricKey::Symbol(s) => Setting::Unknown(s),
        }
    }

    /// A list of strings, known when every item is.
    fn setting_list(&self, n: &Node) -> Setting<Vec<String>> {
        let Node::Seq { items, .. } = n else {
            return Setting::Unknown(match self.setting(n) {
                Setting::Known(s) | Setting::Unknown(s) => s,
            });
        };
        let mut out = Vec::new();
        for item in items {
            match self.setting(item) {
                Setting::Known(s) => out.push(s),
                Setting::Unknown(s) => return Setting::Unknown(s),
            }
        }
        Setting::Known(out)
    }

    fn metric_key(&self, n: &Node) -> MetricKey {
        if let Some(s) = self.single(n) {
            return MetricKey::Literal(s);
        }
        match self.call(n) {
            Some((f, arg)) => MetricKey::Symbol(format!(
                "{f}:{}",
                arg.node()
                    .as_str()
                    .map_or_else(|| format!("{:?}", arg.node().span()), str::to_owned)
            )),
            None => MetricKey::Symbol(format!("{:?}", n.span())),
        }
    }

    /// The alternatives of a value: a scalar, or an intrinsic function
    /// evaluated where its result is known statically.
    fn eval(&self, n: &Node, depth: usize) -> Alts {
        if depth > MAX_DEPTH {
            return err("intrinsic functions are nested too deeply");
        }
        let Some((f, arg)) = self.call(n) else {
            return self.eval_plain(n);
        };
        let arg = arg.node();
        match f.as_str() {
            "Ref" => self.eval_ref(arg, depth),
            "Fn::Sub" => self.eval_sub(arg),
            "Fn::Join" => self.eval_join(arg, depth),
            "Fn::If" => self.eval_if(arg, depth),
            other => err(format!("`{other}` is not evaluated")),
        }
    }

    /// A value that is not a function call: a string, or why not.
    fn eval_plain(&self, n: &Node) -> Alts {
        match self.scalar(n) {
            Some(t) => vec![Alt::ok(t)],
            None if matches!(n, Node::Map { .. })
                && self
                    .doc
                    .text
                    .get(n.span())
                    .is_some_and(|t| t.starts_with('{')) =>
            {
                err(
                    "the value is a YAML mapping, not a string: a pattern that starts with `{` must be quoted in YAML",
                )
            }
            None => err("the value is not a string"),
        }
    }

    /// `Ref` of a parameter with a `Default`.
    fn eval_ref(&self, arg: &Node, depth: usize) -> Alts {
        let Some(name) = arg.as_str() else {
            return err("`Ref` of something other than a name");
        };
        match self
            .params
            .and_then(|p| p.get(name))
            .and_then(|p| p.get("Default"))
        {
            Some(d) => self.eval(d, depth + 1),
            None => err(format!(
                "`Ref {name}` is not known statically (not a parameter with a default)"
            )),
        }
    }

    /// `Fn::Sub` of a string that references nothing.
    fn eval_sub(&self, arg: &Node) -> Alts {
        let (template, vars) = match arg {
            Node::Seq { items, .. } => (items.first(), items.get(1)),
            other => (Some(other), None),
        };
        let Some(t) = template.and_then(|t| self.scalar(t)) else {
            return err("`Fn::Sub` without a string");
        };
        vec![Alt {
            val: sub_literal(&t, vars.is_some_and(|v| !v.entries().is_empty())),
            when: vec![],
        }]
    }

    /// `Fn::Join` of a literal list: every combination of its items'
    /// alternatives.
    fn eval_join(&self, arg: &Node, depth: usize) -> Alts {
        let items = arg.items();
        let (Some(sep), Some(list)) = (items.first(), items.get(1)) else {
            return err("`Fn::Join` needs a delimiter and a list");
        };
        let Some(sep) = self.scalar(sep) else {
            return err("the `Fn::Join` delimiter is not a string");
        };
        if self.call(list).is_some() {
            return err("the `Fn::Join` list is computed");
        }
        let mut acc: Alts = vec![Alt::ok(Text::new())];
        for (i, item) in list.items().iter().enumerate() {
            let part = self.eval(item, depth + 1);
            let next = alternatives::product(&acc, &part, |mut x, y| {
                if i > 0 {
                    x.push_text(&sep);
                }
                x.push_text(&y);
                Ok(x)
            });
            if alternatives::too_many(&next) {
                return err("too many combinations of `Fn::If` branches");
            }
            acc = next;
        }
        acc
    }

    /// `Fn::If`: both branches, each under its condition (a branch that is
    /// `AWS::NoValue` is dropped).
    fn eval_if(&self, arg: &Node, depth: usize) -> Alts {
        let items = arg.items();
        let (Some(cond), Some(a), Some(b)) = (items.first(), items.get(1), items.get(2)) else {
            return err("`Fn::If` needs a condition and two values");
        };
        let cond = cond.as_str().unwrap_or("?");
        let mut out = Vec::new();
        for (branch, truth) in [(a, "true"), (b, "false")] {
            if branch.get("Ref").and_then(Node::as_str) == Some("AWS::NoValue") {
                continue;
            }
            for alt in self.eval(branch, depth + 1) {
                out.push(alt.under(format!("when condition `{cond}` is {truth}")));
            }
        }
        out
    }
}

/// A value that is not known, and why.
fn err(why: impl Into<String>) -> Alts {
    vec![Alt::err(why)]
}

/// The argument of an intrinsic function.
enum CallArg<'n> {
    /// Short form: the tagged node is the argument.
    Tagged(&'n Node),
    /// Long form: the value of the `Fn::…` key.
    Node(&'n Node),
}

impl<'n> CallArg<'n> {
    fn node(&self) -> &'n Node {
        match self {
            CallArg::Tagged(n) | CallArg::Node(n) => n,
        }
    }
}

/// `Fn::Sub` of a string that references nothing: `${!Literal}` becomes
/// `${Literal}`; any `${Name}` is a variable and makes the value unknown.
fn sub_literal(t: &Text, has_vars: bool) -> Result<Text, String> {
    let s = t.as_str();
    let mut out = Text::new();
    let mut i = 0;
    let mut run = 0;
    while let Some(p) = s.get(i..).and_then(|r| r.find("${")) {
        let at = i + p;
        if s.get(at + 2..).is_some_and(|r| r.starts_with('!')) {
            out.push_text(&t.slice(run..at + 2));
            run = at + 3;
            i = at + 3;
        } else {
            let end = s
                .get(at..)
                .and_then(|r| r.find('}'))
                .map_or(s.len(), |e| at + e + 1);
            let var = s.get(at..end).unwrap_or("${…}");
            return Err(format!(
                "`Fn::Sub` references {var}{}, which is not known statically",
                if has_vars {
                    " (or one of its variables)"
                } else {
                    ""
                }
            ));
        }
    }
    out.push_text(&t.slice(run..s.len()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Doc<'_> {
        Doc {
            id: 0,
            text,
            base: 0,
            json: false,
        }
    }

    fn known(f: &Filter) -> &str {
        match &f.pattern {
            PatternValue::Known(t) => t.as_str(),
            PatternValue::Unknown(w) => panic!("unknown: {w}"),
        }
    }

    const TEMPLATE: &str = r#"AWSTemplateFormatVersion: '2010-09-09'
Metadata:
  cis-filters:
    disable: CF0402
Parameters:
  MetricParam:
    Type: String
    Default: RootUsage
Conditions:
  Strict: !Equals [a, a]
Resources:
  A:
    Type: AWS::Logs::MetricFilter
    Metadata:
      cis-filters:
        disable: [CF0403]
    Properties:
      FilterPattern: '{ $.a = "x" }'
      MetricTransformations:
        - MetricName: !Ref MetricParam
          MetricNamespace: CISBenchmark
          MetricValue: '1'
  B:
    Type: 'AWS::Logs::MetricFilter'
    Properties:
      FilterPattern: !Sub '{ $.b = "${!x}" }'
  C:
    Type: AWS::Logs::SubscriptionFilter
    Properties:
      FilterPattern: !Sub '{ $.c = "${AWS::Region}" }'
  D:
    Type: AWS::Logs::MetricFilter
    Properties:
      FilterPattern:
        Fn::Join: [" ", ["{ $.d = 1", !If [Strict, "&& $.e = 2 }", "}"]]]
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      MetricName: !Ref MetricParam
      Namespace: CISBenchmark
  MathAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Metrics:
        - Id: m1
          MetricStat:
            Metric:
              MetricName: Other
              Namespace: !Ref NamespaceParam
"#;

    #[test]
    fn extracts_every_form() {
        let u = extract_template(doc(TEMPLATE));
        assert_eq!(u.file_disabled, vec![(0, "CF0402".to_owned())]);
        let a = &u.filters[0];
        assert_eq!(known(a), "{ $.a = \"x\" }");
        assert_eq!(
            a.metric,
            Some(Metric {
                name: MetricKey::Literal("RootUsage".into()),
                namespace: Some(MetricKey::Literal("CISBenchmark".into())),
            })
        );
        assert!(a.names.contains(&"RootUsage".to_owned()));
        assert_eq!(a.disabled, vec!["CF0403"]);
        let PatternValue::Known(t) = &a.pattern else {
            unreachable!()
        };
        let r = t.source_span(2..3).unwrap().range;
        assert_eq!(&TEMPLATE[r.start..r.start + 3], "$.a");
        assert_eq!(known(&u.filters[1]), "{ $.b = \"${x}\" }");
        match &u.filters[2].pattern {
            PatternValue::Unknown(w) => assert!(w.contains("${AWS::Region}"), "{w}"),
            PatternValue::Known(_) => panic!(),
        }
        assert_eq!(u.filters[2].kind, FilterKind::SubscriptionFilter);
        assert_eq!(known(&u.filters[3]), "{ $.d = 1 && $.e = 2 }");
        assert_eq!(known(&u.filters[4]), "{ $.d = 1 }");
        assert_eq!(
            u.filters[4].variant.as_deref(),
            Some("when condition `Strict` is false")
        );
        assert_eq!(
            u.alarms[0].metrics,
            vec![Metric {
                name: MetricKey::Literal("RootUsage".into()),
                namespace: Some(MetricKey::Literal("CISBenchmark".into())),
            }]
        );
        assert_eq!(
            u.alarms[1].metrics,
            vec![Metric {
                name: MetricKey::Literal("Other".into()),
                namespace: Some(MetricKey::Symbol("Ref:NamespaceParam".into())),
            }]
        );
    }

    #[test]
    fn non_templates_are_skipped_and_broken_templates_reported() {
        assert!(
            extract_template(doc("name: x\nitems: [1, 2]\n"))
                .filters
                .is_empty()
        );
        assert!(extract_template(doc("a: [")).problems.is_empty());
        let u = extract_template(doc(
            "Resources:\n  A:\n    Type: AWS::Logs::MetricFilter\n    Properties: [\n",
        ));
        assert_eq!(u.problems.len(), 1);
    }
}
