//! Section 1: identity and access management (1.2–1.22; 1.1 is the
//! metric-filter chain in [`super::monitoring`]).
//!
//! The credential report drives 1.2–1.4: its cells are text (`true`,
//! `false`, `N/A`, `no_information`, `not_supported`, or an ISO 8601 date).
//! Ages are measured against the snapshot's `taken_at`.

mod credential_report;
mod credentials;
mod password_policy;
mod policies;
mod root;
mod support;

pub use credential_report::ROOT_ROW;
pub use credentials::{
    ACCESS_KEYS_ROTATED, MFA_FOR_CONSOLE_USERS, UNUSED_CREDENTIALS, access_keys_rotated,
    mfa_for_console_users, unused_credentials,
};
pub use password_policy::{
    POLICY_LENGTH, POLICY_LOWERCASE, POLICY_MAX_AGE, POLICY_NUMBERS, POLICY_REUSE, POLICY_SYMBOLS,
    POLICY_UPPERCASE, policy_length, policy_lowercase, policy_max_age, policy_numbers,
    policy_reuse, policy_symbols, policy_uppercase,
};
pub use policies::{
    NO_FULL_ADMIN_POLICIES, NO_USER_POLICIES, grants_full_admin, no_full_admin_policies,
    no_user_policies,
};
pub use root::{
    NO_ROOT_ACCESS_KEYS, ROOT_HARDWARE_MFA, ROOT_MFA_ENABLED, no_root_access_keys,
    root_hardware_mfa, root_mfa_enabled,
};
pub use support::{SUPPORT_ROLE, support_role};

#[cfg(test)]
mod tests {
    use crate::snapshot::{Collected, Snapshot};

    /// Set one cell of `user`'s row of the credential report.
    pub(super) fn set(s: &mut Snapshot, user: &str, col: &str, v: &str) {
        let Collected::Ok(r) = &mut s.iam.credential_report else {
            panic!()
        };
        let row = r.rows.iter_mut().find(|r| r["user"] == user).unwrap();
        row.insert(col.into(), v.into());
    }
}
