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

mod eval;
mod functions;
mod heredoc;
pub(in crate::lint) mod instances;

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
    Alarm, FileProblem, Filter, FilterKind, Format, Metric, MetricKey, PatternValue, Unit,
};
use crate::lint::text::{FileId, FileSpan, Text, decode_hcl_quoted};
use eval::{clip, kind_of};

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

/// What static evaluation may spend, for one value and for the whole run
/// (the bounds are [`Limits`]). Every step of evaluation and every string
/// built is charged; when a value's share is spent, that value is not known
/// ("too large to evaluate"); when the run's is, nothing more is evaluated
/// and the modules concerned get a file error.
#[derive(Debug)]
pub struct Budget {
    limits: Limits,
    /// Steps of the value being evaluated.
    steps: Cell<usize>,
    /// Bytes of strings built for the value being evaluated.
    bytes: Cell<usize>,
    /// Steps of the run.
    run_steps: Cell<usize>,
    /// Filters produced in the run.
    filters: Cell<usize>,
}

impl Budget {
    /// A fresh budget.
    pub fn new(limits: Limits) -> Self {
        Budget {
            limits,
            steps: Cell::new(0),
            bytes: Cell::new(0),
            run_steps: Cell::new(0),
            filters: Cell::new(0),
        }
    }

    /// Start evaluating one value.
    fn start(&self) {
        self.steps.set(0);
        self.bytes.set(0);
    }

    /// Charge one step.
    fn step(&self) -> Result<(), String> {
        self.run_steps.set(self.run_steps.get().saturating_add(1));
        self.steps.set(self.steps.get().saturating_add(1));
        if self.run_steps.get() > self.limits.run_steps {
            Err(self.run_message())
        } else if self.steps.get() > self.limits.eval_steps {
            Err(format!(
                "the value is too large to evaluate (more than {} evaluation steps); the pattern is unknown",
                self.limits.eval_steps
            ))
        } else {
            Ok(())
        }
    }

    /// Charge `n` bytes of strings built.
    fn bytes(&self, n: usize) -> Result<(), String> {
        self.bytes.set(self.bytes.get().saturating_add(n));
        if self.bytes.get() > self.limits.eval_bytes {
            Err(format!(
                "the value is too large to evaluate (more than {} bytes of strings); the pattern is unknown",
                self.limits.eval_bytes
            ))
        } else {
            Ok(())
        }
    }

    /// Take one filter from the run's allowance; false when it is spent.
    pub fn take_filter(&self) -> bool {
        self.filters.set(self.filters.get().saturating_add(1));
        self.filters.get() <= self.limits.filters
    }

    /// Why the run's allowance is spent, if it is.
    pub fn run_spent(&self) -> Option<String> {
        if self.run_steps.get() > self.limits.run_steps {
            Some(self.run_message())
        } else if self.filters.get() > self.limits.filters {
            Some(format!(
                "the run has more than {} filter instances, the most one run evaluates",
                self.limits.filters
            ))
        } else {
            None
        }
    }

    fn run_message(&self) -> String {
        format!(
            "the run's evaluation budget ({} steps) is spent",
            self.limits.run_steps
        )
    }
}

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

/// A top-level block as Terraform sees it after merging override files: the
/// block of a primary file, and the blocks of override files with the same
/// type and labels, in the order they apply. An argument of an override
/// replaces the argument of the same name; nested blocks of a type that an
/// override has replace all the blocks of that type.
struct View<'b> {
    block: &'b Block,
    src: usize,
    over: Vec<(&'b Block, usize)>,
}

impl<'b> View<'b> {
    fn attr(&self, name: &str) -> Option<(&'b Attribute, usize)> {
        self.over
            .iter()
            .rev()
            .chain(std::iter::once(&(self.block, self.src)))
            .find_map(|(b, src)| b.body.get_attribute(name).map(|a| (a, *src)))
    }

    fn blocks(&self, ty: &str) -> Vec<(&'b Block, usize)> {
        for (b, src) in self.over.iter().rev() {
            let found: Vec<(&'b Block, usize)> = b
                .body
                .blocks()
                .filter(|x| x.ident.as_str() == ty)
                .map(|x| (x, *src))
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
        self.block
            .body
            .blocks()
            .filter(|x| x.ident.as_str() == ty)
            .map(|x| (x, self.src))
            .collect()
    }

    /// Every argument after merging, in the original's order then the
    /// overrides' new ones.
    fn attrs(&self) -> Vec<(&'b Attribute, usize)> {
        let mut names: Vec<&'b str> = Vec::new();
        for b in std::iter::once(self.block).chain(self.over.iter().map(|(b, _)| *b)) {
            for a in b.body.attributes() {
                if !names.contains(&a.key.as_str()) {
                    names.push(a.key.as_str());
                }
            }
        }
        names.into_iter().filter_map(|n| self.attr(n)).collect()
    }

    /// The types of the nested blocks after merging.
    fn block_types(&self) -> Vec<&'b str> {
        let mut types: Vec<&'b str> = Vec::new();
        for b in std::iter::once(self.block).chain(self.over.iter().map(|(b, _)| *b)) {
            for x in b.body.blocks() {
                if !types.contains(&x.ident.as_str()) {
                    types.push(x.ident.as_str());
                }
            }
        }
        types
    }
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

/// A value given to a module input, evaluated in the calling module.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A string, mapped to where it is written.
    Str(Text),
    /// A number.
    Num(Text),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
    /// A list or tuple.
    List(Vec<Input>),
    /// A map or object.
    Obj(Vec<(String, Input)>),
}

/// The inputs of a module instance: each value known statically, or why
/// it is not.
pub type Inputs = Vec<(String, Result<Input, String>)>;

/// A call of a module in a local directory: `module "NAME" { source =
/// "./dir" … }`.
#[derive(Clone, Debug)]
pub struct ModuleCall {
    /// The module block's label.
    pub name: String,
    /// The `source`, a path relative to the calling module.
    pub source: String,
    /// The arguments other than the meta-arguments.
    pub inputs: Inputs,
}

/// Module-block arguments that are not inputs.
const META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
];

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
    let is_override = |src: usize| files.get(src).is_some_and(|f| f.is_override);
    let overrides = |ty: &str, labels: &[&str]| -> Vec<(&'b Block, usize)> {
        bodies
            .iter()
            .filter(|(src, _)| is_override(*src))
            .flat_map(|(src, body)| {
                body.blocks()
                    .filter(move |b| b.ident.as_str() == ty)
                    .map(move |b| (b, *src))
            })
            .filter(|(b, _)| {
                b.labels.len() == labels.len()
                    && b.labels.iter().zip(labels).all(|(l, x)| l.as_str() == *x)
            })
            .collect()
    };
    for (src, body) in bodies.iter().filter(|(src, _)| !is_override(*src)) {
        for block in body.get_blocks("resource") {
            let Some(kind) = label(block, 0) else {
                continue;
            };
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let view = View {
                block,
                src: *src,
                over: overrides("resource", &labels),
            };
            if let Some(&(_, attr, fk)) = FILTER_TYPES.iter().find(|(t, _, _)| *t == kind) {
                env.filter_resource(&view, kind, attr, fk, &mut unit);
            } else if kind == ALARM_TYPE {
                unit.alarms.extend(env.alarm_resource(&view));
            }
        }
        for block in body.get_blocks("module") {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let view = View {
                block,
                src: *src,
                over: overrides("module", &labels),
            };
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
        for f in &mut unit.filters {
            f.resource = format!("{prefix}{}", f.resource);
        }
        for a in &mut unit.alarms {
            for r in &mut a.refers_to {
                *r = format!("{prefix}{r}");
            }
        }
    }
    (unit, calls)
}

/// The scope of one `for_each` instance: `each.key` and `each.value`.
fn each_scope<'b>(src: usize, key: Text, value: Thunk<'b>) -> Rc<Scope<'b>> {
    let each = Val::Obj(Rc::new(vec![
        ("key".to_owned(), Thunk::Done(Val::Str(key))),
        ("value".to_owned(), value),
    ]));
    Rc::new(Scope {
        src,
        bindings: vec![("each".to_owned(), each)],
    })
}

/// A module input as a value of the evaluator.
fn input_val<'b>(i: &Input) -> Val<'b> {
    match i {
        Input::Str(t) => Val::Str(t.clone()),
        Input::Num(t) => Val::Num(t.clone()),
        Input::Bool(b) => Val::Bool(*b),
        Input::Null => Val::Null,
        Input::List(items) => Val::List(Rc::new(
            items.iter().map(|x| Thunk::Done(input_val(x))).collect(),
        )),
        Input::Obj(entries) => Val::Obj(Rc::new(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), Thunk::Done(input_val(v))))
                .collect(),
        )),
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
        let is_override = |src: usize| files.get(src).is_some_and(|f| f.is_override);
        let primaries = bodies.iter().filter(|(src, _)| !is_override(*src));
        let overrides = bodies.iter().filter(|(src, _)| is_override(*src));
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
                    if is_override(*src) {
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
    /// [`SHOWN_CHARS`] characters, the middle elided.
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

    fn filter_resource(
        &self,
        view: &View<'b>,
        kind: &str,
        attr_name: &str,
        fk: FilterKind,
        unit: &mut Unit,
    ) {
        let (src, block) = (view.src, view.block);
        let name = label(block, 1).unwrap_or("");
        let extent = self.file_span(src, block.span()).range;
        let label_span = self.file_span(src, block.labels.get(1).and_then(|l| l.span()));
        let Some(file) = self.file(src) else { return };
        let instances: Vec<(String, Rc<Scope<'b>>)> = match view.attr("for_each") {
            None => match view.attr("count") {
                Some((c, csrc)) => self.count_instances(&c.value, csrc, &format!("{kind}.{name}")),
                None => vec![(
                    format!("{kind}.{name}"),
                    Rc::new(Scope {
                        src,
                        bindings: vec![],
                    }),
                )],
            },
            Some((fe, fsrc)) => {
                let scope = Rc::new(Scope {
                    src: fsrc,
                    bindings: vec![],
                });
                match self.for_each_instances(&fe.value, &scope, &format!("{kind}.{name}")) {
                    Ok(instances) => instances,
                    Err(why) => {
                        let anchor = view
                            .attr(attr_name)
                            .map_or(label_span.clone(), |(a, asrc)| {
                                self.file_span(asrc, a.value.span())
                            });
                        self.push_filter(
                            unit,
                            Filter {
                                kind: fk,
                                format: Format::Terraform,
                                file: file.id,
                                resource: format!("{kind}.{name}"),
                                extent,
                                anchor,
                                pattern: PatternValue::Unknown(format!("`for_each`: {why}")),
                                variant: None,
                                names: vec![name.to_owned()],
                                metric: None,
                                disabled: Vec::new(),
                            },
                        );
                        return;
                    }
                }
            }
        };
        for (address, scope) in instances {
            let mut names = vec![name.to_owned()];
            if let Some(Val::Obj(each)) = scope.bindings.first().map(|(_, v)| v)
                && let Some((_, Thunk::Done(Val::Str(k)))) = each.first()
            {
                names.push(k.as_str().to_owned());
            }
            if let Some((n, nsrc)) = view.attr("name")
                && let Some(s) = self.single_str(&n.value, &at(&scope, nsrc))
            {
                names.push(s);
            }
            let metric = if fk == FilterKind::MetricFilter {
                view.blocks("metric_transformation")
                    .first()
                    .and_then(|(mt, msrc)| self.metric(&mt.body, "name", &at(&scope, *msrc)))
            } else {
                None
            };
            if let Some(Metric {
                name: MetricKey::Literal(s),
                ..
            }) = &metric
            {
                names.push(s.clone());
            }
            let Some((attr, asrc)) = view.attr(attr_name) else {
                self.push_filter(
                    unit,
                    Filter {
                        kind: fk,
                        format: Format::Terraform,
                        file: file.id,
                        resource: address,
                        extent: extent.clone(),
                        anchor: label_span.clone(),
                        pattern: PatternValue::Unknown(format!(
                            "the resource has no `{attr_name}`"
                        )),
                        variant: None,
                        names,
                        metric,
                        disabled: Vec::new(),
                    },
                );
                continue;
            };
            let expr_span = self.file_span(asrc, attr.value.span());
            let alts = self.top(&attr.value, &at(&scope, asrc));
            let many = alts.len() > 1;
            for alt in alts {
                let variant = (many || !alt.when.is_empty()).then(|| alt.when.join(", "));
                let (pattern, anchor) = match alt.val {
                    Ok(Val::Str(t)) => {
                        let t = t.trimmed();
                        let anchor = t
                            .source_span(0..t.as_str().len())
                            .filter(|s| s.file == file.id || !t.is_empty())
                            .unwrap_or_else(|| expr_span.clone());
                        (PatternValue::Known(t), anchor)
                    }
                    Ok(other) => (
                        PatternValue::Unknown(format!(
                            "the value is {}, not a string",
                            kind_of(&other)
                        )),
                        expr_span.clone(),
                    ),
                    Err(why) => (PatternValue::Unknown(why), expr_span.clone()),
                };
                self.push_filter(
                    unit,
                    Filter {
                        kind: fk,
                        format: Format::Terraform,
                        file: file.id,
                        resource: address.clone(),
                        extent: extent.clone(),
                        anchor,
                        pattern,
                        variant,
                        names: names.clone(),
                        metric: metric.clone(),
                        disabled: Vec::new(),
                    },
                );
            }
        }
    }

    fn alarm_resource(&self, view: &View<'b>) -> Option<Alarm> {
        let mut metrics = Vec::new();
        let mut refers_to = Vec::new();
        let mut found = |a: &'b Attribute, m: Option<Metric>, src: usize| {
            metrics.extend(m);
            let raw = self.raw(src, &a.value);
            for (t, _, _) in FILTER_TYPES {
                let needle = format!("{t}.");
                let mut rest = raw.as_str();
                while let Some(p) = rest.find(&needle) {
                    let after = rest.get(p + needle.len()..).unwrap_or("");
                    let ident: String = after
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                        .collect();
                    refers_to.push(format!("{t}.{ident}"));
                    rest = after;
                }
            }
        };
        // The top level, merged with any override.
        if let Some((a, src)) = view.attr("metric_name") {
            let scope = Rc::new(Scope {
                src,
                bindings: vec![],
            });
            let metric = Metric {
                name: self.metric_key(&a.value, &scope),
                namespace: view
                    .attr("namespace")
                    .map(|(n, nsrc)| self.metric_key(&n.value, &at(&scope, nsrc))),
            };
            found(a, Some(metric), src);
        }
        // Nested blocks (`metric_query { metric { … } }`), as merged.
        let mut stack: Vec<(&'b Body, usize)> = view
            .block_types()
            .into_iter()
            .flat_map(|ty| view.blocks(ty))
            .map(|(b, src)| (&b.body, src))
            .collect();
        while let Some((body, src)) = stack.pop() {
            if let Some(a) = body.get_attribute("metric_name") {
                let scope = Rc::new(Scope {
                    src,
                    bindings: vec![],
                });
                found(a, self.metric(body, "metric_name", &scope), src);
            }
            stack.extend(body.blocks().map(|b| (&b.body, src)));
        }
        Some(Alarm { metrics, refers_to })
    }

    /// The metric named by attribute `name_attr` of `body`, with the
    /// `namespace` beside it.
    fn metric(&self, body: &'b Body, name_attr: &str, scope: &Rc<Scope<'b>>) -> Option<Metric> {
        let name = body.get_attribute(name_attr)?;
        Some(Metric {
            name: self.metric_key(&name.value, scope),
            namespace: body
                .get_attribute("namespace")
                .map(|a| self.metric_key(&a.value, scope)),
        })
    }

    fn metric_key(&self, expr: &'b Expression, scope: &Rc<Scope<'b>>) -> MetricKey {
        match self.single_str(expr, scope) {
            Some(s) => MetricKey::Literal(s),
            None => MetricKey::Symbol(
                self.raw(scope.src, expr)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect(),
            ),
        }
    }

    /// The value as one string, if it has exactly one alternative and it is known.
    fn single_str(&self, expr: &'b Expression, scope: &Rc<Scope<'b>>) -> Option<String> {
        let alts = self.top(expr, scope);
        match alts.as_slice() {
            [
                Alt {
                    val: Ok(Val::Str(t)),
                    ..
                },
            ] => Some(t.as_str().to_owned()),
            _ => None,
        }
    }

    /// The entries of a `for_each` value: a map's keys and values, or a set
    /// of strings (each key and value the string).
    /// The calls a module block makes of a module in a local directory:
    /// one, or one per key of its `for_each` or index of its `count`
    /// (named `NAME["key"]`, `NAME[0]`), with the inputs evaluated here.
    fn module_calls(&self, view: &View<'b>) -> Vec<ModuleCall> {
        let scope = Rc::new(Scope {
            src: view.src,
            bindings: vec![],
        });
        let (Some(name), Some(source)) = (
            label(view.block, 0),
            view.attr("source")
                .and_then(|(s, ssrc)| self.single_str(&s.value, &at(&scope, ssrc))),
        ) else {
            return Vec::new();
        };
        if !(source.starts_with("./") || source.starts_with("../")) {
            return Vec::new();
        }
        let instances = match (view.attr("for_each"), view.attr("count")) {
            (Some((fe, fsrc)), _) => self
                .for_each_instances(&fe.value, &at(&scope, fsrc), name)
                // Arguments that use `each` are then not known.
                .unwrap_or_else(|_| vec![(name.to_owned(), Rc::clone(&scope))]),
            (None, Some((c, csrc))) => self.count_instances(&c.value, csrc, name),
            (None, None) => vec![(name.to_owned(), Rc::clone(&scope))],
        };
        let args: Vec<(&'b Attribute, usize)> = view
            .attrs()
            .into_iter()
            .filter(|(a, _)| !META_ARGUMENTS.contains(&a.key.as_str()))
            .collect();
        instances
            .into_iter()
            .map(|(name, scope)| ModuleCall {
                name,
                source: source.clone(),
                inputs: args
                    .iter()
                    .map(|(a, asrc)| {
                        let value = match self.top(&a.value, &at(&scope, *asrc)).as_slice() {
                            [Alt { val: Ok(v), .. }] => self.to_input(v, 0),
                            [Alt { val: Err(e), .. }] => Err(e.clone()),
                            _ => Err(format!(
                                "the argument `{}` depends on a condition",
                                a.key.as_str()
                            )),
                        };
                        (a.key.as_str().to_owned(), value)
                    })
                    .collect(),
            })
            .collect()
    }

    /// A value with every member evaluated, to hand to another module.
    fn to_input(&self, v: &Val<'b>, depth: usize) -> Result<Input, String> {
        if depth > MAX_DEPTH {
            return Err("the value is nested too deeply".into());
        }
        self.step()?;
        if let Val::Str(t) = v {
            self.budget.bytes(t.heap_size())?;
        }
        let member = |t: &Thunk<'b>| match self.force(t, depth + 1).as_slice() {
            [Alt { val: Ok(v), .. }] => self.to_input(v, depth + 1),
            [Alt { val: Err(e), .. }] => Err(e.clone()),
            _ => Err("a member depends on a condition".to_owned()),
        };
        Ok(match v {
            Val::Str(t) => Input::Str(t.clone()),
            Val::Num(t) => Input::Num(t.clone()),
            Val::Bool(b) => Input::Bool(*b),
            Val::Null => Input::Null,
            Val::List(items) => Input::List(items.iter().map(member).collect::<Result<_, _>>()?),
            Val::Obj(entries) => Input::Obj(
                entries
                    .iter()
                    .map(|(k, t)| member(t).map(|v| (k.clone(), v)))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    /// The instances of a resource with `count`: `address[0]` … with
    /// `count.index` bound, as many as the largest count any branch of the
    /// expression gives (at most [`MAX_COUNT`]; at least one, so that a
    /// resource switched off by default is still checked). When the count
    /// is not known statically, one instance named `address` in which
    /// `count.index` is not known.
    fn count_instances(
        &self,
        expr: &'b Expression,
        src: usize,
        address: &str,
    ) -> Vec<(String, Rc<Scope<'b>>)> {
        let scope = Rc::new(Scope {
            src,
            bindings: vec![],
        });
        let counts: Option<Vec<usize>> = self
            .eval(expr, &scope, 0)
            .iter()
            .map(|a| match &a.val {
                Ok(Val::Num(n)) => n.as_str().parse::<usize>().ok(),
                _ => None,
            })
            .collect();
        let Some(n) = counts.and_then(|c| c.into_iter().max()) else {
            return vec![(address.to_owned(), scope)];
        };
        (0..n.clamp(1, MAX_COUNT))
            .map(|i| {
                let count = Val::Obj(Rc::new(vec![(
                    "index".to_owned(),
                    Thunk::Done(Val::Num(Text::unmapped(&i.to_string()))),
                )]));
                (
                    format!("{address}[{i}]"),
                    Rc::new(Scope {
                        src,
                        bindings: vec![("count".to_owned(), count)],
                    }),
                )
            })
            .collect()
    }

    /// The instances of a block with `for_each`: `address["key"]` with
    /// `each` bound, or why the collection is not known.
    fn for_each_instances(
        &self,
        expr: &'b Expression,
        scope: &Rc<Scope<'b>>,
        address: &str,
    ) -> Result<Vec<(String, Rc<Scope<'b>>)>, String> {
        Ok(self
            .for_each_entries(expr, scope)?
            .into_iter()
            .map(|(key, value)| {
                (
                    format!("{address}[\"{}\"]", key.as_str()),
                    each_scope(scope.src, key, value),
                )
            })
            .collect())
    }

    fn for_each_entries(
        &self,
        expr: &'b Expression,
        scope: &Rc<Scope<'b>>,
    ) -> Result<Vec<(Text, Thunk<'b>)>, String> {
        let alts = self.top(expr, scope);
        let [alt] = alts.as_slice() else {
            return Err("the collection depends on a condition".into());
        };
        match &alt.val {
            Ok(Val::Obj(entries)) => Ok(entries
                .iter()
                .map(|(k, v)| (Text::unmapped(k), v.clone()))
                .collect()),
            Ok(Val::List(items)) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match self.force(item, 0).as_slice() {
                        [
                            Alt {
                                val: Ok(Val::Str(t)),
                                ..
                            },
                        ] => {
                            out.push((t.clone(), Thunk::Done(Val::Str(t.clone()))));
                        }
                        _ => return Err("an element of the set is not a known string".into()),
                    }
                }
                Ok(out)
            }
            Ok(other) => Err(format!("the value is {}, not a map or set", kind_of(other))),
            Err(e) => Err(e.clone()),
        }
    }

    /// Add a filter, if the run's allowance has room for it.
    fn push_filter(&self, unit: &mut Unit, f: Filter) {
        if self.budget.take_filter() {
            unit.filters.push(f);
        } else {
            self.cut_short.set(true);
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
