//! AWS Config: recorders, their status, delivery channels.

use crate::snapshot as m;

use super::{opt, ts, txt};
use crate::aws::Collector;
use crate::aws::client::RegionClients;

impl Collector {
    pub(super) async fn config(
        &self,
        c: &RegionClients,
    ) -> (
        m::Collected<Vec<m::ConfigRecorder>>,
        m::Collected<Vec<m::ConfigRecorderStatus>>,
        m::Collected<Vec<m::DeliveryChannel>>,
    ) {
        let r = &c.region;
        let (recorders, statuses, channels) = tokio::join!(
            self.ctx.call(
                "config",
                "DescribeConfigurationRecorders",
                r,
                c.config.describe_configuration_recorders().send()
            ),
            self.ctx.call(
                "config",
                "DescribeConfigurationRecorderStatus",
                r,
                c.config.describe_configuration_recorder_status().send()
            ),
            self.ctx.call(
                "config",
                "DescribeDeliveryChannels",
                r,
                c.config.describe_delivery_channels().send()
            ),
        );
        let recorders =
            recorders.map(|o| o.configuration_recorders().iter().map(recorder).collect());
        let statuses = statuses.map(|o| {
            o.configuration_recorders_status()
                .iter()
                .map(recorder_status)
                .collect()
        });
        let channels =
            channels.map(|o| o.delivery_channels().iter().map(delivery_channel).collect());
        (
            self.collected(recorders),
            self.collected(statuses),
            self.collected(channels),
        )
    }
}

fn recorder(x: &aws_sdk_config::types::ConfigurationRecorder) -> m::ConfigRecorder {
    m::ConfigRecorder {
        name: txt(x.name()),
        role_arn: opt(x.role_arn()),
        recording_group: x.recording_group().map(|g| m::RecordingGroup {
            all_supported: g.all_supported(),
            include_global_resource_types: g.include_global_resource_types(),
            resource_types: g
                .resource_types()
                .iter()
                .map(|t| t.as_str().to_owned())
                .collect(),
            recording_strategy: g
                .recording_strategy()
                .and_then(|st| st.use_only())
                .map(|u| u.as_str().to_owned()),
        }),
    }
}

fn recorder_status(
    x: &aws_sdk_config::types::ConfigurationRecorderStatus,
) -> m::ConfigRecorderStatus {
    m::ConfigRecorderStatus {
        name: txt(x.name()),
        recording: x.recording(),
        last_status: x.last_status().map(|v| v.as_str().to_owned()),
        last_error_code: opt(x.last_error_code()),
        last_error_message: opt(x.last_error_message()),
        last_status_change_time: ts(x.last_status_change_time()),
    }
}

fn delivery_channel(x: &aws_sdk_config::types::DeliveryChannel) -> m::DeliveryChannel {
    m::DeliveryChannel {
        name: txt(x.name()),
        s3_bucket_name: opt(x.s3_bucket_name()),
        s3_key_prefix: opt(x.s3_key_prefix()),
        sns_topic_arn: opt(x.sns_topic_arn()),
    }
}
