//! From an audit and its snapshot to a [`Plan`]: for every FAILED control,
//! the smallest change that makes it pass.

use std::collections::BTreeSet;

use serde_json::Value;

use super::model::{
    Action, AlarmState, ConfigState, FilterState, GroupState, Item, Kind, Plan, TrailState, names,
};
use crate::audit::common::{Arn, LogGroupRef};
use crate::audit::logging::{TrailFitness, Trails, records_all_management_events, trail_fitness};
use crate::audit::networking::rule_opens_port;
use crate::audit::registry::{self, How};
use crate::audit::{Audit, ControlResult, Finding, Status};
use crate::cis::{self, Benchmark, CLOSE_SCORE, MatchMode, closeness, compare, names as cn};
use crate::snapshot::{
    IpPermission, IpRange, Ipv6Range, MetricAlarm, MetricFilter, PasswordPolicy, Region,
    SecurityGroup, Snapshot, Trail,
};

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

/// The metric name new filters publish, per check name.
fn metric_name(check: &str) -> &'static str {
    match check {
        cn::FILTER_UNAUTHORIZED_API_CALLS => "UnauthorizedAPICalls",
        cn::FILTER_CONSOLE_WITHOUT_MFA => "ConsoleSigninWithoutMFA",
        cn::FILTER_ROOT_USAGE | cn::IAM_AVOID_ROOT_USAGE => "RootAccountUsage",
        cn::FILTER_IAM_POLICY_CHANGES => "IAMPolicyChanges",
        cn::FILTER_CLOUDTRAIL_CHANGES => "CloudTrailConfigChanges",
        cn::FILTER_CONSOLE_AUTH_FAILURES => "ConsoleAuthenticationFailures",
        cn::FILTER_CMK_DISABLED_OR_DELETED => "DisableOrDeleteCMK",
        cn::FILTER_S3_BUCKET_POLICY_CHANGES => "S3BucketPolicyChanges",
        cn::FILTER_CONFIG_CHANGES => "AWSConfigChanges",
        cn::FILTER_SECURITY_GROUP_CHANGES => "SecurityGroupChanges",
        cn::FILTER_NACL_CHANGES => "NACLChanges",
        cn::FILTER_NETWORK_GATEWAY_CHANGES => "NetworkGatewayChanges",
        cn::FILTER_ROUTE_TABLE_CHANGES => "RouteTableChanges",
        cn::FILTER_VPC_CHANGES => "VPCChanges",
        cn::FILTER_ORGANIZATIONS_CHANGES => "OrganizationsChanges",
        _ => "CISMetric",
    }
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

    /// 1.16: the policies of each failing user.
    fn user_policies(&self, c: &ControlResult) -> Vec<String> {
        failed(c)
            .filter_map(|f| {
                let list = |k: &str| -> Vec<String> {
                    f.evidence
                        .get(k)
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let (attached, inline) = (list("attached_policies"), list("inline_policies"));
                (!attached.is_empty() || !inline.is_empty()).then(|| {
                    format!(
                        "{}: attached policies [{}], inline policies [{}]",
                        f.resource,
                        attached.join(", "),
                        inline.join(", ")
                    )
                })
            })
            .collect()
    }

    /// 1.22: who each failing policy is attached to, as far as the snapshot says.
    fn admin_policies(&self, c: &ControlResult) -> Vec<String> {
        let users = self.s.iam.users.ok().map(Vec::as_slice).unwrap_or_default();
        failed(c)
            .map(|f| {
                let holders: Vec<&str> = users
                    .iter()
                    .filter(|u| {
                        u.attached_policies
                            .ok()
                            .is_some_and(|ps| ps.iter().any(|p| p.policy_arn == f.resource))
                    })
                    .map(|u| u.user_name.as_str())
                    .collect();
                format!(
                    "{}: attached to users [{}] (groups and roles: see `aws iam list-entities-for-policy --policy-arn {}`)",
                    f.resource,
                    holders.join(", "),
                    f.resource
                )
            })
            .collect()
    }

    fn password_policy(&mut self, id: &'static str) {
        let current = self.s.iam.password_policy.ok().cloned().flatten();
        let existing = current.is_some();
        let p = current.clone().unwrap_or(PasswordPolicy {
            minimum_password_length: None,
            require_symbols: false,
            require_numbers: false,
            require_uppercase_characters: false,
            require_lowercase_characters: false,
            allow_users_to_change_password: true,
            expire_passwords: false,
            max_password_age: None,
            password_reuse_prevention: None,
            hard_expiry: None,
        });
        let age = p
            .max_password_age
            .filter(|n| (1..=90).contains(n))
            .unwrap_or(90);
        let want = PasswordPolicy {
            minimum_password_length: Some(p.minimum_password_length.unwrap_or(0).clamp(14, 128)),
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: p.allow_users_to_change_password,
            expire_passwords: true,
            max_password_age: Some(age),
            password_reuse_prevention: Some(24),
            hard_expiry: p.hard_expiry,
        };
        let mut changes = Vec::new();
        let show = |v: &Option<i64>| v.map_or_else(|| "unset".to_owned(), |n| n.to_string());
        let old = current.as_ref();
        let diff = |name: &str, a: String, b: String, out: &mut Vec<String>| {
            if a != b {
                out.push(format!("{name}: {a} -> {b}"));
            }
        };
        diff(
            "minimum_password_length",
            show(&old.and_then(|p| p.minimum_password_length)),
            show(&want.minimum_password_length),
            &mut changes,
        );
        for (name, a, b) in [
            ("require_symbols", old.map(|p| p.require_symbols), true),
            ("require_numbers", old.map(|p| p.require_numbers), true),
            (
                "require_uppercase_characters",
                old.map(|p| p.require_uppercase_characters),
                true,
            ),
            (
                "require_lowercase_characters",
                old.map(|p| p.require_lowercase_characters),
                true,
            ),
        ] {
            diff(
                name,
                a.map_or_else(|| "unset".into(), |v| v.to_string()),
                b.to_string(),
                &mut changes,
            );
        }
        diff(
            "password_reuse_prevention",
            show(&old.and_then(|p| p.password_reuse_prevention)),
            show(&want.password_reuse_prevention),
            &mut changes,
        );
        diff(
            "max_password_age",
            show(&old.and_then(|p| p.max_password_age)),
            show(&want.max_password_age),
            &mut changes,
        );
        self.add(Item {
            key: "password-policy".into(),
            controls: vec![id],
            kind: Kind::Change,
            resource: crate::audit::common::account_resource(self.s),
            region: None,
            summary: if existing {
                "strengthen the account password policy (one change for 1.5 to 1.11)".into()
            } else {
                "set an account password policy (one change for 1.5 to 1.11)".into()
            },
            changes,
            removes: vec![],
            action: Action::PasswordPolicy {
                policy: want,
                existing,
            },
        });
    }

    fn support_role(&mut self, id: &'static str) {
        let role = names::SUPPORT_ROLE;
        self.add(Item {
            key: format!("support-role:{role}"),
            controls: vec![id],
            kind: Kind::Change,
            resource: format!("arn:{}:iam::{}:role/{role}", self.s.partition, self.s.account_id),
            region: None,
            summary: format!(
                "create the role `{role}`, assumable by the account's IAM principals allowed to, with AWSSupportAccess attached"
            ),
            changes: vec![
                "new role trusting the account root (IAM policies then say who may assume it)".into(),
                "AWSSupportAccess attached to it".into(),
            ],
            removes: vec![],
            action: Action::SupportRole {
                role_name: role.into(),
            },
        });
    }

    // --- trails ------------------------------------------------------------

    fn trail_by_arn(&self, arn: &str) -> Option<Trail> {
        Trails::of(self.s)
            .trails
            .into_iter()
            .find(|t| t.trail_arn == arn)
            .cloned()
    }

    /// The trail change for `t`, created on first use.
    fn trail_plan(&mut self, t: &Trail, id: &'static str) -> Option<&mut TrailPlan> {
        if !self.trails.iter().any(|p| p.state.arn == t.trail_arn) {
            let logging = t.status.ok().is_some_and(|st| st.is_logging);
            self.trails.push(TrailPlan {
                state: TrailState {
                    name: t.name.clone(),
                    arn: t.trail_arn.clone(),
                    home_region: t.home_region.clone(),
                    s3_bucket_name: t.s3_bucket_name.clone(),
                    s3_key_prefix: t.s3_key_prefix.clone(),
                    is_multi_region_trail: t.is_multi_region_trail,
                    include_global_service_events: t.include_global_service_events,
                    is_organization_trail: t.is_organization_trail,
                    log_file_validation: t.log_file_validation_enabled,
                    kms_key_id: t.kms_key_id.clone(),
                    cloud_watch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn.clone(),
                    cloud_watch_logs_role_arn: t.cloud_watch_logs_role_arn.clone(),
                    record_all_management_events: false,
                    start_logging: logging,
                },
                before: t.clone(),
                controls: Vec::new(),
            });
        }
        let tp = self
            .trails
            .iter_mut()
            .find(|p| p.state.arn == t.trail_arn)?;
        push_unique(&mut tp.controls, id);
        Some(tp)
    }

    /// Make `t` fit as the account's multi-region trail (2.1 and the first
    /// link of the chains).
    fn make_fit(&mut self, id: &'static str, t: &Trail) {
        let all_mgmt = t
            .event_selectors
            .ok()
            .is_none_or(records_all_management_events);
        if let Some(tp) = self.trail_plan(t, id) {
            tp.state.is_multi_region_trail = true;
            tp.state.include_global_service_events = true;
            tp.state.start_logging = true;
            if !all_mgmt {
                tp.state.record_all_management_events = true;
            }
        }
    }

    fn multi_region(&mut self, c: &ControlResult) {
        let all = Trails::of(self.s);
        let own: Vec<&Trail> = all
            .trails
            .iter()
            .copied()
            .filter(|t| Arn::account_of(&t.trail_arn) == Some(self.s.account_id.as_str()))
            .collect();
        // A trail that already delivers to CloudWatch Logs serves the chains too.
        let pick = own
            .iter()
            .find(|t| t.cloud_watch_logs_log_group_arn.is_some())
            .or_else(|| own.first())
            .map(|t| (*t).clone());
        match pick {
            Some(t) => self.make_fit(c.control.id, &t),
            None => self.guidance(
                c,
                "the account has no trail of its own to change: create a multi-region trail (the steps below), then run `fix` again for the settings that depend on it",
                &[],
            ),
        }
    }

    fn per_trail(&mut self, c: &ControlResult, set: impl Fn(&mut TrailState)) {
        for f in failed(c) {
            if let Some(t) = self.trail_by_arn(&f.resource)
                && let Some(tp) = self.trail_plan(&t, c.control.id)
            {
                set(&mut tp.state);
            }
        }
    }

    /// The trail sends its events to a log group of this account: the one it
    /// names, else a new one with the role CloudTrail needs.
    /// Returns (region, log group name).
    fn ensure_log_group(&mut self, id: &'static str, t: &Trail) -> (String, String) {
        if let Some(p) = self.trails.iter().find(|p| p.state.arn == t.trail_arn)
            && let Some(lg) = p
                .state
                .cloud_watch_logs_log_group_arn
                .as_deref()
                .and_then(LogGroupRef::parse)
        {
            let found = (lg.region.to_owned(), lg.name.to_owned());
            if p.before.cloud_watch_logs_log_group_arn.is_none() {
                // Created by the plan: its items serve this control too.
                self.mark_new_log_group(id, &found.0, &found.1);
                let _ = self.trail_plan(t, id);
            }
            return found;
        }
        if let Some(lg) = t
            .cloud_watch_logs_log_group_arn
            .as_deref()
            .and_then(LogGroupRef::parse)
        {
            return (lg.region.to_owned(), lg.name.to_owned());
        }
        let region = t.home_region.clone();
        let name = names::trail_log_group(&t.name);
        let role = names::CLOUDTRAIL_LOGS_ROLE;
        let role_arn = format!(
            "arn:{}:iam::{}:role/{role}",
            self.s.partition, self.s.account_id
        );
        let lg_arn = format!(
            "{}:*",
            self.arn("logs", &region, &format!("log-group:{name}"))
        );
        self.mark_new_log_group(id, &region, &name);
        if let Some(tp) = self.trail_plan(t, id) {
            tp.state.cloud_watch_logs_log_group_arn = Some(lg_arn);
            tp.state.cloud_watch_logs_role_arn = Some(role_arn);
        }
        (region, name)
    }

    fn mark_new_log_group(&mut self, id: &'static str, region: &str, name: &str) {
        let role = names::CLOUDTRAIL_LOGS_ROLE;
        self.add(Item {
            key: format!("cloudtrail-logs-role:{role}"),
            controls: vec![id],
            kind: Kind::Change,
            resource: format!("arn:{}:iam::{}:role/{role}", self.s.partition, self.s.account_id),
            region: None,
            summary: format!("create the role `{role}` that CloudTrail assumes to write to CloudWatch Logs"),
            changes: vec!["new role trusting cloudtrail.amazonaws.com, allowed logs:CreateLogStream and logs:PutLogEvents".into()],
            removes: vec![],
            action: Action::CloudTrailLogsRole {
                role_name: role.into(),
            },
        });
        self.add(Item {
            key: format!("log-group:{region}:{name}"),
            controls: vec![id],
            kind: Kind::Change,
            resource: self.arn("logs", region, &format!("log-group:{name}")),
            region: Some(region.to_owned()),
            summary: format!("create the log group `{name}` for the trail's events"),
            changes: vec!["new log group".into()],
            removes: vec![],
            action: Action::LogGroup {
                region: region.to_owned(),
                name: name.to_owned(),
            },
        });
    }

    fn trail_key(&mut self, id: &'static str, t: &Trail) {
        let region = t.home_region.clone();
        let alias = names::TRAIL_KEY_ALIAS;
        self.add(Item {
            key: format!("trail-key:{region}"),
            controls: vec![id],
            kind: Kind::Change,
            resource: self.arn("kms", &region, alias),
            region: Some(region.clone()),
            summary: format!("create a KMS key `{alias}` for CloudTrail log files, with rotation on"),
            changes: vec![
                "new symmetric customer-managed key, automatic rotation on".into(),
                "key policy: the account administers it; CloudTrail may encrypt this account's trails' logs; the account's principals with kms:Decrypt may read them".into(),
            ],
            removes: vec![],
            action: Action::TrailKey {
                region,
                alias: alias.into(),
            },
        });
        if let Some(tp) = self.trail_plan(t, id) {
            tp.state.kms_key_id = Some(alias.to_owned());
        }
    }

    // --- the metric-filter chain -------------------------------------------

    fn chain(
        &mut self,
        id: &'static str,
        row: &'static cis::PatternRow,
        chain: &'static str,
        f: &Finding,
        bench: &'static Benchmark,
    ) {
        let trail_arn = f
            .evidence
            .pointer("/chain/trail")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let trail = trail_arn.as_deref().and_then(|a| self.trail_by_arn(a));
        let Some(t) = trail.or_else(|| {
            let all = Trails::of(self.s);
            all.trails
                .iter()
                .find(|t| Arn::account_of(&t.trail_arn) == Some(self.s.account_id.as_str()))
                .map(|t| (*t).clone())
        }) else {
            self.add(Item {
                key: format!("guidance:{id}"),
                controls: vec![id],
                kind: Kind::Guidance,
                resource: crate::audit::common::account_resource(self.s),
                region: None,
                summary: "the account has no trail of its own: create a multi-region trail that sends its events to CloudWatch Logs, then run `fix` again".into(),
                changes: vec![],
                removes: vec![],
                action: Action::Guidance {
                    steps: vec![f.reason.to_string()],
                },
            });
            return;
        };
        if !matches!(trail_fitness(&t), TrailFitness::Fit) {
            self.make_fit(id, &t);
        }
        let (region, group) = self.ensure_log_group(id, &t);
        let Some(reg) = self.s.regions.iter().find(|r| r.region == region) else {
            return;
        };
        let filters: Vec<&MetricFilter> = reg
            .metric_filters
            .ok()
            .map(|l| l.iter().filter(|m| m.log_group_name == group).collect())
            .unwrap_or_default();
        let near_name = f
            .evidence
            .pointer("/chain/metric_filter/name")
            .and_then(Value::as_str);
        let (filter, metric) =
            self.filter_link(id, row, chain, &region, &group, &filters, near_name, bench);
        let _ = filter;
        self.alarm_link(id, reg, &metric, chain);
    }

    /// The filter link: a passing filter on the log group, else the near miss
    /// edited, else a new filter. Returns the filter's name and its metric.
    #[allow(clippy::too_many_arguments)]
    fn filter_link(
        &mut self,
        id: &'static str,
        row: &'static cis::PatternRow,
        chain: &'static str,
        region: &str,
        group: &str,
        filters: &[&MetricFilter],
        near_name: Option<&str>,
        bench: &'static Benchmark,
    ) -> (String, (String, String)) {
        let passes = |m: &MetricFilter, r: &str| {
            compare(&m.filter_pattern, bench, r, self.mode).is_some_and(|c| c.passes)
        };
        let metric_of = |m: &MetricFilter| {
            m.metric_transformations
                .first()
                .map(|t| (t.metric_name.clone(), t.metric_namespace.clone()))
        };
        // Already planned (1.1 and 3.3 share a row).
        if let Some(i) = self.items.iter_mut().find(|i| {
            matches!(&i.action, Action::MetricFilter(fs)
                if fs.region == region && fs.log_group == group && fs.pattern == row.canonical.first().copied().unwrap_or_default())
        }) {
            push_unique(&mut i.controls, id);
            if let Action::MetricFilter(fs) = &i.action {
                return (
                    fs.filter_name.clone(),
                    (fs.metric_name.clone(), fs.namespace.clone()),
                );
            }
        }
        if let Some(m) = filters.iter().find(|m| passes(m, row.control))
            && let Some(metric) = metric_of(m)
        {
            return (m.filter_name.clone(), metric);
        }
        let canonical = row
            .canonical
            .first()
            .copied()
            .unwrap_or_default()
            .to_owned();
        // The near miss: the audit's, else the closest by the same measure.
        let serves_other = |m: &MetricFilter| {
            bench
                .rows
                .iter()
                .any(|r| r.control != row.control && passes(m, r.control))
        };
        let taken = |b: &Self, m: &MetricFilter| {
            b.edited.iter().any(|((r, g, n), other)| {
                r == region && g == group && *n == m.filter_name && *other != row.control
            })
        };
        let near = near_name
            .and_then(|n| filters.iter().find(|m| m.filter_name == n))
            .copied()
            .filter(|m| !serves_other(m) && !taken(self, m) && metric_of(m).is_some())
            .or_else(|| {
                let mut best: Option<(f64, &MetricFilter)> = None;
                for m in filters {
                    if serves_other(m) || taken(self, m) || metric_of(m).is_none() {
                        continue;
                    }
                    let score = closeness(&m.filter_pattern, bench, row.control).unwrap_or(0.0);
                    if score >= CLOSE_SCORE && best.is_none_or(|(s, _)| score > s) {
                        best = Some((score, m));
                    }
                }
                best.map(|(_, m)| m)
            });
        let key = |name: &str| format!("filter:{region}:{group}:{name}");
        let resource = self.arn("logs", region, &format!("log-group:{group}"));
        match near.and_then(|m| metric_of(m).map(|x| (m, x))) {
            Some((m, metric)) => {
                let diff: Vec<String> = compare(&m.filter_pattern, bench, row.control, self.mode)
                    .map(|c| {
                        c.differences
                            .iter()
                            .map(|d| {
                                format!(
                                    "{} {}: expected {}, found {}",
                                    d.change.as_str(),
                                    d.term,
                                    d.expected.as_deref().unwrap_or("nothing"),
                                    d.found.as_deref().unwrap_or("nothing")
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                self.edited.push((
                    (region.to_owned(), group.to_owned(), m.filter_name.clone()),
                    row.control,
                ));
                let value = m
                    .metric_transformations
                    .first()
                    .map_or_else(|| "1".to_owned(), |t| t.metric_value.clone());
                let mut changes = vec![format!("pattern: {} -> {}", m.filter_pattern, canonical)];
                changes.extend(diff.iter().map(|d| format!("closes: {d}")));
                self.add(Item {
                    key: key(&m.filter_name),
                    controls: vec![id],
                    kind: Kind::Change,
                    resource,
                    region: Some(region.to_owned()),
                    summary: format!(
                        "edit the metric filter `{}` on `{group}` to the pattern {} accepts (the near miss is edited, no second filter is added)",
                        m.filter_name, bench.name
                    ),
                    changes,
                    removes: vec![],
                    action: Action::MetricFilter(FilterState {
                        region: region.to_owned(),
                        log_group: group.to_owned(),
                        filter_name: m.filter_name.clone(),
                        pattern: canonical,
                        metric_name: metric.0.clone(),
                        namespace: metric.1.clone(),
                        metric_value: value,
                        replaces: Some(m.filter_pattern.clone()),
                        term_diff: diff,
                    }),
                });
                (m.filter_name.clone(), metric)
            }
            None => {
                let metric = metric_name(chain);
                let mut name = format!("CIS-{id}-{metric}");
                if filters.iter().any(|m| m.filter_name == name) {
                    name = format!("{name}-fixed");
                }
                self.add(Item {
                    key: key(&name),
                    controls: vec![id],
                    kind: Kind::Change,
                    resource,
                    region: Some(region.to_owned()),
                    summary: format!(
                        "add the metric filter `{name}` on `{group}` with the pattern {} accepts",
                        bench.name
                    ),
                    changes: vec![
                        format!("pattern: {canonical}"),
                        format!("metric: {}/{metric}", names::NAMESPACE),
                    ],
                    removes: vec![],
                    action: Action::MetricFilter(FilterState {
                        region: region.to_owned(),
                        log_group: group.to_owned(),
                        filter_name: name.clone(),
                        pattern: canonical,
                        metric_name: metric.to_owned(),
                        namespace: names::NAMESPACE.to_owned(),
                        metric_value: "1".into(),
                        replaces: None,
                        term_diff: vec![],
                    }),
                });
                (name, (metric.to_owned(), names::NAMESPACE.to_owned()))
            }
        }
    }

    /// A topic of this account in the region with a confirmed subscription.
    fn good_topic(&self, reg: &Region) -> Option<String> {
        reg.topics.ok()?.iter().find_map(|t| {
            let own = Arn::account_of(&t.topic_arn) == Some(self.s.account_id.as_str());
            let confirmed = t
                .subscriptions
                .ok()
                .is_some_and(|subs| subs.iter().any(|x| x.is_confirmed()));
            (own && confirmed).then(|| t.topic_arn.clone())
        })
    }

    fn alarm_good(&self, reg: &Region, al: &MetricAlarm) -> bool {
        if al.actions_enabled != Some(true) {
            return false;
        }
        let topics = reg.topics.ok().map(Vec::as_slice).unwrap_or_default();
        al.alarm_actions.iter().any(|a| {
            topics.iter().any(|t| {
                &t.topic_arn == a
                    && Arn::account_of(a) == Some(self.s.account_id.as_str())
                    && t.subscriptions
                        .ok()
                        .is_some_and(|subs| subs.iter().any(|x| x.is_confirmed()))
            })
        })
    }

    fn alarm_link(
        &mut self,
        id: &'static str,
        reg: &Region,
        metric: &(String, String),
        chain: &'static str,
    ) {
        let region = reg.region.clone();
        let alarms: Vec<&MetricAlarm> = reg
            .alarms
            .ok()
            .map(|l| {
                l.iter()
                    .filter(|a| {
                        a.metric_name.as_deref() == Some(metric.0.as_str())
                            && a.namespace.as_deref() == Some(metric.1.as_str())
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Already planned for this metric (1.1 and 3.3).
        if let Some(i) = self.items.iter_mut().find(|i| {
            matches!(&i.action, Action::Alarm(a)
                if a.region == region && a.metric_name == metric.0 && a.namespace == metric.1)
        }) {
            push_unique(&mut i.controls, id);
            if let Action::Alarm(a) = &i.action {
                let topic = a.topic_arn.clone();
                self.topic_serves(&topic, id);
            }
            return;
        }
        if alarms.iter().any(|a| self.alarm_good(reg, a)) {
            return;
        }
        let topic = match self.good_topic(reg) {
            Some(t) => t,
            None => {
                let name = names::TOPIC;
                let arn = self.arn("sns", &region, name);
                self.add(Item {
                    key: format!("topic:{arn}"),
                    controls: vec![id],
                    kind: Kind::Change,
                    resource: arn.clone(),
                    region: Some(region.clone()),
                    summary: format!(
                        "create the topic `{name}` with a subscription to the address you set ({}); the alarm chain is complete once the subscription is confirmed",
                        names::SH_ENDPOINT_VAR
                    ),
                    changes: vec![
                        "new topic".into(),
                        "new email subscription; its endpoint is a variable you must set, and the recipient must confirm it".into(),
                    ],
                    removes: vec![],
                    action: Action::Topic {
                        region: region.clone(),
                        name: name.into(),
                    },
                });
                arn
            }
        };
        let (state, removes) = match alarms.first() {
            Some(a) => {
                let removed: Vec<String> = a
                    .alarm_actions
                    .iter()
                    .filter(|x| **x != topic && Arn::parse(x).is_some_and(|p| p.service == "sns"))
                    .map(|x| format!("alarm action {x} (a topic that does not exist, is not this account's, or has no confirmed subscription)"))
                    .collect();
                (
                    AlarmState {
                        region: region.clone(),
                        alarm_name: a.alarm_name.clone(),
                        metric_name: metric.0.clone(),
                        namespace: metric.1.clone(),
                        statistic: a.statistic.clone().unwrap_or_else(|| "Sum".into()),
                        period: a.period.unwrap_or(300),
                        evaluation_periods: a.evaluation_periods.unwrap_or(1),
                        threshold: a.threshold.unwrap_or(1.0),
                        comparison_operator: a
                            .comparison_operator
                            .clone()
                            .unwrap_or_else(|| "GreaterThanOrEqualToThreshold".into()),
                        topic_arn: topic.clone(),
                        existing: true,
                    },
                    removed,
                )
            }
            None => {
                let taken: BTreeSet<&str> = reg
                    .alarms
                    .ok()
                    .map(|l| l.iter().map(|a| a.alarm_name.as_str()).collect())
                    .unwrap_or_default();
                let mut name = format!("CIS-{id}-{}", metric_name(chain));
                if taken.contains(name.as_str()) {
                    name = format!("{name}-fixed");
                }
                (
                    AlarmState {
                        region: region.clone(),
                        alarm_name: name,
                        metric_name: metric.0.clone(),
                        namespace: metric.1.clone(),
                        statistic: "Sum".into(),
                        period: 300,
                        evaluation_periods: 1,
                        threshold: 1.0,
                        comparison_operator: "GreaterThanOrEqualToThreshold".into(),
                        topic_arn: topic.clone(),
                        existing: false,
                    },
                    vec![],
                )
            }
        };
        let mut changes = vec![
            format!("watches {}/{}", state.namespace, state.metric_name),
            "actions enabled".into(),
            format!("notifies {}", state.topic_arn),
        ];
        if !state.existing {
            changes.push(format!(
                "{} of the {} over {} s >= {}",
                state.statistic, state.metric_name, state.period, state.threshold
            ));
        }
        self.topic_serves(&topic, id);
        self.add(Item {
            key: format!("alarm:{region}:{}", state.alarm_name),
            controls: vec![id],
            kind: Kind::Change,
            resource: self.arn("cloudwatch", &region, &format!("alarm:{}", state.alarm_name)),
            region: Some(region.clone()),
            summary: if state.existing {
                format!(
                    "make the alarm `{}` notify a topic with a confirmed subscription, actions enabled",
                    state.alarm_name
                )
            } else {
                format!(
                    "add the alarm `{}` on the filter's metric, notifying a topic",
                    state.alarm_name
                )
            },
            changes,
            removes,
            action: Action::Alarm(state),
        });
    }

    /// A topic the plan creates also serves `id`.
    fn topic_serves(&mut self, topic: &str, id: &'static str) {
        if let Some(i) = self
            .items
            .iter_mut()
            .find(|i| i.key == format!("topic:{topic}"))
        {
            push_unique(&mut i.controls, id);
        }
    }

    // --- S3, Config, KMS, flow logs -------------------------------------------

    fn bucket_name(resource: &str) -> Option<&str> {
        Arn::parse(resource).and_then(|a| (a.service == "s3").then_some(a.resource))
    }

    fn bucket_public(&mut self, c: &ControlResult) {
        for f in failed(c) {
            let Some(name) = Self::bucket_name(&f.resource) else {
                continue;
            };
            let Some(b) = self.s.s3.buckets.iter().find(|b| b.name == name) else {
                self.guidance(c, "the bucket is not in the snapshot", &[]);
                continue;
            };
            let grants: Vec<_> = b
                .acl
                .ok()
                .map(|a| {
                    a.grants
                        .iter()
                        .filter(|g| {
                            g.grantee_uri.as_deref().is_some_and(|u| {
                                u.ends_with("/global/AllUsers")
                                    || u.ends_with("/global/AuthenticatedUsers")
                            })
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let mut removes: Vec<String> = grants
                .iter()
                .map(|g: &crate::snapshot::Grant| {
                    format!(
                        "ACL grant of {} to {}",
                        g.permission,
                        g.grantee_uri.as_deref().unwrap_or_default()
                    )
                })
                .collect();
            let statements: Vec<String> = f
                .evidence
                .get("public_policy_statements")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            removes.extend(
                statements
                    .iter()
                    .map(|s| format!("public access through the bucket policy ({s}), blocked by RestrictPublicBuckets")),
            );
            self.add(Item {
                key: format!("bucket-public:{name}"),
                controls: vec![c.control.id],
                kind: Kind::RemovesAccess,
                resource: f.resource.clone(),
                region: None,
                summary: format!("turn on Block Public Access for `{name}` and remove its public ACL grants"),
                changes: vec![
                    "Block Public Access: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets all on".into(),
                    "ACL: the grants to AllUsers and AuthenticatedUsers removed (canned ACL `private`)".into(),
                ],
                removes,
                action: Action::BucketPublicAccess {
                    bucket: name.to_owned(),
                    remove_grants: grants,
                },
            });
        }
    }

    fn bucket_logging(&mut self, c: &ControlResult) {
        for f in failed(c) {
            let Some(name) = Self::bucket_name(&f.resource).map(str::to_owned) else {
                continue;
            };
            if !self.s.s3.buckets.iter().any(|b| b.name == name) {
                self.guidance(c, "the trail's bucket does not exist: create it or point the trail at a bucket that does", &[]);
                continue;
            }
            let target = self.logs_bucket(c.control.id);
            self.add(Item {
                key: format!("bucket-logging:{name}"),
                controls: vec![c.control.id],
                kind: Kind::Change,
                resource: f.resource.clone(),
                region: None,
                summary: format!("turn on server access logging for `{name}`"),
                changes: vec![format!("access logs to s3://{target}/{name}/")],
                removes: vec![],
                action: Action::BucketLogging {
                    bucket: name.clone(),
                    target_bucket: target,
                    target_prefix: format!("{name}/"),
                },
            });
        }
    }

    fn config(&mut self, c: &ControlResult) {
        let id = c.control.id;
        let mut regions: Vec<String> = Vec::new();
        let mut globals = false;
        for f in failed(c) {
            match (&f.region, f.reason_code) {
                (_, "CONFIG_RECORDER_FAILING") => {
                    self.guidance(c, "the recorder fails: fix what its last error names (usually the delivery bucket's policy or the role)", &[]);
                }
                (Some(r), _) => regions.push(r.clone()),
                (None, _) => globals = true,
            }
        }
        // Global resource types: recorded in one region, the home region.
        let global_region = if globals {
            Some(self.home.clone())
        } else {
            None
        };
        if let Some(g) = &global_region
            && !regions.contains(g)
        {
            regions.push(g.clone());
        }
        for region in regions {
            let Some(reg) = self.s.regions.iter().find(|r| r.region == region) else {
                continue;
            };
            let rec = reg.config_recorders.ok().and_then(|l| l.first());
            let chan = reg.delivery_channels.ok().and_then(|l| l.first());
            let role_arn = match rec.and_then(|r| r.role_arn.clone()) {
                Some(r) => r,
                None => {
                    self.add(Item {
                        key: "config-role".into(),
                        controls: vec![id],
                        kind: Kind::Change,
                        resource: names::config_role_arn(&self.s.partition, &self.s.account_id),
                        region: None,
                        summary: "create AWS Config's service-linked role".into(),
                        changes: vec!["new service-linked role AWSServiceRoleForConfig".into()],
                        removes: vec![],
                        action: Action::ConfigServiceRole,
                    });
                    names::config_role_arn(&self.s.partition, &self.s.account_id)
                }
            };
            let had_global = rec
                .and_then(|r| r.recording_group.as_ref())
                .is_some_and(|g| g.all_supported && g.include_global_resource_types);
            let include_global = had_global || global_region.as_deref() == Some(region.as_str());
            let (channel_name, channel_bucket, existing_channel) = match chan {
                Some(ch) => (
                    ch.name.clone(),
                    ch.s3_bucket_name.clone().unwrap_or_default(),
                    true,
                ),
                None => ("default".to_owned(), self.logs_bucket(id), false),
            };
            let mut changes = vec![
                "recorder records all supported resource types".into(),
                "recording started".into(),
            ];
            if include_global && !had_global {
                changes.push("recorder includes global resource types (IAM); this is the one region that does".into());
            }
            if !existing_channel {
                changes.push(format!("new delivery channel to s3://{channel_bucket}"));
            }
            self.add(Item {
                key: format!("config:{region}"),
                controls: vec![id],
                kind: Kind::Change,
                resource: crate::audit::common::account_resource(self.s),
                region: Some(region.clone()),
                summary: format!("turn AWS Config on in {region}"),
                changes,
                removes: vec![],
                action: Action::Config(ConfigState {
                    region: region.clone(),
                    recorder_name: rec.map_or_else(|| "default".to_owned(), |r| r.name.clone()),
                    existing_recorder: rec.is_some(),
                    role_arn,
                    include_global,
                    channel_name,
                    channel_bucket,
                    existing_channel,
                }),
            });
        }
    }

    fn key_rotation(&mut self, c: &ControlResult) {
        for f in failed(c) {
            let Some(region) = f.region.clone() else {
                continue;
            };
            let key = self
                .s
                .regions
                .iter()
                .find(|r| r.region == region)
                .and_then(|r| r.kms_keys.ok())
                .and_then(|ks| ks.iter().find(|k| k.key_arn == f.resource));
            let Some(k) = key else { continue };
            self.add(Item {
                key: format!("key-rotation:{}", k.key_arn),
                controls: vec![c.control.id],
                kind: Kind::Change,
                resource: k.key_arn.clone(),
                region: Some(region.clone()),
                summary: format!("turn on automatic rotation of the key `{}`", k.key_id),
                changes: vec!["key rotation: off -> on (yearly)".into()],
                removes: vec![],
                action: Action::KeyRotation {
                    region,
                    key_id: k.key_id.clone(),
                    key_arn: k.key_arn.clone(),
                },
            });
        }
    }

    fn flow_logs(&mut self, c: &ControlResult) {
        for f in failed(c) {
            let Some(region) = f.region.clone() else {
                continue;
            };
            let Some(vpc) = Arn::parse(&f.resource).and_then(|a| a.resource.strip_prefix("vpc/"))
            else {
                continue;
            };
            let vpc = vpc.to_owned();
            let bucket = self.logs_bucket(c.control.id);
            self.add(Item {
                key: format!("flow-log:{region}:{vpc}"),
                controls: vec![c.control.id],
                kind: Kind::Change,
                resource: f.resource.clone(),
                region: Some(region.clone()),
                summary: format!("add a flow log to `{vpc}` recording rejected traffic"),
                changes: vec![format!("new flow log, traffic REJECT, to s3://{bucket}/")],
                removes: vec![],
                action: Action::FlowLog {
                    region,
                    vpc_id: vpc,
                    bucket,
                },
            });
        }
    }

    fn security_groups(&mut self, c: &ControlResult) {
        for f in failed(c) {
            let Some(region) = f.region.clone() else {
                continue;
            };
            let Some(gid) = Arn::parse(&f.resource)
                .and_then(|a| a.resource.strip_prefix("security-group/"))
                .map(str::to_owned)
            else {
                continue;
            };
            let Some(g) = self
                .s
                .regions
                .iter()
                .find(|r| r.region == region)
                .and_then(|r| r.security_groups.ok())
                .and_then(|l| l.iter().find(|g| g.group_id == gid))
                .cloned()
            else {
                continue;
            };
            self.group(c.control.id, c.control.name, &region, &g, &f.resource);
        }
    }

    fn group(&mut self, id: &'static str, check: &str, region: &str, g: &SecurityGroup, arn: &str) {
        let key = format!("security-group:{region}:{}", g.group_id);
        let default_group = check == cn::EC2_DEFAULT_GROUP_CLOSED;
        let port = match check {
            cn::EC2_NO_WORLD_SSH => Some(22),
            cn::EC2_NO_WORLD_RDP => Some(3389),
            _ => None,
        };
        let mut state = match self.items.iter().find(|i| i.key == key).map(|i| &i.action) {
            Some(Action::SecurityGroup(st)) => st.clone(),
            _ => GroupState {
                region: region.to_owned(),
                group_id: g.group_id.clone(),
                group_name: g.group_name.clone(),
                vpc_id: g.vpc_id.clone(),
                description: g.description.clone(),
                default_group: false,
                revoke_ingress: vec![],
                revoke_egress: vec![],
                keep_ingress: g.ip_permissions.clone(),
                keep_egress: g.ip_permissions_egress.clone(),
            },
        };
        if default_group {
            state.default_group = true;
            state.revoke_ingress.append(&mut state.keep_ingress);
            state.revoke_egress.append(&mut state.keep_egress);
        } else if let Some(port) = port {
            let mut keep = Vec::new();
            for rule in std::mem::take(&mut state.keep_ingress) {
                if rule_opens_port(&rule, port) {
                    let (world, rest) = split_world(&rule);
                    state.revoke_ingress.push(world);
                    if let Some(rest) = rest {
                        keep.push(rest);
                    }
                } else {
                    keep.push(rule);
                }
            }
            state.keep_ingress = keep;
        }
        // Every control whose finding on this group the removal settles.
        let mut controls = vec![id];
        for (p, cid) in [(22, "4.1"), (3389, "4.2")] {
            if state.revoke_ingress.iter().any(|r| rule_opens_port(r, p)) {
                push_unique(&mut controls, cid);
            }
        }
        let mut removes: Vec<String> = state
            .revoke_ingress
            .iter()
            .map(|r| format!("inbound {}", describe_rule(r)))
            .collect();
        removes.extend(
            state
                .revoke_egress
                .iter()
                .map(|r| format!("outbound {}", describe_rule(r))),
        );
        let item = Item {
            key: key.clone(),
            controls: controls.clone(),
            kind: Kind::RemovesAccess,
            resource: arn.to_owned(),
            region: Some(region.to_owned()),
            summary: if state.default_group {
                format!(
                    "remove every rule of the default security group `{}`; instances that rely on it lose that access",
                    g.group_id
                )
            } else {
                format!(
                    "remove the rules of `{}` ({}) that admit the whole internet to SSH or RDP",
                    g.group_id, g.group_name
                )
            },
            changes: vec![format!("{} rule(s) removed", removes.len())],
            removes,
            action: Action::SecurityGroup(state),
        };
        match self.items.iter_mut().find(|i| i.key == key) {
            Some(old) => {
                for c in old.controls.clone() {
                    push_unique(&mut controls, c);
                }
                *old = Item { controls, ..item };
            }
            None => self.items.push(item),
        }
    }

    fn finish(mut self, benchmark: &'static str) -> Plan {
        let trails = std::mem::take(&mut self.trails);
        for tp in trails {
            let st = &tp.state;
            let b = &tp.before;
            let mut changes = Vec::new();
            let flag = |n: &str, a: bool, z: bool, out: &mut Vec<String>| {
                if a != z {
                    out.push(format!("{n}: {a} -> {z}"));
                }
            };
            flag(
                "is_multi_region_trail",
                b.is_multi_region_trail,
                st.is_multi_region_trail,
                &mut changes,
            );
            flag(
                "include_global_service_events",
                b.include_global_service_events,
                st.include_global_service_events,
                &mut changes,
            );
            flag(
                "log_file_validation_enabled",
                b.log_file_validation_enabled,
                st.log_file_validation,
                &mut changes,
            );
            let was_logging = b.status.ok().is_some_and(|x| x.is_logging);
            flag("is_logging", was_logging, st.start_logging, &mut changes);
            if st.record_all_management_events {
                changes.push(
                    "event selectors: one selector recording all management events, read and write"
                        .into(),
                );
            }
            if b.kms_key_id != st.kms_key_id {
                changes.push(format!(
                    "kms_key_id: unset -> {}",
                    st.kms_key_id.as_deref().unwrap_or_default()
                ));
            }
            if b.cloud_watch_logs_log_group_arn != st.cloud_watch_logs_log_group_arn {
                changes.push(format!(
                    "cloud_watch_logs_log_group_arn: unset -> {}",
                    st.cloud_watch_logs_log_group_arn
                        .as_deref()
                        .unwrap_or_default()
                ));
            }
            let removes = if st.record_all_management_events {
                let old = b
                    .event_selectors
                    .ok()
                    .map(|e| serde_json::to_string(e).unwrap_or_default())
                    .unwrap_or_default();
                vec![format!(
                    "the trail's previous event selectors {old} (data event selectors are not kept)"
                )]
            } else {
                vec![]
            };
            self.items.push(Item {
                key: format!("trail:{}", st.arn),
                controls: tp.controls,
                kind: Kind::Change,
                resource: st.arn.clone(),
                region: Some(st.home_region.clone()),
                summary: format!("change the trail `{}`", st.name),
                changes,
                removes,
                action: Action::Trail(tp.state),
            });
        }
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

/// A rule's world ranges (0.0.0.0/0, ::/0) as a rule of their own, and the
/// rest of the rule if anything is left.
fn split_world(rule: &IpPermission) -> (IpPermission, Option<IpPermission>) {
    let (w4, r4): (Vec<IpRange>, Vec<IpRange>) = rule
        .ip_ranges
        .iter()
        .cloned()
        .partition(|r| r.cidr_ip == "0.0.0.0/0");
    let (w6, r6): (Vec<Ipv6Range>, Vec<Ipv6Range>) = rule
        .ipv6_ranges
        .iter()
        .cloned()
        .partition(|r| r.cidr_ipv6 == "::/0");
    let world = IpPermission {
        ip_ranges: w4,
        ipv6_ranges: w6,
        user_id_group_pairs: vec![],
        prefix_list_ids: vec![],
        ..rule.clone()
    };
    let rest = IpPermission {
        ip_ranges: r4,
        ipv6_ranges: r6,
        ..rule.clone()
    };
    let empty = rest.ip_ranges.is_empty()
        && rest.ipv6_ranges.is_empty()
        && rest.user_id_group_pairs.is_empty()
        && rest.prefix_list_ids.is_empty();
    (world, (!empty).then_some(rest))
}

/// `tcp 22-22 from 0.0.0.0/0, ::/0`.
pub(super) fn describe_rule(r: &IpPermission) -> String {
    let proto = if r.ip_protocol == "-1" {
        "all traffic".to_owned()
    } else {
        r.ip_protocol.clone()
    };
    let ports = match (r.from_port, r.to_port) {
        (Some(a), Some(b)) if a == b && a != -1 => format!(" port {a}"),
        (Some(a), Some(b)) if a != -1 => format!(" ports {a}-{b}"),
        _ => String::new(),
    };
    let mut from: Vec<String> = r.ip_ranges.iter().map(|x| x.cidr_ip.clone()).collect();
    from.extend(r.ipv6_ranges.iter().map(|x| x.cidr_ipv6.clone()));
    from.extend(
        r.user_id_group_pairs
            .iter()
            .filter_map(|p| p.group_id.clone()),
    );
    from.extend(r.prefix_list_ids.iter().map(|p| p.prefix_list_id.clone()));
    format!("{proto}{ports} with {}", from.join(", "))
}
