//! CloudWatch alarms and the SNS topics they notify, with subscriptions.

use std::collections::BTreeSet;

use futures_util::future::join_all;

use crate::snapshot as m;

use super::{arn_field, opt, txt};
use crate::aws::Collector;
use crate::aws::call::CallError;
use crate::aws::client::RegionClients;

impl Collector {
    pub(super) async fn alarms_and_topics(
        &self,
        c: &RegionClients,
    ) -> (
        m::Collected<Vec<m::MetricAlarm>>,
        m::Collected<Vec<m::Topic>>,
    ) {
        let r = &c.region;
        let alarms = self.ctx.pages("cloudwatch", "DescribeAlarms", r, |token| {
            let req = c.cloudwatch.describe_alarms().set_next_token(token).send();
            async move {
                let o = req.await?;
                let items: Vec<m::MetricAlarm> = o
                    .metric_alarms()
                    .iter()
                    .map(|a| m::MetricAlarm {
                        alarm_name: txt(a.alarm_name()),
                        alarm_arn: txt(a.alarm_arn()),
                        metric_name: opt(a.metric_name()),
                        namespace: opt(a.namespace()),
                        statistic: a.statistic().map(|v| v.as_str().to_owned()),
                        actions_enabled: a.actions_enabled(),
                        alarm_actions: a.alarm_actions().to_vec(),
                        ok_actions: a.ok_actions().to_vec(),
                        insufficient_data_actions: a.insufficient_data_actions().to_vec(),
                        threshold: a.threshold(),
                        comparison_operator: a.comparison_operator().map(|v| v.as_str().to_owned()),
                        period: a.period().map(i64::from),
                        evaluation_periods: a.evaluation_periods().map(i64::from),
                        state_value: a.state_value().map(|v| v.as_str().to_owned()),
                    })
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        });
        let listed = self.ctx.pages("sns", "ListTopics", r, |token| {
            let req = c.sns.list_topics().set_next_token(token).send();
            async move {
                let o = req.await?;
                let items: Vec<String> = o
                    .topics()
                    .iter()
                    .filter_map(|t| t.topic_arn().map(str::to_owned))
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        });
        let (alarms, listed) = tokio::join!(alarms, listed);
        // Topics the alarms of this region notify, wherever they live: a topic
        // of another account or region is not in ListTopics but is part of
        // the alarm chain, so it is looked at too (the call may be denied,
        // which is then recorded with the topic).
        let mut arns: BTreeSet<String> = BTreeSet::new();
        if let Ok(list) = &listed {
            arns.extend(list.iter().cloned());
        }
        if let Ok(alarms) = &alarms {
            for a in alarms {
                arns.extend(
                    a.alarm_actions
                        .iter()
                        .filter(|x| x.starts_with("arn:") && x.split(':').nth(2) == Some("sns"))
                        .cloned(),
                );
            }
        }
        let topics = match listed {
            Err(e) => self.fail(e),
            // A topic SNS says does not exist (an alarm may still name a
            // deleted topic) is left out: the list holds the topics that exist.
            Ok(_) => m::Collected::Ok(
                join_all(arns.iter().map(|arn| self.topic(r, arn)))
                    .await
                    .into_iter()
                    .flatten()
                    .collect(),
            ),
        };
        (self.collected(alarms), topics)
    }

    /// The topic, or `None` when SNS answers `NotFound` to either call.
    async fn topic(&self, region: &str, arn: &str) -> Option<m::Topic> {
        // A topic is served by its own region.
        let topic_region = arn_field(arn, 3).unwrap_or(region);
        let c = self.clients(topic_region);
        let attrs = self.ctx.call(
            "sns",
            "GetTopicAttributes",
            topic_region,
            c.sns.get_topic_attributes().topic_arn(arn).send(),
        );
        let subs = self
            .ctx
            .pages("sns", "ListSubscriptionsByTopic", topic_region, |token| {
                let req = c
                    .sns
                    .list_subscriptions_by_topic()
                    .topic_arn(arn)
                    .set_next_token(token)
                    .send();
                async move {
                    let o = req.await?;
                    let items: Vec<m::Subscription> = o
                        .subscriptions()
                        .iter()
                        .map(|x| m::Subscription {
                            subscription_arn: txt(x.subscription_arn()),
                            protocol: txt(x.protocol()),
                            endpoint: opt(x.endpoint()),
                            owner: opt(x.owner()),
                        })
                        .collect();
                    Ok((items, o.next_token().map(str::to_owned)))
                }
            });
        let (attrs, subs) = tokio::join!(attrs, subs);
        let gone = |e: &CallError| e.is("NotFound");
        if attrs.as_ref().is_err_and(gone) || subs.as_ref().is_err_and(gone) {
            return None;
        }
        let owner = match attrs {
            Ok(a) => a.attributes().and_then(|m| m.get("Owner")).cloned(),
            Err(e) => {
                // The owner is optional (the ARN names the account); the
                // failure is still kept for the record.
                self.ctx.record(e);
                None
            }
        };
        Some(m::Topic {
            topic_arn: arn.to_owned(),
            owner,
            subscriptions: self.collected(subs),
        })
    }
}
