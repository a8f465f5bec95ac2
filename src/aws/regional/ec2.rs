//! EC2: VPCs, flow logs and security groups.

use crate::snapshot as m;

use super::{opt, txt};
use crate::aws::Collector;
use crate::aws::client::RegionClients;

impl Collector {
    pub(super) async fn ec2(
        &self,
        c: &RegionClients,
    ) -> (
        m::Collected<Vec<m::Vpc>>,
        m::Collected<Vec<m::FlowLog>>,
        m::Collected<Vec<m::SecurityGroup>>,
    ) {
        let r = &c.region;
        let vpcs = self.ctx.pages("ec2", "DescribeVpcs", r, |token| {
            let req = c.ec2.describe_vpcs().set_next_token(token).send();
            async move {
                let o = req.await?;
                let items: Vec<m::Vpc> = o
                    .vpcs()
                    .iter()
                    .map(|v| m::Vpc {
                        vpc_id: txt(v.vpc_id()),
                        owner_id: opt(v.owner_id()),
                        cidr_block: opt(v.cidr_block()),
                        is_default: v.is_default().unwrap_or(false),
                        state: v.state().map(|x| x.as_str().to_owned()),
                    })
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        });
        let flows = self.ctx.pages("ec2", "DescribeFlowLogs", r, |token| {
            let req = c.ec2.describe_flow_logs().set_next_token(token).send();
            async move {
                let o = req.await?;
                let items: Vec<m::FlowLog> = o
                    .flow_logs()
                    .iter()
                    .map(|f| m::FlowLog {
                        flow_log_id: txt(f.flow_log_id()),
                        resource_id: txt(f.resource_id()),
                        traffic_type: f.traffic_type().map(|x| x.as_str().to_owned()),
                        flow_log_status: opt(f.flow_log_status()),
                        deliver_logs_status: opt(f.deliver_logs_status()),
                        log_destination_type: f
                            .log_destination_type()
                            .map(|x| x.as_str().to_owned()),
                        log_destination: opt(f.log_destination()),
                    })
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        });
        let groups = self.ctx.pages("ec2", "DescribeSecurityGroups", r, |token| {
            let req = c
                .ec2
                .describe_security_groups()
                .set_next_token(token)
                .send();
            async move {
                let o = req.await?;
                let items: Vec<m::SecurityGroup> =
                    o.security_groups().iter().map(security_group).collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        });
        let (vpcs, flows, groups) = tokio::join!(vpcs, flows, groups);
        (
            self.collected(vpcs),
            self.collected(flows),
            self.collected(groups),
        )
    }
}

fn security_group(g: &aws_sdk_ec2::types::SecurityGroup) -> m::SecurityGroup {
    m::SecurityGroup {
        group_id: txt(g.group_id()),
        group_name: txt(g.group_name()),
        vpc_id: opt(g.vpc_id()),
        owner_id: opt(g.owner_id()),
        description: opt(g.description()),
        ip_permissions: g.ip_permissions().iter().map(permission).collect(),
        ip_permissions_egress: g.ip_permissions_egress().iter().map(permission).collect(),
    }
}

fn permission(p: &aws_sdk_ec2::types::IpPermission) -> m::IpPermission {
    m::IpPermission {
        ip_protocol: txt(p.ip_protocol()),
        from_port: p.from_port(),
        to_port: p.to_port(),
        ip_ranges: p
            .ip_ranges()
            .iter()
            .map(|x| m::IpRange {
                cidr_ip: txt(x.cidr_ip()),
                description: opt(x.description()),
            })
            .collect(),
        ipv6_ranges: p
            .ipv6_ranges()
            .iter()
            .map(|x| m::Ipv6Range {
                cidr_ipv6: txt(x.cidr_ipv6()),
                description: opt(x.description()),
            })
            .collect(),
        user_id_group_pairs: p
            .user_id_group_pairs()
            .iter()
            .map(|x| m::UserIdGroupPair {
                group_id: opt(x.group_id()),
                user_id: opt(x.user_id()),
                description: opt(x.description()),
            })
            .collect(),
        prefix_list_ids: p
            .prefix_list_ids()
            .iter()
            .map(|x| m::PrefixListId {
                prefix_list_id: txt(x.prefix_list_id()),
                description: opt(x.description()),
            })
            .collect(),
    }
}
