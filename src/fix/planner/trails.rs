//! The account's trails (2.1 to 2.4, 2.7, and the first links of the
//! monitoring chains): one change per trail, with the log group, role and
//! key the plan creates for it.

use super::{Builder, TrailPlan, failed, push_unique};
use crate::audit::ControlResult;
use crate::audit::common::{Arn, LogGroupRef};
use crate::audit::logging::{Trails, records_all_management_events};
use crate::fix::model::{Action, Item, Kind, TrailState, names};
use crate::snapshot::Trail;

impl Builder<'_> {
    pub(super) fn trail_by_arn(&self, arn: &str) -> Option<Trail> {
        Trails::of(self.s)
            .trails
            .into_iter()
            .find(|t| t.trail_arn == arn)
            .cloned()
    }

    /// The trail change for `t`, created on first use.
    pub(super) fn trail_plan(&mut self, t: &Trail, id: &'static str) -> Option<&mut TrailPlan> {
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
    pub(super) fn make_fit(&mut self, id: &'static str, t: &Trail) {
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

    pub(super) fn multi_region(&mut self, c: &ControlResult) {
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

    pub(super) fn per_trail(&mut self, c: &ControlResult, set: impl Fn(&mut TrailState)) {
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
    pub(super) fn ensure_log_group(&mut self, id: &'static str, t: &Trail) -> (String, String) {
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

    pub(super) fn mark_new_log_group(&mut self, id: &'static str, region: &str, name: &str) {
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

    pub(super) fn trail_key(&mut self, id: &'static str, t: &Trail) {
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
}

/// The item of a trail change: every setting that moves, and the event
/// selectors replaced.
pub(super) fn trail_item(tp: TrailPlan) -> Item {
    let st = &tp.state;
    let b = &tp.before;
    let changes = trail_changes(b, st);
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
    Item {
        key: format!("trail:{}", st.arn),
        controls: tp.controls,
        kind: Kind::Change,
        resource: st.arn.clone(),
        region: Some(st.home_region.clone()),
        summary: format!("change the trail `{}`", st.name),
        changes,
        removes,
        action: Action::Trail(tp.state),
    }
}

/// The trail's settings that move, for people (`is_logging: false -> true`).
fn trail_changes(b: &Trail, st: &TrailState) -> Vec<String> {
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
            "event selectors: one selector recording all management events, read and write".into(),
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
    changes
}
