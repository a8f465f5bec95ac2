//! Terraform's JSON syntax (`.tf.json`), read through the YAML tree of
//! [`crate::lint::yaml`]: `resource.<type>.<name>.<attribute>` literal
//! strings. Interpolations in JSON syntax (`${…}`) are reported as not
//! statically known.

use super::{ALARM_TYPE, FILTER_TYPES, mentions_lintable};
use crate::lint::cfn::Doc;
use crate::lint::model::{
    Alarm, AlarmDetail, Filter, FilterKind, Format, Metric, MetricKey, PatternValue, Setting, Unit,
};
use crate::lint::text::{FileSpan, Text};
use crate::lint::yaml::Node;

/// Extract filters and alarms from a Terraform JSON file (`.tf.json`).
pub fn extract_tf_json(doc: Doc<'_>) -> Unit {
    let mut unit = Unit::default();
    // `doc.json` is set for a `.tf.json` file: a parse error says "JSON".
    let Some(root) = doc.parse(&mut unit, mentions_lintable) else {
        return unit;
    };
    let json = Json { doc };
    for block in resource_blocks(&root) {
        for (ty_key, by_name) in block.entries() {
            let Some(ty) = ty_key.as_str() else { continue };
            let filter = FILTER_TYPES.iter().find(|(t, _, _)| *t == ty);
            for (key, body) in by_name.entries() {
                let Some(name) = key.as_str() else {
                    continue;
                };
                let body = first_of(body);
                if let Some(&(_, attr, kind)) = filter {
                    unit.filters
                        .push(json.filter(ty, name, key, body, attr, kind));
                } else if ty == ALARM_TYPE {
                    unit.alarms.push(json.alarm(ty, name, key, body));
                }
            }
        }
    }
    unit
}

/// The `resource` blocks: `resource` is an object, or a list of objects.
fn resource_blocks(root: &Node) -> Vec<&Node> {
    match root.get("resource") {
        Some(n @ Node::Map { .. }) => vec![n],
        Some(Node::Seq { items, .. }) => items.iter().collect(),
        _ => Vec::new(),
    }
}

/// A block written as a list of one object stands for that object.
fn first_of(n: &Node) -> &Node {
    match n {
        Node::Seq { items, .. } => items.first().unwrap_or(n),
        other => other,
    }
}

/// The text of one `.tf.json` file.
struct Json<'a> {
    doc: Doc<'a>,
}

impl Json<'_> {
    fn scalar(&self, n: &Node) -> Option<Text> {
        self.doc.scalar(n)
    }

    fn span(&self, n: &Node) -> FileSpan {
        FileSpan {
            file: self.doc.id,
            range: self.doc.base + n.span().start..self.doc.base + n.span().end,
        }
    }

    /// A literal string, or the interpolation (whitespace removed) as a
    /// symbol two references can be compared by.
    fn metric_key(&self, n: &Node) -> MetricKey {
        match self.scalar(n) {
            Some(t) if !t.as_str().contains("${") => MetricKey::Literal(t.as_str().to_owned()),
            Some(t) => {
                MetricKey::Symbol(t.as_str().chars().filter(|c| !c.is_whitespace()).collect())
            }
            None => MetricKey::Symbol(format!("{:?}", n.span())),
        }
    }

    fn setting(&self, n: &Node) -> Setting {
        match self.metric_key(n) {
            MetricKey::Literal(s) => Setting::Known(s),
            MetricKey::Symbol(s) => Setting::Unknown(s),
        }
    }

    /// The metric named by attribute `name` of `n`, with the `namespace`
    /// beside it.
    fn metric_in(&self, n: &Node, name: &str) -> Option<Metric> {
        n.get(name).map(|m| Metric {
            name: self.metric_key(m),
            namespace: n.get("namespace").map(|ns| self.metric_key(ns)),
        })
    }

    /// The filter of resource `ty.name`, its pattern read from `attr`.
    fn filter(
        &self,
        ty: &str,
        name: &str,
        key: &Node,
        body: &Node,
        attr: &str,
        kind: FilterKind,
    ) -> Filter {
        let mut names = vec![name.to_owned()];
        if let Some(n) = body.get("name").and_then(Node::as_str) {
            names.push(n.to_owned());
        }
        let metric = body
            .get("metric_transformation")
            .map(first_of)
            .and_then(|m| self.metric_in(m, "name"));
        if let Some(Metric {
            name: MetricKey::Literal(m),
            ..
        }) = &metric
        {
            names.push(m.clone());
        }
        let (pattern, anchor) = match body.get(attr) {
            None => (
                PatternValue::Unknown(format!("the resource has no `{attr}`")),
                self.span(key),
            ),
            Some(v) => self.pattern(v),
        };
        Filter {
            kind,
            format: Format::TerraformJson,
            file: self.doc.id,
            resource: format!("{ty}.{name}"),
            extent: self.doc.base + key.span().start..self.doc.base + body.span().end,
            anchor,
            pattern,
            variant: None,
            names,
            metric,
            disabled: Vec::new(),
            log_group: body.get("log_group_name").map(|n| self.setting(n)),
            filter_name: body.get("name").map(|n| self.setting(n)),
        }
    }

    /// A pattern attribute's value (trimmed, like the AWS provider) and
    /// where to point at it; a template is not evaluated.
    fn pattern(&self, v: &Node) -> (PatternValue, FileSpan) {
        let vspan = self.span(v);
        match self.scalar(v) {
            Some(t) if t.as_str().contains("${") || t.as_str().contains("%{") => (
                PatternValue::Unknown(
                    "the string is a template (`${…}`), which is not evaluated".into(),
                ),
                vspan,
            ),
            Some(t) => {
                let t = t.trimmed();
                let anchor = t.source_span(0..t.as_str().len()).unwrap_or(vspan);
                (PatternValue::Known(t), anchor)
            }
            None => (
                PatternValue::Unknown("the value is not a string".into()),
                vspan,
            ),
        }
    }

    /// The alarm of resource `ty.name`.
    fn alarm(&self, ty: &str, name: &str, key: &Node, body: &Node) -> Alarm {
        let actions = body.get("alarm_actions").map(|n| self.actions(n));
        let detail = AlarmDetail::terraform(
            self.doc.id,
            format!("{ty}.{name}"),
            self.span(key),
            self.metric_in(body, "metric_name"),
            actions,
            |attr| body.get(attr).map(|n| self.setting(n)),
        );
        Alarm {
            metrics: self.metric_in(body, "metric_name").into_iter().collect(),
            refers_to: body
                .get("metric_name")
                .and_then(Node::as_str)
                .map(filters_referenced)
                .unwrap_or_default(),
            instances: vec![detail],
        }
    }

    /// `alarm_actions`: known when it is a list of literal strings.
    fn actions(&self, n: &Node) -> Setting<Vec<String>> {
        match n {
            Node::Seq { items, .. } => items
                .iter()
                .map(|i| match self.setting(i) {
                    Setting::Known(s) => Ok(s),
                    Setting::Unknown(s) => Err(s),
                })
                .collect::<Result<Vec<_>, _>>()
                .map_or_else(Setting::Unknown, Setting::Known),
            other => match self.setting(other) {
                Setting::Known(s) | Setting::Unknown(s) => Setting::Unknown(s),
            },
        }
    }
}

/// The filter resources an alarm's `metric_name` interpolates
/// (`${aws_cloudwatch_log_metric_filter.x.…}` → `aws_cloudwatch_log_metric_filter.x`).
fn filters_referenced(s: &str) -> Vec<String> {
    FILTER_TYPES
        .iter()
        .filter_map(|(t, _, _)| {
            let needle = format!("{t}.");
            let p = s.find(&needle)?;
            let ident: String = s
                .get(p + needle.len()..)?
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            Some(format!("{t}.{ident}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_json() {
        let j = r#"{"resource": {"aws_cloudwatch_log_metric_filter": {"x": {"name": "RootUsage", "pattern": "{ $.a = \"1\" }", "metric_transformation": {"name": "M", "namespace": "N"}}, "y": {"pattern": "${var.p}"}}, "aws_cloudwatch_metric_alarm": {"a": {"metric_name": "M"}}}}"#;
        let u = extract_tf_json(Doc {
            id: 0,
            text: j,
            base: 0,
            json: true,
        });
        assert_eq!(u.filters.len(), 2);
        assert_eq!(u.filters[0].resource, "aws_cloudwatch_log_metric_filter.x");
        match &u.filters[0].pattern {
            PatternValue::Known(t) => assert_eq!(t.as_str(), "{ $.a = \"1\" }"),
            PatternValue::Unknown(w) => panic!("unknown: {w}"),
        }
        assert!(matches!(u.filters[1].pattern, PatternValue::Unknown(_)));
        assert_eq!(
            u.filters[0].metric,
            Some(Metric {
                name: MetricKey::Literal("M".into()),
                namespace: Some(MetricKey::Literal("N".into())),
            })
        );
        assert_eq!(
            u.alarms[0].metrics,
            vec![Metric {
                name: MetricKey::Literal("M".into()),
                namespace: None,
            }]
        );
    }
}
