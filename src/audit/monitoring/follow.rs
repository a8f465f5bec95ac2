//! The last links of a chain: alarm, actions, topic, subscription.

use serde_json::json;

use super::super::common::Arn;
use super::super::finding::{Status, error_json};
use super::attempt::Attempt;
use super::{Index, codes};
use crate::snapshot::{MetricAlarm, MetricFilter, Region, Topic};

impl<'a> Index<'a> {
    pub(super) fn follow_filter(
        &self,
        a: Attempt<'a>,
        region_name: &'a str,
        region: &'a Region,
        f: &'a MetricFilter,
    ) -> Attempt<'a> {
        if let Err(e) = region.alarms.get() {
            let mut a = a;
            a.error = Some(error_json(e));
            return a.end(
                Status::NotAvailable,
                4,
                crate::audit::finding::DATA_NOT_AVAILABLE,
                format!("the alarms could not be read: {e}"),
            );
        }
        let mut best: Option<Attempt> = None;
        let mut any_alarm = false;
        for m in &f.metric_transformations {
            let Some(alarms) = self.alarms.get(&(
                region_name,
                m.metric_name.as_str(),
                m.metric_namespace.as_str(),
            )) else {
                continue;
            };
            for al in alarms {
                any_alarm = true;
                let mut b = a.clone();
                b.metric = Some((m.metric_name.as_str(), m.metric_namespace.as_str()));
                b.alarm = Some(al);
                let b = self.follow_alarm(b, al);
                let done = b.status == Status::Passed;
                if best.as_ref().is_none_or(|x| b.better_than(x)) {
                    best = Some(b);
                }
                if done {
                    return best.unwrap_or(a);
                }
            }
        }
        match best {
            Some(b) => b,
            None => {
                debug_assert!(!any_alarm);
                let metrics: Vec<String> = f
                    .metric_transformations
                    .iter()
                    .map(|m| format!("{}/{}", m.metric_namespace, m.metric_name))
                    .collect();
                a.fail(
                    4,
                    codes::ALARMS,
                    format!(
                        "no alarm in {region_name} watches the filter's metric {}",
                        metrics.join(", ")
                    ),
                )
            }
        }
    }

    pub(super) fn follow_alarm(&self, a: Attempt<'a>, al: &'a MetricAlarm) -> Attempt<'a> {
        if al.actions_enabled == Some(false) {
            return a.fail(
                5,
                codes::ACTIONS,
                format!("the alarm `{}` has its actions disabled", al.alarm_name),
            );
        }
        let sns: Vec<&str> = al
            .alarm_actions
            .iter()
            .map(String::as_str)
            .filter(|x| Arn::parse(x).is_some_and(|arn| arn.service == "sns"))
            .collect();
        if sns.is_empty() {
            return a.fail(
                5,
                codes::ACTIONS,
                format!("the alarm `{}` notifies no SNS topic", al.alarm_name),
            );
        }
        let mut best: Option<Attempt> = None;
        for topic in sns {
            let mut b = a.clone();
            b.topic = Some(topic);
            let b = self.follow_topic(b, al, topic);
            let done = b.status == Status::Passed;
            if best.as_ref().is_none_or(|x| b.better_than(x)) {
                best = Some(b);
            }
            if done {
                break;
            }
        }
        let best = best.unwrap_or(a);
        // Actions that may be disabled cannot complete a chain.
        if al.actions_enabled.is_none() && best.status == Status::Passed {
            return best.end(
                Status::NotAvailable,
                5,
                crate::audit::finding::DATA_NOT_AVAILABLE,
                format!(
                    "the alarm `{}` does not report whether its actions are enabled; the rest of the chain is complete",
                    al.alarm_name
                ),
            );
        }
        best
    }

    pub(super) fn follow_topic(
        &self,
        a: Attempt<'a>,
        al: &'a MetricAlarm,
        topic: &'a str,
    ) -> Attempt<'a> {
        let s = self.snapshot;
        let Some(arn) = Arn::parse(topic) else {
            return a.fail(6, codes::TOPIC, format!("`{topic}` is not a topic ARN"));
        };
        let alarm_region = Arn::parse(&al.alarm_arn)
            .map(|x| x.region)
            .unwrap_or_default();
        if arn.account != s.account_id {
            let (code, where_) = if arn.region != alarm_region {
                (codes::CROSS_ACCOUNT_REGION, "another account and region")
            } else {
                (codes::CROSS_ACCOUNT, "another account")
            };
            return a.end(
                Status::Warning,
                6,
                code,
                format!("the alarm notifies a topic of {where_} ({}); its subscriptions cannot be checked here", arn.account),
            );
        }
        match self.topics.get(topic) {
            Some(t) => subscribed(a, t),
            None => self.missing_topic(a, topic, arn.region),
        }
    }

    /// The alarm's topic of this account is not among the topics read: the
    /// topics could not be read, its region was not read, or it is gone.
    fn missing_topic(&self, a: Attempt<'a>, topic: &'a str, region: &str) -> Attempt<'a> {
        match self.regions.get(region).map(|r| r.topics.get()) {
            Some(Err(e)) => {
                let mut a = a;
                a.error = Some(error_json(e));
                a.end(
                    Status::NotAvailable,
                    6,
                    super::super::finding::DATA_NOT_AVAILABLE,
                    format!("the SNS topics could not be read: {e}"),
                )
            }
            None => a.end(
                Status::Warning,
                6,
                codes::TRAIL_OTHER_REGION,
                format!("the topic is in {region}, a region the snapshot does not cover"),
            ),
            Some(Ok(_)) => a.fail(
                6,
                codes::TOPIC,
                format!("the alarm's topic `{topic}` does not exist"),
            ),
        }
    }
}

/// The last link: a confirmed subscription of the topic.
fn subscribed<'a>(a: Attempt<'a>, t: &Topic) -> Attempt<'a> {
    match t.subscriptions.get() {
        Err(e) => {
            let mut a = a;
            a.error = Some(error_json(e));
            a.end(
                Status::NotAvailable,
                7,
                super::super::finding::DATA_NOT_AVAILABLE,
                format!("the topic's subscriptions could not be read: {e}"),
            )
        }
        Ok(subs) => match subs.iter().find(|x| x.is_confirmed()) {
            Some(sub) => {
                let mut a = a;
                a.subscription = Some(json!({
                    "arn": sub.subscription_arn,
                    "protocol": sub.protocol,
                    "endpoint": sub.endpoint,
                }));
                a.end(Status::Passed, 8, codes::COMPLETE, "a complete chain: trail, log group, metric filter, alarm, topic and confirmed subscription".into())
            }
            None => {
                let pending = subs.len();
                a.fail(
                    7,
                    codes::SUBSCRIPTION,
                    if pending == 0 {
                        "the topic has no subscription".to_owned()
                    } else {
                        format!("the topic's {pending} subscription(s) are not confirmed")
                    },
                )
            }
        },
    }
}
