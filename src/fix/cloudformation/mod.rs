//! The plan as one CloudFormation template (YAML) for the home region, with
//! a parameter for what the user provides (the alarm subscription's email).
//!
//! A template is deployed in one region and declares whole resources, so
//! what it cannot hold is written as comments that name the item and point
//! to the `cli` or `terraform` output: items in other regions, the account
//! password policy (no resource type), rotation of an existing key (a key
//! resource must restate its key policy), and rules removed from existing
//! security groups. Existing resources that the template changes (trail,
//! metric filters, alarms, Config recorder, trail bucket) carry
//! `DeletionPolicy: Retain` and are listed in the template's `Metadata`
//! for a change set of type IMPORT.

mod items;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::model::{Action, Item, Plan, names};
use super::text::{camel, header, item_comment, one_line};
use items::item;

/// One resource of the template, with its comment.
struct Res {
    comment: Vec<String>,
    id: String,
    body: Value,
}

struct Ctx<'a> {
    p: &'a Plan,
    /// literal → intrinsic that refers to the resource creating it.
    refs: BTreeMap<String, Value>,
    used: Vec<String>,
    resources: Vec<Res>,
    skipped: Vec<String>,
    imports: Vec<Value>,
    /// Trail bucket → (logical id index into resources).
    buckets: BTreeMap<String, usize>,
}

impl Ctx<'_> {
    fn id(&mut self, base: &str) -> String {
        let base = camel(base);
        let mut n = base.clone();
        let mut k = 2;
        while self.used.contains(&n) {
            n = format!("{base}{k}");
            k += 1;
        }
        self.used.push(n.clone());
        n
    }

    fn val(&self, lit: &str) -> Value {
        self.refs
            .get(lit)
            .cloned()
            .unwrap_or_else(|| Value::String(lit.to_owned()))
    }

    fn add(&mut self, comment: Vec<String>, id: String, body: Value) {
        self.resources.push(Res { comment, id, body });
    }

    fn import(&mut self, id: &str, kind: &str, key: &str, value: &str) {
        self.import_by(id, kind, json!({ key: value }));
    }

    fn import_by(&mut self, id: &str, kind: &str, identifier: Value) {
        self.imports.push(json!({
            "ResourceType": kind,
            "LogicalResourceId": id,
            "ResourceIdentifier": identifier,
        }));
    }

    fn skip(&mut self, i: &Item, why: &str) {
        self.skipped.push(String::new());
        self.skipped.extend(item_comment(i));
        self.skipped.push(format!(
            "  not in this template: {why}; use `cis-filters fix --format cli` or `--format terraform`"
        ));
    }
}

/// The plan as one CloudFormation template.
pub fn render(p: &Plan) -> String {
    let mut ctx = Ctx {
        p,
        refs: BTreeMap::new(),
        used: Vec::new(),
        resources: Vec::new(),
        skipped: Vec::new(),
        imports: Vec::new(),
        buckets: BTreeMap::new(),
    };
    // Logical ids of what the template creates, and the references to them.
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for i in p.items.iter().filter(|i| in_home(p, i)) {
        if let Some(id) = id_created(&mut ctx, &i.action) {
            ids.insert(i.key.clone(), id);
        }
    }
    for i in &p.items {
        if !in_home(p, i) {
            ctx.skip(i, "it is in another region than the template's");
            continue;
        }
        item(&mut ctx, i, ids.get(&i.key).cloned());
    }
    let mut out = String::new();
    write_head(&ctx, &mut out);
    write_resources(&ctx.resources, &mut out);
    write_skipped(&ctx.skipped, &mut out);
    out
}

/// The logical id of what `action` creates, with the references to it
/// recorded in `ctx`; `None` when it creates nothing others refer to.
fn id_created(ctx: &mut Ctx<'_>, action: &Action) -> Option<String> {
    let (part, acct) = (ctx.p.partition.as_str(), ctx.p.account.as_str());
    let id = match action {
        Action::LogsBucket { name, .. } => {
            let id = ctx.id("CisLogsBucket");
            ctx.refs.insert(name.clone(), json!({ "Ref": id }));
            ctx.refs.insert(
                names::bucket_arn(part, name),
                json!({ "Fn::GetAtt": [id, "Arn"] }),
            );
            id
        }
        Action::TrailKey { region, alias } => {
            let id = ctx.id("CloudTrailKey");
            ctx.refs.insert(
                names::regional(region, alias),
                json!({ "Fn::GetAtt": [id, "Arn"] }),
            );
            id
        }
        Action::CloudTrailLogsRole { role_name } => {
            let id = ctx.id("CloudTrailLogsRole");
            ctx.refs.insert(
                format!("arn:{part}:iam::{acct}:role/{role_name}"),
                json!({ "Fn::GetAtt": [id, "Arn"] }),
            );
            id
        }
        Action::LogGroup { region, name } => {
            let id = ctx.id(&format!("LogGroup {name}"));
            ctx.refs
                .insert(names::regional(region, name), json!({ "Ref": id }));
            ctx.refs.insert(
                format!("arn:{part}:logs:{region}:{acct}:log-group:{name}:*"),
                json!({ "Fn::GetAtt": [id, "Arn"] }),
            );
            id
        }
        Action::Topic { region, name } => {
            let id = ctx.id(&format!("Topic {name}"));
            ctx.refs.insert(
                format!("arn:{part}:sns:{region}:{acct}:{name}"),
                json!({ "Ref": id }),
            );
            id
        }
        _ => return None,
    };
    Some(id)
}

/// The header comments, the template's version and description, the
/// resources to import (`Metadata`) and the parameters.
fn write_head(ctx: &Ctx<'_>, out: &mut String) {
    let p = ctx.p;
    for l in header(p, "CloudFormation") {
        out.push_str(&format!("# {}\n", one_line(&l)));
    }
    out.push_str(&format!(
        "# Deploy in {}. Resources under Metadata.ExistingResources exist already: bring them\n\
         # into the stack with a change set of type IMPORT before updating it (docs/remediation.md).\n",
        p.home_region
    ));
    out.push_str("AWSTemplateFormatVersion: \"2010-09-09\"\n");
    out.push_str(&format!(
        "Description: {}\n",
        quote(&format!(
            "CIS AWS Foundations remediation for account {} (cis-filters fix)",
            p.account
        ))
    ));
    if !ctx.imports.is_empty() {
        out.push_str("Metadata:\n");
        yaml(&json!({ "ExistingResources": ctx.imports }), 1, out);
    }
    if p.needs_alarm_endpoint() {
        out.push_str("Parameters:\n");
        yaml(
            &json!({
                names::CFN_ENDPOINT_PARAM: {
                    "Type": "String",
                    "Description": "The email address that receives the CIS alarms (it must confirm the subscription).",
                    "AllowedPattern": ".+@.+",
                }
            }),
            1,
            out,
        );
    }
}

/// `Resources:`, each with its comment.
fn write_resources(resources: &[Res], out: &mut String) {
    out.push_str("Resources:\n");
    if resources.is_empty() {
        // A template needs one resource: a wait condition handle costs nothing.
        out.push_str("  # Nothing in this region to change.\n");
        yaml(
            &json!({ "NothingToChange": { "Type": "AWS::CloudFormation::WaitConditionHandle" } }),
            1,
            out,
        );
    }
    for r in resources {
        for c in &r.comment {
            out.push_str(&format!("  # {}\n", one_line(c)));
        }
        let mut m = Map::new();
        m.insert(r.id.clone(), r.body.clone());
        yaml(&Value::Object(m), 1, out);
    }
}

/// The items the template does not hold, as comments.
fn write_skipped(skipped: &[String], out: &mut String) {
    if !skipped.is_empty() {
        out.push_str("\n# Items this template does not hold:\n");
        for l in skipped {
            if l.is_empty() {
                out.push_str("#\n");
            } else {
                out.push_str(&format!("# {}\n", one_line(l)));
            }
        }
    }
}

/// Whether the item's resource is in the template's region (global
/// resources are).
fn in_home(p: &Plan, i: &Item) -> bool {
    i.region.as_deref().is_none_or(|r| r == p.home_region)
}

/// A YAML double-quoted scalar (JSON's escapes are YAML's).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn yaml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric()) {
        k.to_owned()
    } else {
        quote(k)
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(quote(s)),
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Object(m) if m.is_empty() => Some("{}".into()),
        Value::Array(_) | Value::Object(_) => None,
        other => Some(other.to_string()),
    }
}

/// Block-style YAML of a mapping's entries at `depth` (two spaces each).
fn yaml(v: &Value, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.push_str(&pad);
                out.push_str(&yaml_key(k));
                out.push(':');
                match scalar(v) {
                    Some(s) => {
                        out.push(' ');
                        out.push_str(&s);
                        out.push('\n');
                    }
                    None => {
                        out.push('\n');
                        yaml(v, depth + 1, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for it in items {
                out.push_str(&pad);
                out.push_str("- ");
                match scalar(it) {
                    Some(s) => {
                        out.push_str(&s);
                        out.push('\n');
                    }
                    None => {
                        // The item's first line follows the dash; the rest
                        // is indented under it.
                        let mut inner = String::new();
                        yaml(it, depth + 1, &mut inner);
                        let trimmed = inner.trim_start_matches(' ');
                        out.push_str(trimmed);
                    }
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other).unwrap_or_default());
            out.push('\n');
        }
    }
}
