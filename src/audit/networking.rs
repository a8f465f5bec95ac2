//! Section 4: networking — security groups open to the world on SSH and
//! RDP, and default security groups that are not closed.

use serde_json::json;

use super::common::{account_finding, ec2_arn, no_regions, readable};
use super::finding::{Finding, ResourceType, Status};
use super::snapshot::{IpPermission, SecurityGroup, Snapshot};

/// Whether an inbound rule admits the whole internet to `port` over TCP.
pub fn rule_opens_port(rule: &IpPermission, port: i32) -> bool {
    let proto_ok = matches!(rule.ip_protocol.as_str(), "tcp" | "6" | "-1" | "all");
    if !proto_ok {
        return false;
    }
    let ports_ok = rule.ip_protocol == "-1"
        || rule.ip_protocol == "all"
        || match (rule.from_port, rule.to_port) {
            (Some(from), Some(to)) => (from == -1 && to == -1) || (from <= port && port <= to),
            _ => true,
        };
    let world = rule.ip_ranges.iter().any(|r| r.cidr_ip == "0.0.0.0/0")
        || rule.ipv6_ranges.iter().any(|r| r.cidr_ipv6 == "::/0");
    ports_ok && world
}

fn sg_arn(s: &Snapshot, region: &str, g: &SecurityGroup) -> String {
    ec2_arn(s, region, "security-group", &g.group_id)
}

fn open_port(s: &Snapshot, port: i32, name: &str, closed: &'static str) -> Vec<Finding> {
    if let Some(f) = no_regions(s) {
        return vec![f];
    }
    let mut out = Vec::new();
    for r in &s.regions {
        let region = r.region.as_str();
        let Some(groups) = readable(
            s,
            region,
            &r.security_groups,
            "the security groups",
            &mut out,
        ) else {
            continue;
        };
        for g in groups {
            let open: Vec<usize> = g
                .ip_permissions
                .iter()
                .enumerate()
                .filter(|(_, rule)| rule_opens_port(rule, port))
                .map(|(i, _)| i)
                .collect();
            let f = if open.is_empty() {
                Finding::new(
                    Status::Passed,
                    ResourceType::SecurityGroup,
                    sg_arn(s, region, g),
                    Some(region),
                    "PORT_NOT_OPEN_TO_WORLD",
                    closed,
                )
            } else {
                let rules: Vec<_> = open
                    .iter()
                    .filter_map(|&i| g.ip_permissions.get(i))
                    .map(|r| {
                        json!({
                            "ip_protocol": r.ip_protocol,
                            "from_port": r.from_port,
                            "to_port": r.to_port,
                        })
                    })
                    .collect();
                Finding::new(
                    Status::Failed,
                    ResourceType::SecurityGroup,
                    sg_arn(s, region, g),
                    Some(region),
                    "PORT_OPEN_TO_WORLD",
                    format!("an inbound rule admits the internet to port {port} ({name})"),
                )
                .with("rules", rules)
            };
            out.push(f.with("group_name", g.group_name.as_str()));
        }
    }
    if out.is_empty() {
        out.push(account_finding(
            s,
            None,
            Status::Passed,
            "NO_SECURITY_GROUPS",
            "no security group in the regions looked at",
        ));
    }
    out
}

/// 4.1: no security group admits 0.0.0.0/0 or ::/0 to port 22.
pub fn no_world_ssh(s: &Snapshot) -> Vec<Finding> {
    open_port(
        s,
        22,
        "SSH",
        "no inbound rule admits 0.0.0.0/0 or ::/0 to port 22 (SSH)",
    )
}

/// 4.2: no security group admits 0.0.0.0/0 or ::/0 to port 3389.
pub fn no_world_rdp(s: &Snapshot) -> Vec<Finding> {
    open_port(
        s,
        3389,
        "RDP",
        "no inbound rule admits 0.0.0.0/0 or ::/0 to port 3389 (RDP)",
    )
}

/// 4.3: the default security group of every VPC has no rules.
pub fn default_group_closed(s: &Snapshot) -> Vec<Finding> {
    if let Some(f) = no_regions(s) {
        return vec![f];
    }
    let mut out = Vec::new();
    for r in &s.regions {
        let region = r.region.as_str();
        let Some(groups) = readable(
            s,
            region,
            &r.security_groups,
            "the security groups",
            &mut out,
        ) else {
            continue;
        };
        for g in groups.iter().filter(|g| g.group_name == "default") {
            let (ins, outs) = (g.ip_permissions.len(), g.ip_permissions_egress.len());
            let f = if ins == 0 && outs == 0 {
                Finding::new(
                    Status::Passed,
                    ResourceType::SecurityGroup,
                    sg_arn(s, region, g),
                    Some(region),
                    "DEFAULT_GROUP_CLOSED",
                    "the default security group has no rules",
                )
            } else {
                Finding::new(
                    Status::Failed,
                    ResourceType::SecurityGroup,
                    sg_arn(s, region, g),
                    Some(region),
                    "DEFAULT_GROUP_OPEN",
                    format!(
                        "the default security group has {ins} inbound and {outs} outbound rule(s)"
                    ),
                )
            };
            out.push(f.with("vpc_id", g.vpc_id.clone()));
        }
    }
    if out.is_empty() {
        out.push(account_finding(
            s,
            None,
            Status::Passed,
            "NO_DEFAULT_GROUPS",
            "no default security group in the regions looked at",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::snapshot::{Collected, IpRange, Ipv6Range};
    use crate::audit::testkit::*;

    fn rule(
        proto: &str,
        from: Option<i32>,
        to: Option<i32>,
        v4: &[&str],
        v6: &[&str],
    ) -> IpPermission {
        IpPermission {
            ip_protocol: proto.into(),
            from_port: from,
            to_port: to,
            ip_ranges: v4
                .iter()
                .map(|c| IpRange {
                    cidr_ip: c.to_string(),
                    description: None,
                })
                .collect(),
            ipv6_ranges: v6
                .iter()
                .map(|c| Ipv6Range {
                    cidr_ipv6: c.to_string(),
                    description: None,
                })
                .collect(),
            user_id_group_pairs: vec![],
            prefix_list_ids: vec![],
        }
    }

    #[test]
    fn port_matching() {
        assert!(rule_opens_port(
            &rule("tcp", Some(22), Some(22), &["0.0.0.0/0"], &[]),
            22
        ));
        assert!(rule_opens_port(
            &rule("tcp", Some(0), Some(65535), &[], &["::/0"]),
            3389
        ));
        assert!(rule_opens_port(
            &rule("-1", None, None, &["0.0.0.0/0"], &[]),
            22
        ));
        assert!(rule_opens_port(
            &rule("6", Some(20), Some(23), &["0.0.0.0/0"], &[]),
            22
        ));
        assert!(!rule_opens_port(
            &rule("udp", Some(22), Some(22), &["0.0.0.0/0"], &[]),
            22
        ));
        assert!(!rule_opens_port(
            &rule("tcp", Some(23), Some(80), &["0.0.0.0/0"], &[]),
            22
        ));
        assert!(!rule_opens_port(
            &rule("tcp", Some(22), Some(22), &["10.0.0.0/8"], &[]),
            22
        ));
    }

    #[test]
    fn open_port_cases() {
        let mut s = compliant();
        assert_eq!(status(&no_world_ssh(&s)), Status::Passed);
        assert_eq!(status(&no_world_rdp(&s)), Status::Passed);
        let Collected::Ok(gs) = &mut s.regions[0].security_groups else {
            panic!()
        };
        let bastion = gs.iter_mut().find(|g| g.group_name == "bastion").unwrap();
        bastion
            .ip_permissions
            .push(rule("tcp", Some(22), Some(22), &["0.0.0.0/0"], &[]));
        let id = bastion.group_id.clone();
        let f = no_world_ssh(&s);
        assert_eq!(about(&f, &id).status, Status::Failed);
        assert_eq!(status(&no_world_rdp(&s)), Status::Passed);
        s.regions[1].security_groups = Collected::Error(denied("ec2", "DescribeSecurityGroups"));
        let f = no_world_rdp(&s);
        assert_eq!(status(&f), Status::NotAvailable);
        assert_eq!(
            with_status(&f, Status::NotAvailable)[0].region.as_deref(),
            Some("eu-west-1")
        );
    }

    /// No region read: no security group was seen, which proves nothing.
    #[test]
    fn no_region_read_is_not_a_pass() {
        let mut s = compliant();
        s.regions.clear();
        for check in [no_world_ssh, no_world_rdp, default_group_closed] {
            assert_eq!(status(&check(&s)), Status::NotAvailable);
        }
        // Regions read without groups: a fact.
        let mut s = compliant();
        for r in &mut s.regions {
            r.security_groups = Collected::Ok(vec![]);
        }
        assert_eq!(no_world_ssh(&s)[0].reason_code, "NO_SECURITY_GROUPS");
        assert_eq!(status(&default_group_closed(&s)), Status::Passed);
    }

    #[test]
    fn default_group_cases() {
        let mut s = compliant();
        let f = default_group_closed(&s);
        assert_eq!(status(&f), Status::Passed);
        assert_eq!(f.len(), 6);
        let Collected::Ok(gs) = &mut s.regions[2].security_groups else {
            panic!()
        };
        gs[0]
            .ip_permissions_egress
            .push(rule("-1", None, None, &["0.0.0.0/0"], &[]));
        assert_eq!(status(&default_group_closed(&s)), Status::Failed);
        s.regions[2].security_groups = Collected::Error(denied("ec2", "DescribeSecurityGroups"));
        assert_eq!(status(&default_group_closed(&s)), Status::NotAvailable);
    }
}
