//! 2.5: AWS Config is enabled in every region.

use crate::audit::Procedure;
use crate::audit::common::{account_finding, account_resource, no_regions};
use crate::audit::finding::{DATA_NOT_AVAILABLE, Finding, ResourceType, Status};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::{
    CollectionError, ConfigRecorder, ConfigRecorderStatus, DeliveryChannel, Region, Snapshot,
};

/// The row of [`config_enabled`] and its CIS-procedure variant [`config_enabled_cis`].
pub static CONFIG_ENABLED: CheckDef = CheckDef {
    name: names::CONFIG_ENABLED,
    how: How::Procedures {
        securityhub: config_enabled,
        cis: config_enabled_cis,
    },
    resource_type: ResourceType::Account,
    reasons: &[
        reason::CONFIG_DELIVERY_CHANNEL_NOT_PRESENT,
        reason::CONFIG_ENABLED,
        reason::CONFIG_GLOBAL_RESOURCES_NOT_RECORDED,
        reason::CONFIG_RECORDER_FAILING,
        reason::CONFIG_RECORDER_INCOMPLETE,
        reason::CONFIG_RECORDER_NOT_PRESENT,
        reason::CONFIG_RECORDER_NOT_RECORDING,
        reason::CONFIG_RECORDER_NOT_SUCCEEDED,
    ],
};

/// 2.5 as Security Hub reads it (Config.1): in every region a recorder
/// records all supported resources, is recording, its last status is not
/// FAILURE, and a delivery channel exists. Global resource types (IAM) need
/// recording in one region only: one account-level FAILED finding
/// (`CONFIG_GLOBAL_RESOURCES_NOT_RECORDED`) when no region records them.
pub fn config_enabled(s: &Snapshot) -> Vec<Finding> {
    config(s, Procedure::SecurityHub)
}

/// 2.5 as the CIS procedure reads it: as [`config_enabled`], and the
/// recorder's last status must be SUCCESS (not merely not FAILURE).
pub fn config_enabled_cis(s: &Snapshot) -> Vec<Finding> {
    config(s, Procedure::Cis)
}

fn config(s: &Snapshot, procedure: Procedure) -> Vec<Finding> {
    if let Some(f) = no_regions(s) {
        return vec![f];
    }
    let mut out = Vec::new();
    // Regions whose working recorder includes global resource types, and
    // regions that could not be read (they might).
    let mut globals_in: Vec<&str> = Vec::new();
    let mut unread: Vec<&str> = Vec::new();
    for r in &s.regions {
        let region = r.region.as_str();
        let read = match read_config(s, r) {
            Ok(read) => read,
            Err(f) => {
                out.push(*f);
                unread.push(region);
                continue;
            }
        };
        let f = config_region(s, region, procedure, &read);
        if f.status == Status::Passed && records_globals(read.recorders) {
            globals_in.push(region);
        }
        out.push(f.with("procedure", procedure.as_str()));
    }
    if globals_in.is_empty() {
        out.push(globals_not_recorded(s, unread));
    }
    out
}

/// What 2.5 reads in one region.
struct RegionConfig<'a> {
    recorders: &'a [ConfigRecorder],
    statuses: &'a [ConfigRecorderStatus],
    channels: &'a [DeliveryChannel],
}

/// A region's recorders, recorder statuses and delivery channels, or the
/// NOT_AVAILABLE finding for the first that could not be read.
fn read_config<'a>(s: &Snapshot, r: &'a Region) -> Result<RegionConfig<'a>, Box<Finding>> {
    let unreadable = |what: &str, e: &CollectionError| {
        Box::new(Finding::unreadable(
            ResourceType::Account,
            account_resource(s),
            Some(r.region.as_str()),
            what,
            e,
        ))
    };
    match (
        r.config_recorders.get(),
        r.config_recorder_statuses.get(),
        r.delivery_channels.get(),
    ) {
        (Err(e), _, _) => Err(unreadable("the configuration recorders", e)),
        (_, Err(e), _) => Err(unreadable("the recorder status", e)),
        (_, _, Err(e)) => Err(unreadable("the delivery channels", e)),
        (Ok(recorders), Ok(statuses), Ok(channels)) => Ok(RegionConfig {
            recorders,
            statuses,
            channels,
        }),
    }
}

/// Whether a recorder records all supported resources, global ones included.
fn records_globals(recorders: &[ConfigRecorder]) -> bool {
    recorders.iter().any(|rec| {
        rec.recording_group
            .as_ref()
            .is_some_and(|g| g.all_supported && g.include_global_resource_types)
    })
}

/// The account-level finding when no region read records global resource
/// types: FAILED, or NOT_AVAILABLE when an unread region might.
fn globals_not_recorded(s: &Snapshot, unread: Vec<&str>) -> Finding {
    let f = if unread.is_empty() {
        account_finding(
            s,
            None,
            Status::Failed,
            reason::CONFIG_GLOBAL_RESOURCES_NOT_RECORDED,
            "no region records global resource types (IAM users, groups, roles, policies); one region must",
        )
    } else {
        account_finding(
            s,
            None,
            Status::NotAvailable,
            DATA_NOT_AVAILABLE,
            "no region that could be read records global resource types (IAM); a region that could not be read may",
        )
        .with("unreadable_regions", unread)
    };
    f.with("regions_read", s.regions.len())
}

/// 2.5 in one region whose recorders, statuses and channels were read.
fn config_region(
    s: &Snapshot,
    region: &str,
    procedure: Procedure,
    read: &RegionConfig<'_>,
) -> Finding {
    let fail = |code: &'static str, reason: &'static str| {
        account_finding(s, Some(region), Status::Failed, code, reason)
    };
    if read.recorders.is_empty() {
        return fail(
            reason::CONFIG_RECORDER_NOT_PRESENT,
            "no configuration recorder",
        );
    }
    let Some((rec, group)) = read.recorders.iter().find_map(|rec| {
        rec.recording_group
            .as_ref()
            .filter(|g| g.all_supported)
            .map(|g| (rec, g))
    }) else {
        return fail(
            reason::CONFIG_RECORDER_INCOMPLETE,
            "the recorder does not record all supported resource types",
        );
    };
    let st = read.statuses.iter().find(|st| st.name == rec.name);
    let last = st.and_then(|st| st.last_status.as_deref());
    let f = match st {
        None => fail(
            reason::CONFIG_RECORDER_NOT_RECORDING,
            "the recorder has no status",
        ),
        Some(st) if !st.recording => fail(
            reason::CONFIG_RECORDER_NOT_RECORDING,
            "the recorder is not recording",
        ),
        Some(st) if last.is_some_and(|l| l.eq_ignore_ascii_case("failure")) => fail(
            reason::CONFIG_RECORDER_FAILING,
            "the recorder's last status is FAILURE",
        )
        .with("last_error_code", st.last_error_code.clone()),
        Some(_)
            if procedure == Procedure::Cis
                && !last.is_some_and(|l| l.eq_ignore_ascii_case("success")) =>
        {
            fail(
                reason::CONFIG_RECORDER_NOT_SUCCEEDED,
                "the recorder's last status is not SUCCESS, as the CIS procedure asks",
            )
        }
        Some(_) if read.channels.is_empty() => fail(
            reason::CONFIG_DELIVERY_CHANNEL_NOT_PRESENT,
            "no delivery channel",
        ),
        Some(_) => account_finding(
            s,
            Some(region),
            Status::Passed,
            reason::CONFIG_ENABLED,
            "AWS Config records all supported resources and has a delivery channel",
        ),
    };
    f.with("recorder", rec.name.as_str())
        .with("last_status", last)
        .with(
            "include_global_resource_types",
            group.include_global_resource_types,
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::*;
    use crate::snapshot::Collected;
    use serde_json::json;

    fn recorder(s: &mut Snapshot, region: usize) -> &mut crate::snapshot::ConfigRecorder {
        let Collected::Ok(rec) = &mut s.regions[region].config_recorders else {
            panic!()
        };
        &mut rec[0]
    }

    fn recorder_status(s: &mut Snapshot, region: usize) -> &mut ConfigRecorderStatus {
        let Collected::Ok(st) = &mut s.regions[region].config_recorder_statuses else {
            panic!()
        };
        &mut st[0]
    }

    fn set_globals(s: &mut Snapshot, region: usize, on: bool) {
        recorder(s, region)
            .recording_group
            .as_mut()
            .unwrap()
            .include_global_resource_types = on;
    }

    #[test]
    fn config_cases() {
        let mut s = compliant();
        assert_eq!(status(&config_enabled(&s)), Status::Passed);
        assert_eq!(config_enabled(&s).len(), s.regions.len());
        recorder_status(&mut s, 1).last_status = Some("FAILURE".into());
        recorder(&mut s, 2)
            .recording_group
            .as_mut()
            .unwrap()
            .all_supported = false;
        s.regions[3].delivery_channels = Collected::Ok(vec![]);
        s.regions[0].config_recorders =
            Collected::Error(denied("config", "DescribeConfigurationRecorders"));
        let f = config_enabled(&s);
        let codes: Vec<_> = f.iter().map(|f| f.reason_code).collect();
        assert_eq!(
            codes,
            [
                "DATA_NOT_AVAILABLE",
                "CONFIG_RECORDER_FAILING",
                "CONFIG_RECORDER_INCOMPLETE",
                "CONFIG_DELIVERY_CHANNEL_NOT_PRESENT",
                // No readable region records the globals; the unread one may.
                "DATA_NOT_AVAILABLE",
            ]
        );
        assert_eq!(f[4].region, None);
        assert_eq!(f[4].evidence["unreadable_regions"], json!(["us-east-1"]));
    }

    /// Global resource types need recording in one region only; a region
    /// without them is not a failure while another records them.
    #[test]
    fn config_global_resources_in_one_region() {
        let mut s = compliant();
        for r in 1..s.regions.len() {
            set_globals(&mut s, r, false);
        }
        let f = config_enabled(&s);
        assert_eq!(status(&f), Status::Passed, "{f:#?}");
        assert_eq!(f.len(), s.regions.len());
        assert_eq!(f[1].evidence["include_global_resource_types"], false);
        // No region records them: one account-level finding fails.
        set_globals(&mut s, 0, false);
        let f = config_enabled(&s);
        assert_eq!(status(&f), Status::Failed);
        let failed = with_status(&f, Status::Failed);
        assert_eq!(failed.len(), 1);
        assert_eq!(
            failed[0].reason_code,
            "CONFIG_GLOBAL_RESOURCES_NOT_RECORDED"
        );
        assert_eq!(failed[0].region, None);
        assert_eq!(failed[0].resource, "AWS::::Account:409318256711");
        // A recorder that records them but is stopped does not count.
        set_globals(&mut s, 0, true);
        recorder_status(&mut s, 0).recording = false;
        let codes: Vec<_> = config_enabled(&s)
            .iter()
            .map(|f| f.reason_code)
            .filter(|c| *c != "CONFIG_ENABLED")
            .collect();
        assert_eq!(
            codes,
            [
                "CONFIG_RECORDER_NOT_RECORDING",
                "CONFIG_GLOBAL_RESOURCES_NOT_RECORDED"
            ]
        );
    }

    /// The CIS procedure asks for last status SUCCESS; Security Hub only for
    /// "not FAILURE".
    #[test]
    fn config_cis_asks_for_success() {
        let mut s = compliant();
        assert_eq!(status(&config_enabled_cis(&s)), Status::Passed);
        recorder_status(&mut s, 1).last_status = Some("PENDING".into());
        assert_eq!(status(&config_enabled(&s)), Status::Passed);
        let f = config_enabled_cis(&s);
        assert_eq!(status(&f), Status::Failed);
        assert_eq!(f[1].reason_code, "CONFIG_RECORDER_NOT_SUCCEEDED");
        assert_eq!(f[1].evidence["last_status"], "PENDING");
        assert_eq!(f[1].evidence["procedure"], "cis");
        recorder_status(&mut s, 1).last_status = None;
        assert_eq!(status(&config_enabled(&s)), Status::Passed);
        assert_eq!(status(&config_enabled_cis(&s)), Status::Failed);
    }
}
