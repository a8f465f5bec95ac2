//! SNS: topics and their subscriptions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Collected;

/// An SNS topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// The topic ARN.
    pub topic_arn: String,
    /// The owning account (`GetTopicAttributes` `Owner`); absent when not
    /// read, in which case the ARN's account is taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The topic's subscriptions.
    pub subscriptions: Collected<Vec<Subscription>>,
}

/// An SNS subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// The subscription ARN, or `PendingConfirmation` (or `Deleted`) while
    /// the subscription is not confirmed.
    pub subscription_arn: String,
    /// `email`, `sqs`, `lambda`, `https`, …
    pub protocol: String,
    /// Where notifications go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The subscribing account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl Subscription {
    /// Whether the subscription is confirmed (its ARN is an ARN).
    pub fn is_confirmed(&self) -> bool {
        self.subscription_arn.starts_with("arn:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_confirmation() {
        let s = |arn: &str| Subscription {
            subscription_arn: arn.into(),
            protocol: "email".into(),
            endpoint: None,
            owner: None,
        };
        assert!(s("arn:aws:sns:us-east-1:123456789012:t:abc").is_confirmed());
        assert!(!s("PendingConfirmation").is_confirmed());
        assert!(!s("Deleted").is_confirmed());
    }
}
