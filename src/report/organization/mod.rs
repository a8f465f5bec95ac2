//! An organization audit (or several account snapshots) written in every
//! format of `verify`, account by account: [`Stream`] receives each
//! account's full result as soon as it is audited and writes it, so a run
//! holds one account's findings at a time; the summary parts (the table's
//! matrix, the JSON counts, the HTML heatmap) come from the compacted run
//! ([`AccountResult::compact`]) at the end.
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
pub mod table;

use std::io::{self, Write};

use crate::audit::organization::{AccountResult, OrgAudit, Sink};
use crate::report::audit::{Format, asff, csv, junit, ocsf, sarif};

/// Writes an organization run in one format as it goes.
pub struct Stream<W: Write> {
    format: Format,
    colour: bool,
    w: W,
    /// Elements written so far in the current JSON array.
    items: usize,
    /// HTML: the account sections, written after the heatmap.
    html: String,
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
    /// A stream of `format` into `w` (`colour`: the table only).
    pub fn new(format: Format, colour: bool, w: W) -> Self {
        Stream {
            format,
            colour,
            w,
            items: 0,
            html: String::new(),
        }
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
        match self.format {
            Format::Table => self.w.write_all(table::render(o, self.colour).as_bytes())?,
            Format::Json => self.w.write_all(json::tail(o, self.items).as_bytes())?,
            Format::Asff | Format::Ocsf => {
                self.w
                    .write_all(if self.items == 0 { b"]\n" } else { b"\n]\n" })?
            }
            Format::Sarif => self.w.write_all(sarif_frame().1.as_bytes())?,
            Format::Junit => self.w.write_all(b"</testsuites>\n")?,
            Format::Html => {
                let page = crate::report::html::organization::render(o, &self.html);
                self.w.write_all(page.as_bytes())?;
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
        if self.format == Format::Json {
            let v = json::account(a);
            return self.item(&v, 4);
        }
        if self.format == Format::Html {
            self.html
                .push_str(&crate::report::html::organization::account(a).into_string());
            return Ok(());
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
