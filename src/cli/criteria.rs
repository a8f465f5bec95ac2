//! `cis-filters criteria`: parse a metric filter's `fieldSelectionCriteria`,
//! print its normal form, or say whether it selects an account and Region.

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::{EXIT_FAIL, EXIT_OK, outln, text_arg_or_stdin, usage_error};
use crate::criteria::{
    self, Criteria, CriteriaError, Extent, Selection, is_account_id, is_region_code,
};

/// Output format of `criteria`.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum CriteriaFormat {
    /// The normal form (or the selection) on stdout; errors with a caret on stderr.
    #[default]
    Text,
    /// One JSON object (docs/criteria.md).
    Json,
}

/// Parse a metric filter's fieldSelectionCriteria: the accounts and Regions a
/// filter on a central log group counts.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters criteria '@aws.account IN [\"111111111111\", \"222222222222\"]'\n  \
    cis-filters criteria --account 111111111111 --region us-east-1 '@aws.region != \"eu-west-1\"'\n  \
    cis-filters criteria --format json '(@aws.region = \"us-east-1\")'\n\n\
    The language: conditions on @aws.account (12-digit account IDs) and @aws.region\n\
    (Region codes such as us-east-1) with =, !=, IN [...] and NOT IN [...], joined by AND or\n\
    OR, grouped with parentheses; values in double quotes; at most 2000 characters. AND and\n\
    OR are never mixed in one group without parentheses, because AWS does not document which\n\
    binds tighter. Empty criteria select every account and Region.\n\
    The normal form merges and sorts values and drops redundant parentheses, so criteria that\n\
    select the same print the same. With --account and --region it prints whether events from\n\
    that account and Region are counted instead.\n\
    Exit codes: 0 valid (and, with --account, selected), 1 invalid (the error is printed on\n\
    stderr) or not selected, 2 usage error.")]
pub struct CriteriaArgs {
    /// The criteria; `-` or nothing reads them from stdin (one trailing newline is dropped).
    criteria: Option<String>,
    /// With --region: say whether events from this account (12 digits) are selected.
    #[arg(long, value_name = "ID", requires = "region")]
    account: Option<String>,
    /// With --account: the Region of the events (e.g. us-east-1).
    #[arg(long, value_name = "REGION", requires = "account")]
    region: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: CriteriaFormat,
}

/// The JSON object of a criteria error: kind code, message, byte span, help.
fn error_json(e: &CriteriaError) -> Value {
    json!({
        "kind": e.kind().code(),
        "message": e.message(),
        "start": e.span().start,
        "end": e.span().end,
        "help": e.help(),
    })
}

fn extent_note(selection: &Selection, parsed: &Criteria) -> Option<&'static str> {
    match selection.extent() {
        Extent::All if parsed.expr.is_none() => {
            Some("note: empty criteria select every account and Region")
        }
        Extent::All => Some("note: these criteria select every account and Region"),
        Extent::None => {
            Some("note: these criteria select no account in any Region: the filter counts nothing")
        }
        Extent::Some => None,
    }
}

/// `cis-filters criteria`.
pub fn run(args: CriteriaArgs) -> u8 {
    let text = match text_arg_or_stdin(args.criteria.as_deref(), "criteria") {
        Ok(t) => t,
        Err(e) => return usage_error(e),
    };
    let target = match (&args.account, &args.region) {
        (Some(a), Some(r)) => {
            if !is_account_id(a) {
                return usage_error(format!(
                    "`--account {a}` is not an account ID: an account ID is 12 digits"
                ));
            }
            if !is_region_code(r) {
                return usage_error(format!(
                    "`--region {r}` is not a Region code such as `us-east-1`"
                ));
            }
            Some((a.as_str(), r.as_str()))
        }
        _ => None,
    };
    let parsed = match criteria::parse(&text) {
        Ok(c) => c,
        Err(e) => {
            match args.format {
                CriteriaFormat::Json => {
                    outln(&json!({"ok": false, "error": error_json(&e)}).to_string());
                }
                CriteriaFormat::Text => eprintln!("{}", e.render(Some("criteria"))),
            }
            return EXIT_FAIL;
        }
    };
    let selection = Selection::from_criteria(&parsed);
    let selected = target.map(|(a, r)| criteria::evaluate(&parsed, a, r));
    match args.format {
        CriteriaFormat::Json => {
            let mut doc = json!({
                "ok": true,
                "normal": selection.to_string(),
                "extent": selection.extent(),
                "ast": parsed,
            });
            if let (Some((a, r)), Some(s), Some(obj)) = (target, selected, doc.as_object_mut()) {
                obj.insert("account".into(), json!(a));
                obj.insert("region".into(), json!(r));
                obj.insert("selected".into(), json!(s));
            }
            outln(&doc.to_string());
        }
        CriteriaFormat::Text => match (target, selected) {
            (Some((a, r)), Some(s)) => {
                let verdict = if s { "selected" } else { "not selected" };
                outln(&format!("{verdict}: account {a} in {r}"));
            }
            _ => {
                outln(&selection.to_string());
                if let Some(note) = extent_note(&selection, &parsed) {
                    eprintln!("{note}");
                }
            }
        },
    }
    if selected == Some(false) {
        EXIT_FAIL
    } else {
        EXIT_OK
    }
}
