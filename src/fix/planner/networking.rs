//! Section 4: security group rules removed.

use super::{Builder, failed, push_unique};
use crate::audit::ControlResult;
use crate::audit::common::Arn;
use crate::audit::networking::rule_opens_port;
use crate::cis::names as cn;
use crate::fix::model::{Action, GroupState, Item, Kind};
use crate::snapshot::{IpPermission, IpRange, Ipv6Range, SecurityGroup};

impl Builder<'_> {
    pub(super) fn security_groups(&mut self, c: &ControlResult) {
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

    pub(super) fn group(
        &mut self,
        id: &'static str,
        check: &str,
        region: &str,
        g: &SecurityGroup,
        arn: &str,
    ) {
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
        revoke(&mut state, default_group, port);
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

/// Moves the rules that go from the kept lists to the removed ones: every
/// rule of a default group, else the world ranges of the rules that open
/// `port`.
fn revoke(state: &mut GroupState, default_group: bool, port: Option<i32>) {
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
}
