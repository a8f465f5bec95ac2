//! From an audit and its snapshot to a [`Plan`]: for every FAILED control,
//! the smallest change that makes it pass.

mod iam;
mod logging;
mod monitoring;
mod networking;
mod trails;

use super::model::{Action, Item, Kind, Plan, TrailState, names};
use crate::audit::common::Arn;
use crate::audit::logging::Trails;
use crate::audit::registry::{self, How};
use crate::audit::{Audit, ControlResult, Finding, Status};
use crate::cis::{self, Benchmark, MatchMode, names as cn};
use crate::snapshot::{Snapshot, Trail};

/// The plan that fixes the FAILED controls of `audit`, which judged `s`.
///
/// Controls that are not FAILED get no change (a NOT_AVAILABLE control
/// lacks the data a fix would need; a WARNING one is in another account or
/// region). Manual controls get their steps.
pub fn plan(audit: &Audit, s: &Snapshot) -> Plan {
    let bench = cis::benchmark(audit.benchmark)
        .or_else(|| cis::benchmark(cis::DEFAULT_BENCHMARK))
        .or_else(|| cis::BENCHMARKS.first().copied());
    let mut b = Builder::new(s, audit.mode);
    for c in &audit.controls {
        if let Some(bench) = bench {
            b.control(c, bench);
        }
    }
    b.finish(audit.benchmark)
}

/// A trail being changed, with the controls its changes serve.
struct TrailPlan {
    state: TrailState,
    before: Trail,
    controls: Vec<&'static str>,
}

struct Builder<'a> {
    s: &'a Snapshot,
    mode: MatchMode,
    items: Vec<Item>,
    trails: Vec<TrailPlan>,
    /// Filters edited: (region, log group, filter name) → benchmark row.
    edited: Vec<((String, String, String), &'static str)>,
    home: String,
}

fn push_unique(v: &mut Vec<&'static str>, id: &'static str) {
    if !v.contains(&id) {
        v.push(id);
    }
}

fn failed(c: &ControlResult) -> impl Iterator<Item = &Finding> {
    c.findings.iter().filter(|f| f.status == Status::Failed)
}

impl<'a> Builder<'a> {
    fn new(s: &'a Snapshot, mode: MatchMode) -> Self {
        let all = Trails::of(s);
        let home = all
            .trails
            .iter()
            .find(|t| Arn::account_of(&t.trail_arn) == Some(s.account_id.as_str()))
            .map(|t| t.home_region.clone())
            .or_else(|| s.regions.first().map(|r| r.region.clone()))
            .unwrap_or_else(|| "us-east-1".to_owned());
        Builder {
            s,
            mode,
            items: Vec::new(),
            trails: Vec::new(),
            edited: Vec::new(),
            home,
        }
    }

    /// Add an item, or add its controls to the item with the same key.
    fn add(&mut self, item: Item) {
        match self.items.iter_mut().find(|i| i.key == item.key) {
            Some(old) => {
                for c in item.controls {
                    push_unique(&mut old.controls, c);
                }
            }
            None => self.items.push(item),
        }
    }

    fn arn(&self, service: &str, region: &str, rest: &str) -> String {
        format!(
            "arn:{}:{service}:{region}:{}:{rest}",
            self.s.partition, self.s.account_id
        )
    }

    fn logs_bucket(&mut self, id: &'static str) -> String {
        let name = names::logs_bucket(&self.s.account_id);
        let region = self.home.clone();
        self.add(Item {
            key: format!("logs-bucket:{name}"),
            controls: vec![id],
            kind: Kind::Change,
            resource: names::bucket_arn(&self.s.partition, &name),
            region: Some(region.clone()),
            summary: format!(
                "create the bucket `{name}` for S3 access logs, VPC flow logs and AWS Config deliveries"
            ),
            changes: vec![
                "new bucket, Block Public Access on, a policy that lets S3 logging, VPC flow logs and AWS Config write to it".into(),
            ],
            removes: vec![],
            action: Action::LogsBucket {
                name: name.clone(),
                region,
            },
        });
        name
    }

    fn control(&mut self, c: &ControlResult, bench: &'static Benchmark) {
        let id = c.control.id;
        let how = registry::check_def(c.control.name).map(|d| d.how);
        if matches!(how, Some(How::Manual)) {
            self.guidance(
                c,
                "a manual control: the tool cannot check or change it",
                &[],
            );
            return;
        }
        if c.status != Status::Failed {
            return;
        }
        if let Some(How::Chain(chain)) = how {
            let row = bench
                .row_for_check(c.control.name)
                .or_else(|| bench.row_for_check(chain));
            for f in failed(c) {
                match row {
                    Some(row) => self.chain(id, row, chain, f, bench),
                    None => self.guidance(c, "the benchmark has no pattern for the control", &[]),
                }
            }
            return;
        }
        match c.control.name {
            cn::IAM_PASSWORD_UPPERCASE
            | cn::IAM_PASSWORD_LOWERCASE
            | cn::IAM_PASSWORD_SYMBOL
            | cn::IAM_PASSWORD_NUMBER
            | cn::IAM_PASSWORD_LENGTH
            | cn::IAM_PASSWORD_REUSE
            | cn::IAM_PASSWORD_MAX_AGE => self.password_policy(id),
            cn::IAM_SUPPORT_ROLE => self.support_role(id),
            cn::CLOUDTRAIL_MULTI_REGION => self.multi_region(c),
            cn::CLOUDTRAIL_LOG_FILE_VALIDATION => self.per_trail(c, |t| {
                t.log_file_validation = true;
            }),
            cn::CLOUDTRAIL_CLOUDWATCH_LOGS => {
                for f in failed(c) {
                    if let Some(t) = self.trail_by_arn(&f.resource) {
                        self.ensure_log_group(id, &t);
                    }
                }
            }
            cn::CLOUDTRAIL_KMS_ENCRYPTION => {
                for f in failed(c) {
                    if let Some(t) = self.trail_by_arn(&f.resource) {
                        self.trail_key(id, &t);
                    }
                }
            }
            cn::CLOUDTRAIL_BUCKET_NOT_PUBLIC => self.bucket_public(c),
            cn::CLOUDTRAIL_BUCKET_LOGGING => self.bucket_logging(c),
            cn::CONFIG_ENABLED => self.config(c),
            cn::KMS_ROTATION => self.key_rotation(c),
            cn::VPC_FLOW_LOGS => self.flow_logs(c),
            cn::EC2_NO_WORLD_SSH | cn::EC2_NO_WORLD_RDP | cn::EC2_DEFAULT_GROUP_CLOSED => {
                self.security_groups(c)
            }
            cn::IAM_POLICIES_ON_GROUPS_OR_ROLES => self.guidance(
                c,
                "attach the policies to a group or role and take them off the users: the tool does not change a user's permissions",
                &self.user_policies(c),
            ),
            cn::IAM_NO_FULL_ADMIN_POLICIES => self.guidance(
                c,
                "narrow or detach the policies that allow `*` on `*`: the tool does not change who may do what",
                &self.admin_policies(c),
            ),
            _ => self.guidance(
                c,
                "not fixed automatically: it needs the credentials or devices of the people concerned",
                &[],
            ),
        }
    }

    fn guidance(&mut self, c: &ControlResult, why: &str, extra: &[String]) {
        let mut steps: Vec<String> = failed(c)
            .map(|f| format!("{}: {}", f.resource, f.reason))
            .collect();
        steps.extend(extra.iter().cloned());
        steps.push(c.control.remediation.to_owned());
        self.add(Item {
            key: format!("guidance:{}", c.control.id),
            controls: vec![c.control.id],
            kind: Kind::Guidance,
            resource: crate::audit::common::account_resource(self.s),
            region: None,
            summary: format!("{}: {why}", c.control.title),
            changes: vec![],
            removes: vec![],
            action: Action::Guidance { steps },
        });
    }

    fn finish(mut self, benchmark: &'static str) -> Plan {
        let trails = std::mem::take(&mut self.trails);
        self.items
            .extend(trails.into_iter().map(trails::trail_item));
        let mut items = self.items;
        items.sort_by_key(|i| rank(&i.action));
        Plan {
            account: self.s.account_id.clone(),
            partition: self.s.partition.clone(),
            benchmark,
            home_region: self.home,
            items,
        }
    }
}

/// The order of application: what others refer to first.
fn rank(a: &Action) -> u8 {
    match a {
        Action::PasswordPolicy { .. } | Action::SupportRole { .. } => 0,
        Action::LogsBucket { .. }
        | Action::TrailKey { .. }
        | Action::CloudTrailLogsRole { .. }
        | Action::ConfigServiceRole => 1,
        Action::LogGroup { .. } | Action::Topic { .. } => 2,
        Action::Trail(_) => 3,
        Action::BucketPublicAccess { .. } | Action::BucketLogging { .. } => 4,
        Action::MetricFilter(_) => 5,
        Action::Alarm(_) => 6,
        Action::Config(_) | Action::KeyRotation { .. } | Action::FlowLog { .. } => 7,
        Action::SecurityGroup(_) => 8,
        Action::Guidance { .. } => 9,
    }
}
