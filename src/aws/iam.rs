//! IAM: credential report, password policy, account summary, MFA devices,
//! users and their policies, customer-managed policies, AWSSupportAccess.

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::future::Future;
use std::time::Duration;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures_util::future::join_all;

use crate::audit::snapshot as m;
use crate::audit::time::Timestamp;

use super::Collector;
use super::call::{CODE_BAD_RESPONSE, CODE_TIMEOUT, CallError};
use super::regional::ts;

/// How often, at most, the credential report is asked for while IAM prepares it.
pub const REPORT_POLLS: u32 = 30;
/// Longest pause between two polls; the first pauses are shorter (250 ms,
/// then doubling), as IAM usually has the report within a second.
pub const REPORT_POLL_INTERVAL: Duration = Duration::from_secs(2);

fn opt(v: Option<&str>) -> Option<String> {
    v.map(str::to_owned)
}

fn txt(v: Option<&str>) -> String {
    v.unwrap_or_default().to_owned()
}

impl Collector {
    /// All IAM data, the calls running concurrently.
    pub(crate) async fn iam(&self) -> m::Iam {
        let home = self.home.clone();
        let (
            credential_report,
            password_policy,
            account_summary,
            virtual_mfa_devices,
            users,
            policies,
            support_access,
        ) = tokio::join!(
            self.progress_of(&home, "iam credential report", self.credential_report()),
            self.password_policy(),
            self.account_summary(),
            self.virtual_mfa_devices(),
            self.progress_of(&home, "iam users", self.users()),
            self.progress_of(&home, "iam policies", self.policies()),
            self.support_access(),
        );
        m::Iam {
            credential_report,
            password_policy,
            account_summary,
            virtual_mfa_devices,
            users,
            policies,
            support_access,
        }
    }

    /// GenerateCredentialReport (which only asks IAM to prepare the report;
    /// it changes nothing in the account), polled until COMPLETE within a
    /// bound, then GetCredentialReport, decoded from CSV.
    async fn credential_report(&self) -> m::Collected<m::CredentialReport> {
        let iam = &self.global.iam;
        let home = &self.home;
        let generated = self
            .poll(
                "GenerateCredentialReport",
                || iam.generate_credential_report().send(),
                |r| Ok((r?.state().map(|s| s.as_str()) == Some("COMPLETE")).then_some(())),
            )
            .await;
        if let Err(e) = generated {
            return self.fail(e);
        }
        // COMPLETE can still race with GetCredentialReport: retry briefly.
        let got = self
            .poll(
                "GetCredentialReport",
                || iam.get_credential_report().send(),
                |r| match r {
                    Ok(o) => Ok(Some(o)),
                    Err(e) if e.is("ReportInProgress") || e.is("ReportNotPresent") => Ok(None),
                    Err(e) => Err(e),
                },
            )
            .await;
        let o = match got {
            Ok(o) => o,
            Err(e) => return self.fail(e),
        };
        let bad = |message: String| {
            CallError::new(
                "iam",
                "GetCredentialReport",
                home,
                CODE_BAD_RESPONSE,
                message,
            )
        };
        let Some(content) = o.content() else {
            return self.fail(bad("the report has no content".into()));
        };
        match parse_credential_report(&String::from_utf8_lossy(content.as_ref())) {
            Ok((columns, rows)) => m::Collected::Ok(m::CredentialReport {
                generated_time: ts(o.generated_time()),
                columns,
                rows,
            }),
            Err(message) => self.fail(bad(message)),
        }
    }

    /// Send `request()` until `judge` makes a value of its answer, at most
    /// [`REPORT_POLLS`] times, pausing between attempts, all within one call
    /// chain's time budget; an error ends the polling.
    async fn poll<O, T, E, R, Fut>(
        &self,
        operation: &'static str,
        mut request: R,
        judge: impl Fn(Result<O, CallError>) -> Result<Option<T>, CallError>,
    ) -> Result<T, CallError>
    where
        R: FnMut() -> Fut,
        Fut: Future<Output = Result<O, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let mut chain = self.ctx.chain("iam", operation, &self.home);
        for poll in 0..REPORT_POLLS {
            if poll > 0 {
                let ramp = Duration::from_millis(250) * (1u32 << poll.min(8));
                tokio::time::sleep(ramp.min(self.report_poll_interval)).await;
            }
            let answer = chain.call(request()).await.map_err(|e| {
                chain.spent_error(e, CODE_TIMEOUT, "polling of the credential report")
            });
            if let Some(v) = judge(answer)? {
                return Ok(v);
            }
        }
        Err(CallError::new(
            "iam",
            operation,
            &self.home,
            CODE_TIMEOUT,
            format!("the credential report was not ready after {REPORT_POLLS} polls"),
        ))
    }

    async fn password_policy(&self) -> m::Collected<Option<m::PasswordPolicy>> {
        let r = self
            .ctx
            .call(
                "iam",
                "GetAccountPasswordPolicy",
                &self.home,
                self.global.iam.get_account_password_policy().send(),
            )
            .await;
        match r {
            Ok(o) => m::Collected::Ok(o.password_policy().map(|p| m::PasswordPolicy {
                minimum_password_length: p.minimum_password_length().map(i64::from),
                require_symbols: p.require_symbols(),
                require_numbers: p.require_numbers(),
                require_uppercase_characters: p.require_uppercase_characters(),
                require_lowercase_characters: p.require_lowercase_characters(),
                allow_users_to_change_password: p.allow_users_to_change_password(),
                expire_passwords: p.expire_passwords(),
                max_password_age: p.max_password_age().map(i64::from),
                password_reuse_prevention: p.password_reuse_prevention().map(i64::from),
                hard_expiry: p.hard_expiry(),
            })),
            // The account has no password policy: an answer, not a failure.
            Err(e) if e.is("NoSuchEntity") => m::Collected::Ok(None),
            Err(e) => self.fail(e),
        }
    }

    async fn account_summary(&self) -> m::Collected<BTreeMap<String, i64>> {
        let r = self
            .ctx
            .call(
                "iam",
                "GetAccountSummary",
                &self.home,
                self.global.iam.get_account_summary().send(),
            )
            .await
            .map(|o| {
                o.summary_map()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.as_str().to_owned(), i64::from(*v)))
                            .collect()
                    })
                    .unwrap_or_default()
            });
        self.collected(r)
    }

    async fn virtual_mfa_devices(&self) -> m::Collected<Vec<m::VirtualMfaDevice>> {
        let iam = &self.global.iam;
        let r = self
            .ctx
            .pages("iam", "ListVirtualMFADevices", &self.home, |marker| {
                let req = iam.list_virtual_mfa_devices().set_marker(marker).send();
                async move {
                    let o = req.await?;
                    let items = o
                        .virtual_mfa_devices()
                        .iter()
                        .map(|d| m::VirtualMfaDevice {
                            serial_number: d.serial_number().to_owned(),
                            user_arn: d.user().map(|u| u.arn().to_owned()),
                            enable_date: ts(d.enable_date()),
                        })
                        .collect();
                    Ok((items, next_marker(o.is_truncated(), o.marker())))
                }
            })
            .await;
        self.collected(r)
    }

    async fn users(&self) -> m::Collected<Vec<m::User>> {
        let iam = &self.global.iam;
        let listed = self
            .ctx
            .pages("iam", "ListUsers", &self.home, |marker| {
                let req = iam.list_users().set_marker(marker).send();
                async move {
                    let o = req.await?;
                    let items: Vec<(String, String, String, Option<Timestamp>)> = o
                        .users()
                        .iter()
                        .map(|u| {
                            (
                                u.user_name().to_owned(),
                                u.user_id().to_owned(),
                                u.arn().to_owned(),
                                ts(Some(u.create_date())),
                            )
                        })
                        .collect();
                    Ok((items, next_marker(o.is_truncated(), o.marker())))
                }
            })
            .await;
        match listed {
            Err(e) => self.fail(e),
            // A user deleted since ListUsers listed it is left out.
            Ok(users) => m::Collected::Ok(
                join_all(
                    users
                        .into_iter()
                        .map(|(name, id, arn, created)| self.user(name, id, arn, created)),
                )
                .await
                .into_iter()
                .flatten()
                .collect(),
            ),
        }
    }

    /// The user's policies, or `None` when IAM answers `NoSuchEntity` (the
    /// user no longer exists).
    async fn user(
        &self,
        user_name: String,
        user_id: String,
        arn: String,
        create_date: Option<Timestamp>,
    ) -> Option<m::User> {
        let iam = &self.global.iam;
        let home = &self.home;
        let attached = self
            .ctx
            .pages("iam", "ListAttachedUserPolicies", home, |marker| {
                let req = iam
                    .list_attached_user_policies()
                    .user_name(&user_name)
                    .set_marker(marker)
                    .send();
                async move {
                    let o = req.await?;
                    let items = o
                        .attached_policies()
                        .iter()
                        .map(|p| m::AttachedPolicy {
                            policy_name: txt(p.policy_name()),
                            policy_arn: txt(p.policy_arn()),
                        })
                        .collect();
                    Ok((items, next_marker(o.is_truncated(), o.marker())))
                }
            });
        let inline = self.ctx.pages("iam", "ListUserPolicies", home, |marker| {
            let req = iam
                .list_user_policies()
                .user_name(&user_name)
                .set_marker(marker)
                .send();
            async move {
                let o = req.await?;
                let items = o.policy_names().to_vec();
                Ok((items, next_marker(o.is_truncated(), o.marker())))
            }
        });
        let (attached, inline) = tokio::join!(attached, inline);
        let gone = |e: &CallError| e.is("NoSuchEntity");
        if attached.as_ref().is_err_and(gone) || inline.as_ref().is_err_and(gone) {
            return None;
        }
        Some(m::User {
            attached_policies: self.collected(attached),
            inline_policies: self.collected(inline),
            user_name,
            user_id,
            arn,
            create_date,
        })
    }

    /// Customer-managed policies attached to something, with their default
    /// version's document.
    async fn policies(&self) -> m::Collected<Vec<m::ManagedPolicy>> {
        let iam = &self.global.iam;
        let listed = self
            .ctx
            .pages("iam", "ListPolicies", &self.home, |marker| {
                let req = iam
                    .list_policies()
                    .scope(aws_sdk_iam::types::PolicyScopeType::Local)
                    .only_attached(true)
                    .set_marker(marker)
                    .send();
                async move {
                    let o = req.await?;
                    let items: Vec<aws_sdk_iam::types::Policy> = o.policies().to_vec();
                    Ok((items, next_marker(o.is_truncated(), o.marker())))
                }
            })
            .await;
        match listed {
            Err(e) => self.fail(e),
            Ok(list) => m::Collected::Ok(join_all(list.iter().map(|p| self.policy(p))).await),
        }
    }

    async fn policy(&self, p: &aws_sdk_iam::types::Policy) -> m::ManagedPolicy {
        let arn = txt(p.arn());
        let version = txt(p.default_version_id());
        let got = self
            .ctx
            .call(
                "iam",
                "GetPolicyVersion",
                &self.home,
                self.global
                    .iam
                    .get_policy_version()
                    .policy_arn(&arn)
                    .version_id(&version)
                    .send(),
            )
            .await;
        let document = match got {
            // NoSuchEntity stays an error here: the default version can
            // change, and the old one be deleted, while the policy remains.
            Err(e) => self.fail(e),
            Ok(o) => {
                let raw = o
                    .policy_version()
                    .and_then(|v| v.document())
                    .unwrap_or_default();
                match policy_document(raw) {
                    Ok(v) => m::Collected::Ok(v),
                    Err(message) => self.fail(CallError::new(
                        "iam",
                        "GetPolicyVersion",
                        &self.home,
                        CODE_BAD_RESPONSE,
                        format!("policy {arn} version {version}: {message}"),
                    )),
                }
            }
        };
        m::ManagedPolicy {
            policy_name: txt(p.policy_name()),
            policy_id: opt(p.policy_id()),
            arn,
            default_version_id: version,
            attachment_count: p.attachment_count().map(i64::from).unwrap_or(0),
            document,
        }
    }

    async fn support_access(&self) -> m::Collected<m::PolicyEntities> {
        let iam = &self.global.iam;
        let arn = format!("arn:{}:iam::aws:policy/AWSSupportAccess", self.partition);
        let r = self
            .ctx
            .pages("iam", "ListEntitiesForPolicy", &self.home, |marker| {
                let req = iam
                    .list_entities_for_policy()
                    .policy_arn(&arn)
                    .set_marker(marker)
                    .send();
                async move {
                    let o = req.await?;
                    let page = m::PolicyEntities {
                        policy_groups: o
                            .policy_groups()
                            .iter()
                            .map(|g| txt(g.group_name()))
                            .collect(),
                        policy_users: o
                            .policy_users()
                            .iter()
                            .map(|u| txt(u.user_name()))
                            .collect(),
                        policy_roles: o
                            .policy_roles()
                            .iter()
                            .map(|r| txt(r.role_name()))
                            .collect(),
                    };
                    Ok((vec![page], next_marker(o.is_truncated(), o.marker())))
                }
            })
            .await
            .map(|pages| {
                let mut all = m::PolicyEntities::default();
                for mut p in pages {
                    all.policy_groups.append(&mut p.policy_groups);
                    all.policy_users.append(&mut p.policy_users);
                    all.policy_roles.append(&mut p.policy_roles);
                }
                all
            });
        match r {
            // No such policy (an emulator without AWS managed policies): then
            // nothing has it attached.
            Err(e) if e.is("NoSuchEntity") => m::Collected::Ok(m::PolicyEntities::default()),
            r => self.collected(r),
        }
    }
}

/// IAM's `Marker` pagination: the marker only counts when `IsTruncated`.
fn next_marker(truncated: bool, marker: Option<&str>) -> Option<String> {
    if truncated {
        marker.map(str::to_owned)
    } else {
        None
    }
}

/// A policy document as JSON. AWS sends documents URL-encoded (RFC 3986);
/// some emulators send plain JSON, so only text that does not already start
/// with `{` is decoded.
pub fn policy_document(raw: &str) -> Result<serde_json::Value, String> {
    let trimmed = raw.trim_start();
    let decoded;
    let text = if trimmed.starts_with('{') {
        trimmed
    } else {
        decoded = percent_encoding::percent_decode_str(trimmed)
            .decode_utf8()
            .map_err(|e| format!("the URL-encoded document is not UTF-8: {e}"))?;
        &decoded
    };
    serde_json::from_str(text).map_err(|e| format!("the document is not JSON: {e}"))
}

/// A decoded credential report: the columns, then one map per row.
pub type ReportTable = (Vec<String>, Vec<BTreeMap<String, String>>);

/// IAM's credential report CSV: the header row, then one row per user (and
/// `<root_account>`). Quoted fields (RFC 4180) are understood although IAM
/// does not use them today.
pub fn parse_credential_report(text: &str) -> Result<ReportTable, String> {
    let mut records = csv_records(text)?.into_iter();
    let Some(columns) = records.next() else {
        return Err("the report is empty".into());
    };
    if columns.first().map(String::as_str) != Some("user") {
        return Err("the report does not start with a `user` column".into());
    }
    let mut rows = Vec::new();
    for (i, rec) in records.enumerate() {
        if rec.len() == 1 && rec.first().is_some_and(String::is_empty) {
            continue; // blank line
        }
        if rec.len() != columns.len() {
            return Err(format!(
                "row {} has {} fields, the header has {}",
                i + 2,
                rec.len(),
                columns.len()
            ));
        }
        rows.push(columns.iter().cloned().zip(rec).collect());
    }
    Ok((columns, rows))
}

fn csv_records(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut line = 1usize;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(format!("unterminated quoted field at line {line}"));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_documents_plain_and_url_encoded() {
        let plain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        let a = policy_document(plain).unwrap();
        let b = policy_document(encoded).unwrap();
        assert_eq!(a, b);
        assert_eq!(a["Statement"][0]["Action"], "*");
        // A literal `%` inside plain JSON stays as it is.
        let pct = r#"{"Sid":"100%25"}"#;
        assert_eq!(policy_document(pct).unwrap()["Sid"], "100%25");
        assert!(policy_document("%7B").unwrap_err().contains("not JSON"));
        assert!(policy_document("%FF%FE").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn credential_report_csv() {
        let text = "user,arn,password_enabled\n<root_account>,arn:aws:iam::1:root,not_supported\nalice,\"arn:aws:iam::1:user/a,b\",true\n";
        let (cols, rows) = parse_credential_report(text).unwrap();
        assert_eq!(cols, ["user", "arn", "password_enabled"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["user"], "<root_account>");
        assert_eq!(rows[1]["arn"], "arn:aws:iam::1:user/a,b");
        assert_eq!(rows[1]["password_enabled"], "true");
        // CRLF and no trailing newline.
        let (_, rows) = parse_credential_report("user,x\r\na,1\r\nb,\"say \"\"hi\"\"\"").unwrap();
        assert_eq!(rows[1]["x"], "say \"hi\"");
        assert!(parse_credential_report("").unwrap_err().contains("empty"));
        assert!(
            parse_credential_report("name,x\n")
                .unwrap_err()
                .contains("user")
        );
        assert!(
            parse_credential_report("user,x\na\n")
                .unwrap_err()
                .contains("row 2")
        );
        assert!(
            parse_credential_report("user,x\n\"a,1\n")
                .unwrap_err()
                .contains("unterminated")
        );
    }
}
