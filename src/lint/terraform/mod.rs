//! Terraform: filters and alarms of one module (the `.tf` files of one
//! directory), with patterns resolved statically where Terraform itself
//! would get the same string without any input.
//!
//! Resolved: quoted strings (HCL escapes), heredocs (`<<EOT`, `<<-EOT`),
//! templates whose interpolations resolve, `local.x` and `var.x` (its
//! `default`), `for_each` over a map (`each.key`, `each.value[...]`),
//! `for` expressions, `join`, `format`, `merge`, `lookup`, `try`,
//! `trimspace`, and conditionals (both branches, each linted on its own).
//! Anything else (resource attributes, data sources, variables without a
//! default, other functions) is reported as not statically known, never
//! guessed. Like the AWS provider, the pattern is trimmed of surrounding
//! whitespace.

mod budget;
mod calls;
mod eval;
mod expansion;
mod functions;
mod heredoc;
pub(in crate::lint) mod instances;
mod json;
mod resources;
mod view;

use std::cell::Cell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Attribute, Block, Body};
use hcl_edit::template::Element;

use crate::lint::Limits;
use crate::lint::alternatives::{self, MAX_ALTERNATIVES};
use crate::lint::model::{
    Alarm, AlarmDetail, FileProblem, Filter, FilterKind, Format, Metric, MetricKey, PatternValue,
    Setting, Unit,
};
use crate::lint::text::{FileId, FileSpan, Text, decode_hcl_quoted};
pub use budget::Budget;
use calls::input_val;
pub use calls::{Input, Inputs, ModuleCall};
use eval::{clip, kind_of};
pub(in crate::lint) use json::extract_tf_json;
use view::View;

/// Resource types whose patterns are linted, and the attribute holding it.
pub const FILTER_TYPES: &[(&str, &str, FilterKind)] = &[
    (
        "aws_cloudwatch_log_metric_filter",
        "pattern",
        FilterKind::MetricFilter,
    ),
    (
        "aws_cloudwatch_log_subscription_filter",
        "filter_pattern",
        FilterKind::SubscriptionFilter,
    ),
];

/// At most this many instances of a resource with `count` are checked
/// (CloudWatch Logs allows 100 metric filters per log group).
const MAX_COUNT: usize = 100;

/// The alarm resource type.
pub const ALARM_TYPE: &str = "aws_cloudwatch_metric_alarm";

/// How deep references may chain (`local.a` → `local.b` → …) before
/// evaluation gives up; also bounds recursion on nested expressions.
const MAX_DEPTH: usize = 48;

/// One `.tf` file of a module: its id, its text without a byte-order mark,
/// and the byte offset of that text in the file (3 after a BOM, else 0).
#[derive(Clone, Copy, Debug)]
pub struct TfFile<'a> {
    /// The file.
    pub id: FileId,
    /// Its text after any BOM.
    pub text: &'a str,
    /// Where `text` starts in the file.
    pub base: usize,
    /// Whether it is an override file (`override.tf`, `*_override.tf`),
    /// merged into the blocks of the other files as Terraform does.
    pub is_override: bool,
}

/// Whether a file name is that of a Terraform override file.
pub fn is_override_file(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name == "override.tf" || name.ends_with("_override.tf")
}

/// Whether file `src` of a module is an override file.
fn is_override(files: &[TfFile<'_>], src: usize) -> bool {
    files.get(src).is_some_and(|f| f.is_override)
}

/// The same scope in another file (an argument from an override file).
fn at<'b>(scope: &Rc<Scope<'b>>, src: usize) -> Rc<Scope<'b>> {
    if scope.src == src {
        Rc::clone(scope)
    } else {
        Rc::new(Scope {
            src,
            bindings: scope.bindings.clone(),
        })
    }
}

/// Extract the filters and alarms of one module (with the default limits).
pub fn extract_module(files: &[TfFile<'_>]) -> Unit {
    ParsedModule::new(files)
        .extract(&Vec::new(), "", &Budget::new(Limits::default()))
        .0
}

/// The files of one module, parsed once for the module on its own and for
/// every instance of it.
pub struct ParsedModule<'a> {
    files: &'a [TfFile<'a>],
    /// The body of each file that parses, with its index in `files`.
    bodies: Vec<(usize, Body)>,
    /// Files that name a linted resource type but do not parse.
    problems: Vec<FileProblem>,
}

impl<'a> ParsedModule<'a> {
    /// Parse every file of the module.
    pub fn new(files: &'a [TfFile<'a>]) -> Self {
        let mut bodies = Vec::new();
        let mut problems = Vec::new();
        for (i, f) in files.iter().enumerate() {
            match hcl_edit::parser::parse_body(f.text) {
                Ok(body) => bodies.push((i, body)),
                Err(e) => {
                    // Only a problem if the file might hold what we lint;
                    // otherwise a syntax error is terraform's to report.
                    if mentions_lintable(f.text) {
                        let at = f.base + e.location().offset();
                        problems.push(FileProblem {
                            file: f.id,
                            range: at..at,
                            message: format!("cannot parse Terraform: {}", e.message()),
                        });
                    }
                }
            }
        }
        ParsedModule {
            files,
            bodies,
            problems,
        }
    }

    /// Extract the filters and alarms of the module, or of one instance of
    /// it whose variables take `inputs` (defaults apply to the others), and
    /// the local modules it calls. Resource addresses get `prefix`
    /// (`module.alarms.`); files that do not parse are reported for the
    /// module on its own (empty prefix) only.
    pub fn extract(
        &self,
        inputs: &Inputs,
        prefix: &str,
        budget: &Budget,
    ) -> (Unit, Vec<ModuleCall>) {
        let mut unit = Unit::default();
        if prefix.is_empty() {
            unit.problems.clone_from(&self.problems);
        }
        extract_parsed(self.files, &self.bodies, inputs, prefix, unit, budget)
    }
}

/// Extract a parsed module's filters and alarms (in the file order of the
/// primary files) and its module calls, with the variables given by
/// `inputs`.
fn extract_parsed<'b>(
    files: &'b [TfFile<'b>],
    bodies: &'b [(usize, Body)],
    inputs: &Inputs,
    prefix: &str,
    mut unit: Unit,
    budget: &Budget,
) -> (Unit, Vec<ModuleCall>) {
    let mut env = Env::new(files, bodies, budget);
    env.given = inputs
        .iter()
        .map(|(name, v)| {
            (
                name.clone(),
                v.as_ref().map(input_val).map_err(Clone::clone),
            )
        })
        .collect();
    let mut calls = Vec::new();
    for (src, body) in bodies.iter().filter(|(src, _)| !is_override(files, *src)) {
        for block in body.get_blocks("resource") {
            let Some(kind) = label(block, 0) else {
                continue;
            };
            let view = View::merged(files, bodies, "resource", block, *src);
            if let Some(&(_, attr, fk)) = FILTER_TYPES.iter().find(|(t, _, _)| *t == kind) {
                env.filter_resource(&view, kind, attr, fk, &mut unit);
            } else if kind == ALARM_TYPE {
                unit.alarms.extend(env.alarm_resource(&view));
            }
        }
        for block in body.get_blocks("module") {
            let view = View::merged(files, bodies, "module", block, *src);
            calls.extend(env.module_calls(&view));
        }
    }
    if env.cut_short.get()
        && let Some(why) = budget.run_spent()
        && let Some(first) = files.first()
    {
        unit.problems.push(FileProblem {
            file: first.id,
            range: first.base..first.base,
            message: format!("{why}; some filters of this module were not linted"),
        });
    }
    if !prefix.is_empty() {
        add_prefix(&mut unit, prefix);
    }
    (unit, calls)
}

/// Prefix the resource addresses of an instance of a module
/// (`module.alarms.`).
fn add_prefix(unit: &mut Unit, prefix: &str) {
    for f in &mut unit.filters {
        f.resource = format!("{prefix}{}", f.resource);
    }
    for a in &mut unit.alarms {
        for r in &mut a.refers_to {
            *r = format!("{prefix}{r}");
        }
        for d in &mut a.instances {
            d.resource = format!("{prefix}{}", d.resource);
        }
    }
}

/// Whether a file's text names a resource type the linter reads.
pub fn mentions_lintable(text: &str) -> bool {
    FILTER_TYPES.iter().any(|(t, _, _)| text.contains(t))
}

fn label(block: &Block, i: usize) -> Option<&str> {
    block.labels.get(i).map(|l| l.as_str())
}

/// A value, as far as evaluation goes.
#[derive(Clone, Debug)]
enum Val<'b> {
    Str(Text),
    Bool(bool),
    Num(Text),
    Null,
    Obj(Rc<Vec<(String, Thunk<'b>)>>),
    List(Rc<Vec<Thunk<'b>>>),
}

/// A value not evaluated yet (object members are only evaluated when used).
#[derive(Clone, Debug)]
enum Thunk<'b> {
    Done(Val<'b>),
    Lazy(&'b Expression, Rc<Scope<'b>>),
}

/// Where an expression is evaluated: its file and the names bound there
/// (`each`, the variables of a `for` expression).
#[derive(Debug, Default)]
struct Scope<'b> {
    src: usize,
    bindings: Vec<(String, Val<'b>)>,
}

/// One possible value of an expression and the conditions that lead to it.
type Alt<'b> = alternatives::Alt<Val<'b>>;

type Alts<'b> = Vec<Alt<'b>>;

struct Env<'b> {
    files: &'b [TfFile<'b>],
    budget: &'b Budget,
    /// Whether the run's budget ran out while extracting this module.
    cut_short: Cell<bool>,
    locals: HashMap<&'b str, (&'b Expression, usize)>,
    vars: HashMap<&'b str, Option<(&'b Expression, usize)>>,
    /// Variables given by the calling module, evaluated there.
    given: HashMap<String, Result<Val<'b>, String>>,
}

impl<'b> Env<'b> {
    fn new(files: &'b [TfFile<'b>], bodies: &'b [(usize, Body)], budget: &'b Budget) -> Self {
        let mut locals = HashMap::new();
        let mut vars: HashMap<&'b str, Option<(&'b Expression, usize)>> = HashMap::new();
        // Primary files first, then override files, which replace locals
        // value by value and variable defaults they set.
        let primaries = bodies.iter().filter(|(src, _)| !is_override(files, *src));
        let overrides = bodies.iter().filter(|(src, _)| is_override(files, *src));
        for (src, body) in primaries.chain(overrides) {
            for block in body.get_blocks("locals") {
                for attr in block.body.attributes() {
                    locals.insert(attr.key.as_str(), (&attr.value, *src));
                }
            }
            for block in body.get_blocks("variable") {
                if let Some(name) = label(block, 0) {
                    let default = block
                        .body
                        .get_attribute("default")
                        .map(|a| (&a.value, *src));
                    if is_override(files, *src) {
                        if default.is_some() {
                            vars.insert(name, default);
                        }
                    } else {
                        vars.insert(name, default);
                    }
                }
            }
        }
        Env {
            files,
            budget,
            cut_short: Cell::new(false),
            locals,
            vars,
            given: HashMap::new(),
        }
    }

    fn file(&self, src: usize) -> Option<&'b TfFile<'b>> {
        self.files.get(src)
    }

    /// The source text of an expression, for messages and symbolic comparison.
    fn raw(&self, src: usize, expr: &Expression) -> String {
        expr.span()
            .and_then(|r| self.file(src).and_then(|f| f.text.get(r)))
            .map_or_else(|| String::from("…"), str::to_owned)
    }

    /// The source text of an expression for a message: at most
    /// `SHOWN_CHARS` (in `eval.rs`) characters, the middle elided.
    fn shown(&self, src: usize, expr: &Expression) -> String {
        clip(&self.raw(src, expr))
    }

    fn file_span(&self, src: usize, range: Option<Range<usize>>) -> FileSpan {
        let f = self.file(src);
        let base = f.map_or(0, |f| f.base);
        let range = range.unwrap_or(0..0);
        FileSpan {
            file: f.map_or(0, |f| f.id),
            range: base + range.start..base + range.end,
        }
    }
}

impl Clone for Scope<'_> {
    fn clone(&self) -> Self {
        Scope {
            src: self.src,
            bindings: self.bindings.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(text: &str) -> Unit {
        extract_module(&[TfFile {
            id: 0,
            text,
            base: 0,
            is_override: false,
        }])
    }

    fn known(f: &Filter) -> &str {
        match &f.pattern {
            PatternValue::Known(t) => t.as_str(),
            PatternValue::Unknown(why) => panic!("unknown: {why}"),
        }
    }

    #[test]
    fn quoted_string_with_escapes_maps_to_the_file() {
        let src = "resource \"aws_cloudwatch_log_metric_filter\" \"r\" {\n  pattern = \"{ $.a = \\\"x\\\" }\"\n}\n";
        let u = module(src);
        assert_eq!(u.filters.len(), 1);
        let f = &u.filters[0];
        assert_eq!(f.resource, "aws_cloudwatch_log_metric_filter.r");
        assert_eq!(known(f), "{ $.a = \"x\" }");
        let PatternValue::Known(t) = &f.pattern else {
            unreachable!()
        };
        // Decoded `x` (byte 9) is in the file after `\"`.
        let at = t.source_span(9..10).unwrap().range;
        assert_eq!(&src[at], "x");
        let at = t.source_span(8..9).unwrap().range;
        assert_eq!(&src[at], "\\\"");
    }

    #[test]
    fn heredocs_plain_and_indented() {
        let src = "resource \"aws_cloudwatch_log_metric_filter\" \"a\" {\n  pattern = <<EOT\n{ $.a = 1 }\nEOT\n}\nresource \"aws_cloudwatch_log_subscription_filter\" \"b\" {\n  filter_pattern = <<-EOT\n    { $.b = 2 }\n  EOT\n}\n";
        let u = module(src);
        assert_eq!(u.filters.len(), 2);
        assert_eq!(known(&u.filters[0]), "{ $.a = 1 }");
        assert_eq!(known(&u.filters[1]), "{ $.b = 2 }");
        assert_eq!(u.filters[1].kind, FilterKind::SubscriptionFilter);
        let PatternValue::Known(t) = &u.filters[1].pattern else {
            unreachable!()
        };
        let at = t.source_span(2..3).unwrap().range;
        assert_eq!(&src[at.start..at.start + 4], "$.b ");
    }

    #[test]
    fn locals_variables_join_format_and_conditionals() {
        let src = r#"
variable "ev" {
  default = "ConsoleLogin"
}
variable "nodefault" {}
locals {
  p = "{ $.eventName = ${var.ev} }"
}
resource "aws_cloudwatch_log_metric_filter" "a" {
  pattern = local.p
}
resource "aws_cloudwatch_log_metric_filter" "b" {
  pattern = join(" ", ["{ $.a = 1", var.x ? "&& $.b = 2 }" : "}"])
}
resource "aws_cloudwatch_log_metric_filter" "c" {
  pattern = format("{ $.%s = %s }", "eventName", var.ev)
}
resource "aws_cloudwatch_log_metric_filter" "d" {
  pattern = "{ $.a = ${var.nodefault} }"
}
"#;
        let u = module(src);
        let by = |r: &str| -> Vec<&Filter> {
            u.filters
                .iter()
                .filter(|f| f.resource.ends_with(r))
                .collect()
        };
        assert_eq!(known(by(".a")[0]), "{ $.eventName = ConsoleLogin }");
        let b = by(".b");
        assert_eq!(b.len(), 2);
        assert_eq!(known(b[0]), "{ $.a = 1 && $.b = 2 }");
        assert_eq!(b[0].variant.as_deref(), Some("when `var.x` is true"));
        assert_eq!(known(b[1]), "{ $.a = 1 }");
        assert_eq!(known(by(".c")[0]), "{ $.eventName = ConsoleLogin }");
        match &by(".d")[0].pattern {
            PatternValue::Unknown(why) => assert!(why.contains("no default"), "{why}"),
            PatternValue::Known(t) => panic!("{t:?}"),
        }
        // The part of `a` that came from the variable maps into the variable's default.
        let PatternValue::Known(t) = &by(".a")[0].pattern else {
            unreachable!()
        };
        let at = t.source_span(16..28).unwrap().range;
        assert_eq!(&src[at], "ConsoleLogin");
    }

    #[test]
    fn for_each_over_locals_map() {
        let src = r#"
locals {
  all = {
    RootUsage = { pattern = "{ $.a = 1 }" }
    Other     = { pattern = "{ $.b = 2 }" }
  }
  controls = { for k, v in local.all : k => merge(v, try(var.over[k], {})) if !contains(var.off, k) }
}
variable "over" { default = {} }
resource "aws_cloudwatch_log_metric_filter" "this" {
  for_each = local.controls
  name     = each.key
  pattern  = each.value["pattern"]
  metric_transformation {
    name = each.key
  }
}
resource "aws_cloudwatch_metric_alarm" "this" {
  for_each    = local.controls
  metric_name = aws_cloudwatch_log_metric_filter.this[each.key].id
}
"#;
        let u = module(src);
        assert_eq!(u.filters.len(), 2, "{:?}", u.filters);
        assert_eq!(
            u.filters[0].resource,
            "aws_cloudwatch_log_metric_filter.this[\"RootUsage\"]"
        );
        assert_eq!(known(&u.filters[0]), "{ $.a = 1 }");
        assert!(u.filters[0].names.contains(&"RootUsage".to_owned()));
        assert_eq!(
            u.filters[0].metric,
            Some(Metric {
                name: MetricKey::Literal("RootUsage".into()),
                namespace: None,
            })
        );
        let PatternValue::Known(t) = &u.filters[1].pattern else {
            unreachable!()
        };
        let at = t.source_span(0..11).unwrap().range;
        assert_eq!(&src[at], "{ $.b = 2 }");
        assert_eq!(
            u.alarms[0].refers_to,
            vec!["aws_cloudwatch_log_metric_filter.this"]
        );
    }

    #[test]
    fn count_makes_one_filter_per_index() {
        let src = r#"
locals {
  patterns = ["{ $.a = 1 }", "{ $.b = 2 }"]
}
variable "on" { default = true }
variable "unknown" {}
resource "aws_cloudwatch_log_metric_filter" "list" {
  count   = length(local.patterns)
  pattern = local.patterns[count.index]
}
resource "aws_cloudwatch_log_metric_filter" "wrap" {
  count   = 3
  pattern = element(local.patterns, count.index)
}
resource "aws_cloudwatch_log_metric_filter" "switch" {
  count   = var.on ? 1 : 0
  pattern = "{ $.c = 3 }"
}
resource "aws_cloudwatch_log_metric_filter" "off" {
  count   = 0
  pattern = "{ $.d = 4 }"
}
resource "aws_cloudwatch_log_metric_filter" "plan_time" {
  count   = var.unknown
  pattern = "{ $.e = 5 }"
}
resource "aws_cloudwatch_log_metric_filter" "plan_time_index" {
  count   = length(var.unknown)
  pattern = local.patterns[count.index]
}
resource "aws_cloudwatch_log_metric_filter" "many" {
  count   = 1000
  pattern = "{ $.f = ${count.index} }"
}
"#;
        let u = module(src);
        let by = |r: &str| -> Vec<&Filter> {
            u.filters
                .iter()
                .filter(|f| {
                    f.resource
                        .starts_with(&format!("aws_cloudwatch_log_metric_filter{r}"))
                })
                .collect()
        };
        let list = by(".list[");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].resource, "aws_cloudwatch_log_metric_filter.list[0]");
        assert_eq!(known(list[0]), "{ $.a = 1 }");
        assert_eq!(known(list[1]), "{ $.b = 2 }");
        // The pattern maps back to where the list element is written.
        let PatternValue::Known(t) = &list[1].pattern else {
            unreachable!()
        };
        let at = t.source_span(0..11).unwrap().range;
        assert_eq!(&src[at], "{ $.b = 2 }");
        let wrap: Vec<&str> = by(".wrap[").into_iter().map(known).collect();
        assert_eq!(wrap, ["{ $.a = 1 }", "{ $.b = 2 }", "{ $.a = 1 }"]);
        // Both branches of the count: the larger, so one instance.
        let switch = by(".switch");
        assert_eq!(switch.len(), 1);
        assert_eq!(
            switch[0].resource,
            "aws_cloudwatch_log_metric_filter.switch[0]"
        );
        // Switched off: still checked once.
        assert_eq!(known(by(".off")[0]), "{ $.d = 4 }");
        // Not known until plan time: one instance, without an index.
        let plan = by(".plan_time");
        assert_eq!(
            plan[0].resource,
            "aws_cloudwatch_log_metric_filter.plan_time"
        );
        assert_eq!(known(plan[0]), "{ $.e = 5 }");
        match &by(".plan_time_index")[0].pattern {
            PatternValue::Unknown(why) => assert!(why.contains("count.index"), "{why}"),
            PatternValue::Known(t) => panic!("known: {}", t.as_str()),
        }
        let many = by(".many[");
        assert_eq!(many.len(), MAX_COUNT);
        assert_eq!(known(many[99]), "{ $.f = 99 }");
    }

    #[test]
    fn syntax_error_is_a_problem_only_when_relevant() {
        assert!(module("resource \"x\" {").problems.is_empty());
        let u = module("resource \"aws_cloudwatch_log_metric_filter\" \"r\" {\n pattern = \n");
        assert_eq!(u.problems.len(), 1);
        assert!(u.problems[0].message.starts_with("cannot parse Terraform"));
    }

    #[test]
    fn deep_local_cycles_end() {
        let u = module(
            "locals {\n a = local.b\n b = local.a\n}\nresource \"aws_cloudwatch_log_metric_filter\" \"r\" {\n pattern = local.a\n}\n",
        );
        match &u.filters[0].pattern {
            PatternValue::Unknown(why) => assert!(why.contains("too deeply"), "{why}"),
            PatternValue::Known(_) => panic!(),
        }
    }
}
