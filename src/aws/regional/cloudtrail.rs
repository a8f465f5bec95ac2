//! CloudTrail: the trails a region lists, each trail's status and event
//! selectors asked once in its home region.

use futures_util::future::join_all;

use crate::snapshot as m;

use super::{TrailDetails, arn_field, opt, ts, txt};
use crate::aws::Collector;
use crate::aws::call::CallError;
use crate::aws::client::RegionClients;

impl Collector {
    pub(super) async fn trails(&self, c: &RegionClients) -> m::Collected<Vec<m::Trail>> {
        let r = &c.region;
        let out = self
            .ctx
            .call(
                "cloudtrail",
                "DescribeTrails",
                r,
                c.cloudtrail
                    .describe_trails()
                    .include_shadow_trails(true)
                    .send(),
            )
            .await;
        let list = match out {
            Ok(o) => o.trail_list().to_vec(),
            Err(e) => return self.fail(e),
        };
        let trails = join_all(list.iter().map(|t| self.trail(r, t))).await;
        // A trail deleted since DescribeTrails listed it is left out.
        m::Collected::Ok(trails.into_iter().flatten().collect())
    }

    async fn trail(&self, region: &str, t: &aws_sdk_cloudtrail::types::Trail) -> Option<m::Trail> {
        let arn = txt(t.trail_arn());
        let known_home = t.home_region().or_else(|| arn_field(&arn, 3));
        let home = known_home.unwrap_or(region).to_owned();
        // "Not found" proves the trail is gone only for a trail of this
        // account asked in its home region; an organization trail of another
        // account may merely be out of sight.
        let own = known_home.is_some() && arn_field(&arn, 4) == Some(self.account_id.as_str());
        let cell = self.trail_cache.cell(&arn).await;
        let (status, event_selectors) = cell
            .get_or_init(|| self.trail_details(&home, &arn, own))
            .await
            .clone()?;
        Some(m::Trail {
            name: txt(t.name()),
            trail_arn: arn,
            home_region: home,
            is_multi_region_trail: t.is_multi_region_trail().unwrap_or(false),
            is_organization_trail: t.is_organization_trail().unwrap_or(false),
            include_global_service_events: t.include_global_service_events().unwrap_or(false),
            s3_bucket_name: opt(t.s3_bucket_name()),
            s3_key_prefix: opt(t.s3_key_prefix()),
            cloud_watch_logs_log_group_arn: opt(t.cloud_watch_logs_log_group_arn()),
            cloud_watch_logs_role_arn: opt(t.cloud_watch_logs_role_arn()),
            kms_key_id: opt(t.kms_key_id()),
            log_file_validation_enabled: t.log_file_validation_enabled().unwrap_or(false),
            status,
            event_selectors,
        })
    }

    /// GetTrailStatus and GetEventSelectors, asked in the trail's home region
    /// (elsewhere CloudTrail answers TrailNotFoundException for some trails).
    /// `None` when the trail is `own` (this account's) and either call says
    /// it does not exist.
    async fn trail_details(&self, home: &str, arn: &str, own: bool) -> TrailDetails {
        let c = self.clients(home);
        let (status, selectors) = tokio::join!(
            self.ctx.call(
                "cloudtrail",
                "GetTrailStatus",
                home,
                c.cloudtrail.get_trail_status().name(arn).send()
            ),
            self.ctx.call(
                "cloudtrail",
                "GetEventSelectors",
                home,
                c.cloudtrail.get_event_selectors().trail_name(arn).send()
            ),
        );
        let gone = |e: &CallError| e.is("TrailNotFound");
        if own && (status.as_ref().is_err_and(gone) || selectors.as_ref().is_err_and(gone)) {
            return None;
        }
        let status = match status {
            Ok(st) => m::Collected::Ok(trail_status(&st)),
            Err(e) => self.fail(e),
        };
        let selectors = match selectors {
            Ok(sel) => m::Collected::Ok(event_selectors(&sel)),
            Err(e) => self.fail(e),
        };
        Some((status, selectors))
    }
}

fn trail_status(
    st: &aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput,
) -> m::TrailStatus {
    m::TrailStatus {
        is_logging: st.is_logging().unwrap_or(false),
        latest_cloud_watch_logs_delivery_time: ts(st.latest_cloud_watch_logs_delivery_time()),
        latest_cloud_watch_logs_delivery_error: opt(st.latest_cloud_watch_logs_delivery_error()),
        latest_delivery_time: ts(st.latest_delivery_time()),
        latest_delivery_error: opt(st.latest_delivery_error()),
        start_logging_time: ts(st.start_logging_time()),
        stop_logging_time: ts(st.stop_logging_time()),
    }
}

fn event_selectors(
    sel: &aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput,
) -> m::EventSelectors {
    m::EventSelectors {
        event_selectors: sel
            .event_selectors()
            .iter()
            .map(|e| m::EventSelector {
                read_write_type: e
                    .read_write_type()
                    .map(|v| v.as_str().to_owned())
                    // The API's documented default.
                    .unwrap_or_else(|| "All".to_owned()),
                include_management_events: e.include_management_events().unwrap_or(true),
                exclude_management_event_sources: e.exclude_management_event_sources().to_vec(),
                data_resources: e
                    .data_resources()
                    .iter()
                    .map(|d| m::DataResource {
                        kind: txt(d.r#type()),
                        values: d.values().to_vec(),
                    })
                    .collect(),
            })
            .collect(),
        advanced_event_selectors: sel
            .advanced_event_selectors()
            .iter()
            .map(|a| m::AdvancedEventSelector {
                name: opt(a.name()),
                field_selectors: a
                    .field_selectors()
                    .iter()
                    .map(|f| m::AdvancedFieldSelector {
                        field: f.field().to_owned(),
                        equals: f.equals().to_vec(),
                        starts_with: f.starts_with().to_vec(),
                        ends_with: f.ends_with().to_vec(),
                        not_equals: f.not_equals().to_vec(),
                        not_starts_with: f.not_starts_with().to_vec(),
                        not_ends_with: f.not_ends_with().to_vec(),
                    })
                    .collect(),
            })
            .collect(),
    }
}
