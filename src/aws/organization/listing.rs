//! The organization as AWS Organizations lists it: its description, units,
//! delegated administrators and accounts.

use std::collections::VecDeque;

use crate::snapshot::Collected;
use crate::snapshot::{DelegatedAdministrator, OrganizationAccount, OrganizationalUnit};

use crate::aws::call::{CODE_NETWORK, CODE_TIMEOUT, CallError, Ctx};
use crate::aws::client::SetupError;

use super::*;

fn setup_error(e: &CallError, what: &str) -> OrgError {
    let detail = format!("{what}: {e}");
    if e.code == CODE_TIMEOUT || e.code == CODE_NETWORK {
        OrgError::Setup(SetupError::Unreachable(detail))
    } else {
        OrgError::Organization(detail)
    }
}

/// The organization as AWS Organizations describes it.
pub(super) struct Listing {
    pub(super) id: String,
    pub(super) arn: String,
    pub(super) management: String,
    pub(super) units: Collected<Vec<OrganizationalUnit>>,
    pub(super) admins: Collected<Vec<DelegatedAdministrator>>,
    pub(super) accounts: Vec<OrganizationAccount>,
}

fn account_of(
    a: &aws_sdk_organizations::types::Account,
    parent: Option<&str>,
) -> OrganizationAccount {
    #[allow(deprecated)]
    let status = a
        .state()
        .map(|s| s.as_str().to_owned())
        .or_else(|| a.status().map(|s| s.as_str().to_owned()))
        .unwrap_or_default();
    OrganizationAccount {
        id: a.id().unwrap_or_default().to_owned(),
        name: a.name().unwrap_or_default().to_owned(),
        email: a.email().map(str::to_owned),
        status,
        parent_id: parent.map(str::to_owned),
    }
}

/// Read the organization: description, units, delegated administrators and
/// the accounts in scope (`--ou`).
pub(super) async fn list(
    ctx: &Ctx,
    org: &aws_sdk_organizations::Client,
    region: &str,
    ou: Option<&str>,
) -> Result<Listing, OrgError> {
    let described = ctx
        .call(
            "organizations",
            "DescribeOrganization",
            region,
            org.describe_organization().send(),
        )
        .await
        .map_err(|e| {
            if e.is("AWSOrganizationsNotInUse") {
                OrgError::Organization(format!(
                    "the caller's account is not in an AWS Organization ({e})"
                ))
            } else {
                setup_error(&e, "cannot describe the organization")
            }
        })?;
    let o = described.organization();
    let id = o.and_then(|o| o.id()).unwrap_or_default().to_owned();
    let arn = o.and_then(|o| o.arn()).unwrap_or_default().to_owned();
    let management = o
        .and_then(|o| o.master_account_id())
        .unwrap_or_default()
        .to_owned();

    let units = match units(ctx, org, region).await {
        Ok(u) => Collected::Ok(u),
        Err(e) => Collected::Error(crate::aws::to_model(&e)),
    };
    let admins = match admins(ctx, org, region).await {
        Ok(a) => Collected::Ok(a),
        Err(e) => Collected::Error(crate::aws::to_model(&e)),
    };
    let mut accounts = match ou {
        None => ctx
            .pages("organizations", "ListAccounts", region, |token| {
                let req = org.list_accounts().set_next_token(token).send();
                async move {
                    let o = req.await?;
                    let items = o.accounts().iter().map(|a| account_of(a, None)).collect();
                    Ok((items, o.next_token().map(str::to_owned)))
                }
            })
            .await
            .map_err(|e| setup_error(&e, "cannot list the organization's accounts"))?,
        Some(ou) => accounts_under(ctx, org, region, ou)
            .await
            .map_err(|e| setup_error(&e, &format!("cannot list the accounts under {ou}")))?,
    };
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    accounts.dedup_by(|a, b| a.id == b.id);
    Ok(Listing {
        id,
        arn,
        management,
        units,
        admins,
        accounts,
    })
}

async fn children(
    ctx: &Ctx,
    org: &aws_sdk_organizations::Client,
    region: &str,
    parent: &str,
) -> Result<Vec<OrganizationalUnit>, CallError> {
    ctx.pages(
        "organizations",
        "ListOrganizationalUnitsForParent",
        region,
        |token| {
            let req = org
                .list_organizational_units_for_parent()
                .parent_id(parent)
                .set_next_token(token)
                .send();
            async move {
                let o = req.await?;
                let items = o
                    .organizational_units()
                    .iter()
                    .map(|u| OrganizationalUnit {
                        id: u.id().unwrap_or_default().to_owned(),
                        name: u.name().unwrap_or_default().to_owned(),
                        parent_id: Some(parent.to_owned()),
                    })
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        },
    )
    .await
}

/// The roots and every unit under them, breadth first, bounded in depth
/// and number.
async fn units(
    ctx: &Ctx,
    org: &aws_sdk_organizations::Client,
    region: &str,
) -> Result<Vec<OrganizationalUnit>, CallError> {
    let roots = ctx
        .pages("organizations", "ListRoots", region, |token| {
            let req = org.list_roots().set_next_token(token).send();
            async move {
                let o = req.await?;
                let items: Vec<OrganizationalUnit> = o
                    .roots()
                    .iter()
                    .map(|r| OrganizationalUnit {
                        id: r.id().unwrap_or_default().to_owned(),
                        name: r.name().unwrap_or_default().to_owned(),
                        parent_id: None,
                    })
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        })
        .await?;
    let mut queue: VecDeque<(String, usize)> = roots.iter().map(|r| (r.id.clone(), 0)).collect();
    let mut out = roots;
    while let Some((parent, depth)) = queue.pop_front() {
        if depth >= MAX_OU_DEPTH || out.len() >= MAX_UNITS {
            continue;
        }
        for u in children(ctx, org, region, &parent).await? {
            if out.len() >= MAX_UNITS {
                break;
            }
            queue.push_back((u.id.clone(), depth + 1));
            out.push(u);
        }
    }
    Ok(out)
}

/// The accounts under `ou` and its units, with their parents.
async fn accounts_under(
    ctx: &Ctx,
    org: &aws_sdk_organizations::Client,
    region: &str,
    ou: &str,
) -> Result<Vec<OrganizationAccount>, CallError> {
    let mut queue: VecDeque<(String, usize)> = VecDeque::from([(ou.to_owned(), 0)]);
    let mut seen = 0usize;
    let mut out = Vec::new();
    while let Some((parent, depth)) = queue.pop_front() {
        let p = parent.as_str();
        let accounts = ctx
            .pages("organizations", "ListAccountsForParent", region, |token| {
                let req = org
                    .list_accounts_for_parent()
                    .parent_id(p)
                    .set_next_token(token)
                    .send();
                async move {
                    let o = req.await?;
                    let items: Vec<OrganizationAccount> = o
                        .accounts()
                        .iter()
                        .map(|a| account_of(a, Some(p)))
                        .collect();
                    Ok((items, o.next_token().map(str::to_owned)))
                }
            })
            .await?;
        out.extend(accounts);
        if depth < MAX_OU_DEPTH && seen < MAX_UNITS {
            for u in children(ctx, org, region, p).await? {
                seen += 1;
                queue.push_back((u.id, depth + 1));
            }
        }
    }
    Ok(out)
}

async fn admins(
    ctx: &Ctx,
    org: &aws_sdk_organizations::Client,
    region: &str,
) -> Result<Vec<DelegatedAdministrator>, CallError> {
    let ids = ctx
        .pages(
            "organizations",
            "ListDelegatedAdministrators",
            region,
            |token| {
                let req = org
                    .list_delegated_administrators()
                    .set_next_token(token)
                    .send();
                async move {
                    let o = req.await?;
                    let items: Vec<String> = o
                        .delegated_administrators()
                        .iter()
                        .filter_map(|d| d.id().map(str::to_owned))
                        .collect();
                    Ok((items, o.next_token().map(str::to_owned)))
                }
            },
        )
        .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let a = id.as_str();
        let mut services = ctx
            .pages(
                "organizations",
                "ListDelegatedServicesForAccount",
                region,
                |token| {
                    let req = org
                        .list_delegated_services_for_account()
                        .account_id(a)
                        .set_next_token(token)
                        .send();
                    async move {
                        let o = req.await?;
                        let items: Vec<String> = o
                            .delegated_services()
                            .iter()
                            .filter_map(|s| s.service_principal().map(str::to_owned))
                            .collect();
                        Ok((items, o.next_token().map(str::to_owned)))
                    }
                },
            )
            .await?;
        services.sort();
        out.push(DelegatedAdministrator {
            account_id: id,
            service_principals: services,
        });
    }
    out.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Ok(out)
}
