//! An organization audit (or several account snapshots) written in every
//! format of `verify`, account by account: [`Stream`] receives each
//! account's full result as soon as it is audited and writes it, so a run
//! holds one account's findings at a time. What a format writes after the
//! last account comes from the run's counts ([`Tally`]: the JSON summary)
//! or from temporary files ([`spill`]) filled account by account (the
//! table's matrix rows and failing findings, the HTML heatmap rows and
//! account sections): memory does not grow with the number of accounts.
//!
//! | format | organization output |
//! |---|---|
//! | `table` | a matrix of accounts × controls with one-letter statuses, then the failing findings ([`table`]) |
//! | `json` | `docs/report.md` "Organizations": each account's report, then counts per account and per control ([`json`]) |
//! | `asff`, `asff-batches`, `ocsf` | every account's findings, each with its own account (a batch holds one account's findings) |
//! | `sarif` | one run per account; each result's message names the account |
//! | `csv`, `junit` | every account's findings, the account on each |
//! | `html` | an accounts × controls heatmap, then a section per account |

pub mod json;
pub mod spill;
pub mod table;

use std::io::{self, Write};

use self::spill::{Spill, TempFile};
#[cfg(doc)]
use crate::audit::organization::Tally;
use crate::audit::organization::{AccountResult, OrgAudit, Sink};
use crate::cis::Control;
use crate::report::audit::{Format, asff, csv, junit, ocsf, sarif};

/// Writes an organization run in one format as it goes.
pub struct Stream<W: Write> {
    format: Format,
    colour: bool,
    w: W,
    /// Elements written so far in the current JSON array.
    items: usize,
    /// The controls of the first audit: the columns of the matrix.
    cols: Option<Vec<&'static Control>>,
    /// The longest account id.
    longest: usize,
    /// Table and HTML: the rows of the matrix, written after its header.
    rows: Option<Spill>,
    /// Table: the failing findings; HTML: the account sections.
    details: Option<Spill>,
}

/// `text` with every line but the first indented by `n` spaces.
fn indent(text: &str, n: usize) -> String {
    text.replace('\n', &format!("\n{}", " ".repeat(n)))
}

/// The SARIF log's text around its runs.
fn sarif_frame() -> (String, String) {
    let empty = crate::report::sarif::Log::new(Vec::new()).to_json();
    match empty.split_once("\"runs\": []") {
        Some((head, tail)) => (format!("{head}\"runs\": ["), format!("\n  ]{tail}")),
        None => (String::from("{\"runs\": ["), String::from("]}\n")),
    }
}

impl<W: Write> Stream<W> {
    /// A stream of `format` into `w` (`colour`: the table only). The table
    /// and HTML formats keep their accounts' parts in two temporary files
    /// made by `temp` (such as `tempfile::tempfile`); an error when they
    /// cannot be made.
    pub fn new(format: Format, colour: bool, w: W, temp: TempFile) -> io::Result<Self> {
        let spill = || -> io::Result<Option<Spill>> {
            match format {
                Format::Table | Format::Html => Spill::new(temp).map(Some),
                _ => Ok(None),
            }
        };
        Ok(Stream {
            format,
            colour,
            w,
            items: 0,
            cols: None,
            longest: 0,
            rows: spill()?,
            details: spill()?,
        })
    }

    /// One element of a JSON array, indented by `n`.
    fn item(&mut self, v: &impl serde::Serialize, n: usize) -> io::Result<()> {
        let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".to_owned());
        let sep = if self.items == 0 { "" } else { "," };
        self.items += 1;
        write!(self.w, "{sep}\n{}{}", " ".repeat(n), indent(&text, n))
    }

    /// The end of the run: the parts that need every account.
    pub fn finish(mut self, o: &OrgAudit) -> io::Result<()> {
        let cols = self.cols.take().unwrap_or_default();
        let spilled = match (self.rows.take(), self.details.take()) {
            (Some(rows), Some(details)) => Some((rows.records()?, details.records()?)),
            _ => None,
        };
        match self.format {
            Format::Table => {
                if let Some((rows, failing)) = spilled {
                    table::write(o, &cols, self.longest, rows, failing, &mut self.w)?;
                }
            }
            Format::Json => self.w.write_all(json::tail(o, self.items).as_bytes())?,
            Format::Asff | Format::Ocsf => {
                self.w
                    .write_all(if self.items == 0 { b"]\n" } else { b"\n]\n" })?
            }
            Format::Sarif => self.w.write_all(sarif_frame().1.as_bytes())?,
            Format::Junit => self.w.write_all(b"</testsuites>\n")?,
            Format::Html => {
                if let Some((rows, sections)) = spilled {
                    crate::report::html::organization::write(
                        o,
                        &cols,
                        rows,
                        sections,
                        &mut self.w,
                    )?;
                }
            }
            Format::Csv | Format::AsffBatches => {}
        }
        self.w.flush()
    }
}

impl<W: Write> Sink for Stream<W> {
    fn begin(&mut self, head: &OrgAudit) -> io::Result<()> {
        match self.format {
            Format::Json => self.w.write_all(json::head(head).as_bytes()),
            Format::Csv => write!(self.w, "account,account_name,{}\r\n", csv::HEADER),
            Format::Asff | Format::Ocsf => self.w.write_all(b"["),
            Format::Sarif => self.w.write_all(sarif_frame().0.as_bytes()),
            Format::Junit => writeln!(
                self.w,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cis-filters verify {}\">",
                junit::escape(head.organization_id.as_deref().unwrap_or("accounts"))
            ),
            Format::Table | Format::Html | Format::AsffBatches => Ok(()),
        }
    }

    fn account(&mut self, a: &AccountResult) -> io::Result<()> {
        if let (None, Some(audit)) = (&self.cols, &a.audit) {
            self.cols = Some(audit.controls.iter().map(|c| c.control).collect());
        }
        self.longest = self.longest.max(a.id.len());
        if let (Some(rows), Some(details)) = (&mut self.rows, &mut self.details) {
            if self.format == Format::Table {
                let cols = self.cols.as_deref().unwrap_or_default();
                let (id, rest) = table::row(a, cols, self.colour);
                rows.push(0, &id, &rest)?;
                let failing = table::failing(a);
                if !failing.is_empty() {
                    details.push(0, &failing, "")?;
                }
            } else {
                use crate::report::html::organization as html;
                match html::row(a) {
                    (row, None) => rows.push(0, &row, "")?,
                    (before, Some(after)) => rows.push(1, &before, &after)?,
                }
                details.push(0, &html::account(a).into_string(), "")?;
            }
            return Ok(());
        }
        if self.format == Format::Json {
            let v = json::account(a);
            return self.item(&v, 4);
        }
        let Some(audit) = &a.audit else {
            return Ok(());
        };
        match self.format {
            Format::Csv => {
                let mut out = String::new();
                csv::rows(audit, &[a.id.as_str(), a.name.as_str()], &mut out);
                self.w.write_all(out.as_bytes())
            }
            Format::Asff => asff::findings(audit)
                .iter()
                .try_for_each(|f| self.item(f, 2)),
            Format::Ocsf => ocsf::events(audit).iter().try_for_each(|f| self.item(f, 2)),
            Format::AsffBatches => self.w.write_all(asff::render_batches(audit).as_bytes()),
            Format::Sarif => {
                let mut log = sarif::log(audit);
                for r in log.runs.iter_mut().flat_map(|r| r.results.iter_mut()) {
                    r.message.text = format!("account {}: {}", audit.account, r.message.text);
                }
                log.runs.iter().try_for_each(|run| self.item(run, 4))
            }
            Format::Junit => {
                let mut out = String::new();
                junit::suites(audit, &format!("account {} ", audit.account), &mut out);
                self.w.write_all(out.as_bytes())
            }
            Format::Json | Format::Html | Format::Table => Ok(()),
        }
    }
}
