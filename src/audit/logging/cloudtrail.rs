//! 2.1, 2.2 and 2.7: the account's trails, seen once each, and the checks
//! over every trail.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::audit::common::{account_finding, account_resource, no_regions};
use crate::audit::finding::{Finding, ResourceType, Status, error_json};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::{AdvancedEventSelector, CollectionError, EventSelectors, Snapshot, Trail};

/// Every trail of the account once (trails appear in each region as shadow
/// copies), preferring the copy listed in the trail's home region, plus the
/// errors of regions whose trails could not be listed.
pub struct Trails<'a> {
    /// The distinct trails, in snapshot order.
    pub trails: Vec<&'a Trail>,
    /// `(region, error)` for regions whose `DescribeTrails` failed.
    pub errors: Vec<(&'a str, &'a CollectionError)>,
}

impl<'a> Trails<'a> {
    /// Collect the distinct trails of a snapshot.
    pub fn of(s: &'a Snapshot) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut trails: Vec<&Trail> = Vec::new();
        let mut errors = Vec::new();
        for r in &s.regions {
            match r.trails.get() {
                Err(e) => errors.push((r.region.as_str(), e)),
                Ok(list) => {
                    for t in list {
                        match index.get(t.trail_arn.as_str()) {
                            Some(&i) => {
                                if r.region == t.home_region
                                    && let Some(slot) = trails.get_mut(i)
                                {
                                    *slot = t;
                                }
                            }
                            None => {
                                index.insert(t.trail_arn.as_str(), trails.len());
                                trails.push(t);
                            }
                        }
                    }
                }
            }
        }
        Trails { trails, errors }
    }

    /// When there is no trail: FAILED, or NOT_AVAILABLE if some region's
    /// trails could not be listed or the snapshot covers no region.
    pub fn none_finding(&self, s: &Snapshot) -> Finding {
        if let Some(f) = no_regions(s) {
            return f;
        }
        match self.errors.first() {
            Some((region, e)) => Finding::unreadable(
                ResourceType::Account,
                account_resource(s),
                Some(region),
                "the trails",
                e,
            ),
            None => account_finding(
                s,
                None,
                Status::Failed,
                reason::CLOUDTRAIL_NOT_PRESENT,
                "the account has no CloudTrail trail",
            ),
        }
    }
}

fn advanced_records_all_management(sel: &AdvancedEventSelector) -> bool {
    let mut management = false;
    for f in &sel.field_selectors {
        if f.field == "eventCategory" {
            management = f.equals.iter().any(|v| v == "Management")
                && f.not_equals.is_empty()
                && f.starts_with.is_empty()
                && f.ends_with.is_empty();
        } else {
            // readOnly, eventSource or any other condition narrows it.
            return false;
        }
    }
    management
}

/// Whether selectors record every management event, read and write, with no
/// excluded event source. No selector at all is CloudTrail's default, which
/// records all management events.
pub fn records_all_management_events(sel: &EventSelectors) -> bool {
    if sel.event_selectors.is_empty() && sel.advanced_event_selectors.is_empty() {
        return true;
    }
    sel.event_selectors.iter().any(|e| {
        e.include_management_events
            && e.read_write_type == "All"
            && e.exclude_management_event_sources.is_empty()
    }) || sel
        .advanced_event_selectors
        .iter()
        .any(advanced_records_all_management)
}

/// How a trail measures up as the account's multi-region trail (2.1 and the
/// first link of the metric-filter chain).
pub enum TrailFitness<'a> {
    /// Multi-region, logging, all management events.
    Fit,
    /// Something is missing: why.
    Unfit(String),
    /// Status or selectors could not be read.
    Unknown(&'static str, &'a CollectionError),
}

/// Judge one trail for 2.1.
pub fn trail_fitness(t: &Trail) -> TrailFitness<'_> {
    if !t.is_multi_region_trail {
        return TrailFitness::Unfit("the trail is not multi-region".into());
    }
    let status = match t.status.get() {
        Err(e) => return TrailFitness::Unknown("the trail status", e),
        Ok(st) => st,
    };
    if !status.is_logging {
        return TrailFitness::Unfit("the trail is not logging".into());
    }
    match t.event_selectors.get() {
        Err(e) => TrailFitness::Unknown("the trail's event selectors", e),
        Ok(sel) if !records_all_management_events(sel) => TrailFitness::Unfit(
            "the trail does not record all management events (read and write, no excluded sources)"
                .into(),
        ),
        Ok(_) => TrailFitness::Fit,
    }
}

pub(super) fn trail_finding(
    t: &Trail,
    status: Status,
    code: &'static str,
    reason: impl Into<std::borrow::Cow<'static, str>>,
) -> Finding {
    Finding::new(
        status,
        ResourceType::Trail,
        t.trail_arn.as_str(),
        Some(&t.home_region),
        code,
        reason,
    )
}

/// The row of [`cloudtrail_all_regions`].
pub static CLOUDTRAIL_ALL_REGIONS: CheckDef = CheckDef {
    name: names::CLOUDTRAIL_MULTI_REGION,
    how: How::Check(cloudtrail_all_regions),
    resource_type: ResourceType::Trail,
    reasons: &[
        reason::CLOUDTRAIL_MULTI_REGION_NOT_PRESENT,
        reason::CLOUDTRAIL_NOT_PRESENT,
        reason::MULTI_REGION_TRAIL_PRESENT,
    ],
};

/// 2.1: a multi-region trail that is logging and records all management events.
pub fn cloudtrail_all_regions(s: &Snapshot) -> Vec<Finding> {
    let all = Trails::of(s);
    if all.trails.is_empty() {
        return vec![all.none_finding(s)];
    }
    let mut unknown = None;
    let mut why_not = serde_json::Map::new();
    for t in &all.trails {
        match trail_fitness(t) {
            TrailFitness::Fit => {
                return vec![
                    trail_finding(
                        t,
                        Status::Passed,
                        reason::MULTI_REGION_TRAIL_PRESENT,
                        "a multi-region trail is logging all management events",
                    )
                    .with("is_organization_trail", t.is_organization_trail),
                ];
            }
            TrailFitness::Unfit(why) => {
                why_not.insert(t.trail_arn.clone(), Value::String(why));
            }
            TrailFitness::Unknown(what, e) => {
                why_not.insert(
                    t.trail_arn.clone(),
                    json!({ "unreadable": what, "error": error_json(e) }),
                );
                unknown.get_or_insert((*t, what, e));
            }
        }
    }
    let f = match unknown {
        Some((t, what, e)) => Finding::unreadable(
            ResourceType::Trail,
            t.trail_arn.as_str(),
            Some(&t.home_region),
            what,
            e,
        ),
        None => account_finding(
            s,
            None,
            Status::Failed,
            reason::CLOUDTRAIL_MULTI_REGION_NOT_PRESENT,
            "no trail is multi-region, logging and recording all management events",
        ),
    };
    vec![f.with("trails", Value::Object(why_not))]
}

/// A per-trail check over the distinct trails.
pub(super) fn per_trail(s: &Snapshot, judge: impl Fn(&Trail) -> Finding) -> Vec<Finding> {
    let all = Trails::of(s);
    if all.trails.is_empty() {
        return vec![all.none_finding(s)];
    }
    let mut out: Vec<Finding> = all.trails.iter().map(|t| judge(t)).collect();
    for (region, e) in &all.errors {
        out.push(Finding::unreadable(
            ResourceType::Account,
            account_resource(s),
            Some(region),
            "the trails",
            e,
        ));
    }
    out
}

/// The row of [`log_file_validation`].
pub static LOG_FILE_VALIDATION: CheckDef = CheckDef {
    name: names::CLOUDTRAIL_LOG_FILE_VALIDATION,
    how: How::Check(log_file_validation),
    resource_type: ResourceType::Trail,
    reasons: &[
        reason::LOG_FILE_VALIDATION_DISABLED,
        reason::LOG_FILE_VALIDATION_ENABLED,
    ],
};

/// 2.2: every trail validates its log files.
pub fn log_file_validation(s: &Snapshot) -> Vec<Finding> {
    per_trail(s, |t| {
        if t.log_file_validation_enabled {
            trail_finding(
                t,
                Status::Passed,
                reason::LOG_FILE_VALIDATION_ENABLED,
                "log file validation is on",
            )
        } else {
            trail_finding(
                t,
                Status::Failed,
                reason::LOG_FILE_VALIDATION_DISABLED,
                "log file validation is off",
            )
        }
    })
}

/// The row of [`trail_kms_encryption`].
pub static TRAIL_KMS_ENCRYPTION: CheckDef = CheckDef {
    name: names::CLOUDTRAIL_KMS_ENCRYPTION,
    how: How::Check(trail_kms_encryption),
    resource_type: ResourceType::Trail,
    reasons: &[reason::TRAIL_ENCRYPTED, reason::TRAIL_NOT_ENCRYPTED],
};

/// 2.7: every trail encrypts its logs with KMS.
pub fn trail_kms_encryption(s: &Snapshot) -> Vec<Finding> {
    per_trail(s, |t| match &t.kms_key_id {
        Some(k) => trail_finding(
            t,
            Status::Passed,
            reason::TRAIL_ENCRYPTED,
            "the trail's logs are encrypted with KMS",
        )
        .with("kms_key_id", k.as_str()),
        None => trail_finding(
            t,
            Status::Failed,
            reason::TRAIL_NOT_ENCRYPTED,
            "the trail's logs are not encrypted with a KMS key",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::super::cloudwatch::{cloudwatch_logs_integration, cloudwatch_logs_integration_cis};
    use super::super::tests::each_trail;
    use super::*;
    use crate::audit::testkit::*;
    use crate::snapshot::{AdvancedFieldSelector, Collected, EventSelector};

    #[test]
    fn trails_are_deduplicated() {
        let s = compliant();
        let t = Trails::of(&s);
        assert_eq!(t.trails.len(), 1);
        assert!(t.errors.is_empty());
    }

    #[test]
    fn management_event_selectors() {
        let basic = |rw: &str, inc: bool, ex: &[&str]| EventSelectors {
            event_selectors: vec![EventSelector {
                read_write_type: rw.into(),
                include_management_events: inc,
                exclude_management_event_sources: ex.iter().map(|s| s.to_string()).collect(),
                data_resources: vec![],
            }],
            advanced_event_selectors: vec![],
        };
        assert!(records_all_management_events(&EventSelectors::default()));
        assert!(records_all_management_events(&basic("All", true, &[])));
        assert!(!records_all_management_events(&basic(
            "WriteOnly",
            true,
            &[]
        )));
        assert!(!records_all_management_events(&basic("All", false, &[])));
        assert!(!records_all_management_events(&basic(
            "All",
            true,
            &["kms.amazonaws.com"]
        )));
        let field = |f: &str, eq: &[&str]| AdvancedFieldSelector {
            field: f.into(),
            equals: eq.iter().map(|s| s.to_string()).collect(),
            starts_with: vec![],
            ends_with: vec![],
            not_equals: vec![],
            not_starts_with: vec![],
            not_ends_with: vec![],
        };
        let adv = |fs: Vec<AdvancedFieldSelector>| EventSelectors {
            event_selectors: vec![],
            advanced_event_selectors: vec![AdvancedEventSelector {
                name: None,
                field_selectors: fs,
            }],
        };
        assert!(records_all_management_events(&adv(vec![field(
            "eventCategory",
            &["Management"]
        )])));
        assert!(!records_all_management_events(&adv(vec![
            field("eventCategory", &["Management"]),
            field("readOnly", &["true"])
        ])));
        assert!(!records_all_management_events(&adv(vec![field(
            "eventCategory",
            &["Data"]
        )])));
    }

    #[test]
    fn cloudtrail_all_regions_cases() {
        let mut s = compliant();
        assert_eq!(status(&cloudtrail_all_regions(&s)), Status::Passed);
        each_trail(&mut s, |t| {
            t.status = Collected::Error(denied("cloudtrail", "GetTrailStatus"))
        });
        assert_eq!(status(&cloudtrail_all_regions(&s)), Status::NotAvailable);
        each_trail(&mut s, |t| t.is_multi_region_trail = false);
        let f = cloudtrail_all_regions(&s);
        assert_eq!(f[0].reason_code, "CLOUDTRAIL_MULTI_REGION_NOT_PRESENT");
        for r in &mut s.regions {
            r.trails = Collected::Ok(vec![]);
        }
        assert_eq!(
            cloudtrail_all_regions(&s)[0].reason_code,
            "CLOUDTRAIL_NOT_PRESENT"
        );
        s.regions[0].trails = Collected::Error(denied("cloudtrail", "DescribeTrails"));
        assert_eq!(status(&cloudtrail_all_regions(&s)), Status::NotAvailable);
    }

    #[test]
    fn per_trail_checks() {
        let mut s = compliant();
        assert_eq!(status(&log_file_validation(&s)), Status::Passed);
        assert_eq!(status(&cloudwatch_logs_integration(&s)), Status::Passed);
        assert_eq!(status(&trail_kms_encryption(&s)), Status::Passed);
        each_trail(&mut s, |t| {
            t.log_file_validation_enabled = false;
            t.kms_key_id = None;
        });
        assert_eq!(status(&log_file_validation(&s)), Status::Failed);
        assert_eq!(status(&trail_kms_encryption(&s)), Status::Failed);
        each_trail(&mut s, |t| t.cloud_watch_logs_log_group_arn = None);
        assert_eq!(status(&cloudwatch_logs_integration(&s)), Status::Failed);
        assert_eq!(status(&cloudwatch_logs_integration_cis(&s)), Status::Failed);
    }
}
