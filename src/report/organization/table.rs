//! The organization table for people: a matrix of accounts (rows) and
//! controls (columns) with one-letter statuses, headers written vertically
//! so that the 49 columns fit a terminal, a legend, then the findings that
//! FAILED, account by account.
//!
//! Each account's row and failing findings are made as the account is
//! audited ([`row`], [`failing`]), kept in temporary files, and written
//! after the header by [`write()`].

use std::fmt::Write as _;
use std::io::{self, Write};

use super::spill::Records;
use crate::audit::Status;
use crate::audit::organization::{AccountResult, OrgAudit};
use crate::cis::Control;
use crate::report::escape;

const RESET: &str = "\x1b[0m";

/// The status letter and its colour.
fn letter(s: Status) -> (char, &'static str) {
    match s {
        Status::Passed => ('P', "\x1b[32m"),
        Status::Failed => ('F', "\x1b[1;31m"),
        Status::Warning => ('W', "\x1b[33m"),
        Status::NotAvailable => ('-', "\x1b[2m"),
    }
}

/// The legend line.
pub const LEGEND: &str = "P PASSED  F FAILED  W WARNING  - NOT_AVAILABLE (or manual)";

/// The header: each control id written top to bottom, a blank line
/// between sections.
fn header(cols: &[&'static Control], lead: usize, out: &mut String) {
    let height = cols.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for row in 0..height {
        let mut line = " ".repeat(lead);
        let mut last = None;
        for c in cols {
            if last.is_some_and(|s| s != c.section) {
                line.push(' ');
            }
            last = Some(c.section);
            line.push(c.id.chars().nth(row).unwrap_or(' '));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// The width of the account column: the longest account id, at least 7.
pub fn id_width(longest: usize) -> usize {
    longest.max(7)
}

/// An account's row of the matrix: its escaped id (padded to the widest
/// when written), and the rest of the line after the padding.
pub fn row(a: &AccountResult, cols: &[&'static Control], colour: bool) -> (String, String) {
    let id = escape::line(&a.id).into_owned();
    let mut line = String::new();
    let Some(audit) = &a.audit else {
        let _ = write!(
            line,
            "{} ({})",
            a.status.as_str(),
            escape::line(a.note.as_deref().unwrap_or(""))
        );
        return (id, line);
    };
    let mut last = None;
    for c in cols {
        if last.is_some_and(|s| s != c.section) {
            line.push(' ');
        }
        last = Some(c.section);
        let st = audit
            .controls
            .iter()
            .find(|r| r.control.id == c.id)
            .map(|r| r.status);
        match st.map(letter) {
            Some((ch, paint)) if colour => {
                let _ = write!(line, "{paint}{ch}{RESET}");
            }
            Some((ch, _)) => line.push(ch),
            None => line.push(' '),
        }
    }
    let failed = audit.count(Status::Failed);
    let _ = write!(line, "  {failed:>2} failed");
    if !a.name.is_empty() {
        let _ = write!(line, "  {}", escape::line(&a.name));
    }
    (id, line)
}

/// Write the table: the title, the matrix of `cols` with the `rows` (made
/// by [`row`]) of accounts whose ids are at most `longest` long, the
/// legend, the `failing` findings (made by [`failing`]) and the count of
/// accounts that FAILED.
pub fn write(
    o: &OrgAudit,
    cols: &[&'static Control],
    longest: usize,
    rows: Records,
    failing: Records,
    w: &mut impl Write,
) -> io::Result<()> {
    let mut out = String::new();
    let what = match &o.organization_id {
        Some(id) => format!("organization {}", escape::line(id)),
        None => "accounts".to_owned(),
    };
    let _ = writeln!(
        out,
        "CIS audit of {what} ({} accounts), benchmark {}, match {}",
        o.tally.accounts, o.benchmark, o.mode
    );
    out.push('\n');
    let id_w = id_width(longest);
    header(cols, id_w + 2, &mut out);
    w.write_all(out.as_bytes())?;
    for r in rows {
        let r = r?;
        writeln!(w, "{:<id_w$}  {}", r.a, r.b)?;
    }
    writeln!(w, "\n{LEGEND}")?;
    for r in failing {
        w.write_all(r?.a.as_bytes())?;
    }
    writeln!(
        w,
        "\n{} of {} accounts have a FAILED control.",
        o.tally.accounts_failed, o.tally.accounts
    )
}

/// The FAILED findings of an account ("" when none FAILED).
pub fn failing(a: &AccountResult) -> String {
    let mut out = String::new();
    let Some(audit) = a.audit.as_ref().filter(|x| x.any_failed()) else {
        return out;
    };
    let _ = writeln!(
        out,
        "\nFAILED in account {} {}",
        escape::line(&a.id),
        escape::line(&a.name)
    );
    for c in audit.controls.iter().filter(|c| c.status == Status::Failed) {
        for f in c.findings.iter().filter(|f| f.status == Status::Failed) {
            let _ = writeln!(
                out,
                "  {:<5} {} {}: {}",
                c.control.id,
                escape::line(&f.resource),
                f.reason_code,
                escape::line(&f.reason)
            );
        }
    }
    out
}
