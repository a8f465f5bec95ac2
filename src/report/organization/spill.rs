//! Temporary files for the parts of an organization report that are written
//! after the last account (the table's matrix and failing findings, the HTML
//! heatmap and account sections): each account's part is appended as the
//! account is audited and read back, in order, when the report is finished,
//! so the run holds one account's part at a time whatever the number of
//! accounts.
//!
//! A record is a tag byte and two strings, each a little-endian `u64` length
//! and its bytes.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};

/// Makes a temporary file (read and write; removed once closed), such as
/// `tempfile::tempfile`.
pub type TempFile = fn() -> io::Result<File>;

/// The longest string a record may hold when it is read back (a guard
/// against a file changed under the run).
const MAX_FIELD: u64 = 1 << 30;

/// `e` with what failed: the report's temporary file.
fn context(what: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot {what} a temporary file: {e}"))
}

/// A temporary file of records, written once, then read once.
pub struct Spill {
    w: BufWriter<File>,
}

/// One record: a tag and two strings.
#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    /// What the record is (the writer's own convention).
    pub tag: u8,
    /// The first string.
    pub a: String,
    /// The second string.
    pub b: String,
}

impl Spill {
    /// A new, empty spill in a file made by `make`.
    pub fn new(make: TempFile) -> io::Result<Self> {
        let file = make().map_err(|e| context("create", e))?;
        Ok(Spill {
            w: BufWriter::new(file),
        })
    }

    /// Append one record.
    pub fn push(&mut self, tag: u8, a: &str, b: &str) -> io::Result<()> {
        let mut put = || -> io::Result<()> {
            self.w.write_all(&[tag])?;
            for s in [a, b] {
                self.w.write_all(&(s.len() as u64).to_le_bytes())?;
                self.w.write_all(s.as_bytes())?;
            }
            Ok(())
        };
        put().map_err(|e| context("write", e))
    }

    /// The records written, from the first.
    pub fn records(self) -> io::Result<Records> {
        let mut file = self
            .w
            .into_inner()
            .map_err(|e| context("write", e.into_error()))?;
        file.rewind().map_err(|e| context("read", e))?;
        Ok(Records {
            r: BufReader::new(file),
        })
    }
}

/// The records of a [`Spill`], in the order they were pushed.
pub struct Records {
    r: BufReader<File>,
}

impl Records {
    fn string(&mut self) -> io::Result<String> {
        let mut len = [0u8; 8];
        self.r.read_exact(&mut len)?;
        let len = u64::from_le_bytes(len);
        if len > MAX_FIELD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a record is longer than it was written",
            ));
        }
        let mut bytes = Vec::new();
        (&mut self.r).take(len).read_to_end(&mut bytes)?;
        if bytes.len() as u64 != len {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    fn record(&mut self) -> io::Result<Option<Record>> {
        if self.r.fill_buf()?.is_empty() {
            return Ok(None);
        }
        let mut tag = [0u8; 1];
        self.r.read_exact(&mut tag)?;
        let [tag] = tag;
        let a = self.string()?;
        let b = self.string()?;
        Ok(Some(Record { tag, a, b }))
    }
}

impl Iterator for Records {
    type Item = io::Result<Record>;

    fn next(&mut self) -> Option<Self::Item> {
        self.record().map_err(|e| context("read", e)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary file without the `tempfile` crate (a test without features).
    fn tmp() -> io::Result<File> {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("cis-filters-spill-{}-{n}", std::process::id()));
        let f = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&p)?;
        std::fs::remove_file(&p)?;
        Ok(f)
    }

    #[test]
    fn records_come_back_in_order() {
        let mut s = Spill::new(tmp).unwrap();
        s.push(0, "111111111111", "P F -").unwrap();
        s.push(1, "", "").unwrap();
        s.push(7, "é\n\u{0}", &"x".repeat(100_000)).unwrap();
        let got: Vec<Record> = s.records().unwrap().map(Result::unwrap).collect();
        assert_eq!(got.len(), 3);
        assert_eq!((got[0].tag, got[0].a.as_str()), (0, "111111111111"));
        assert_eq!(got[0].b, "P F -");
        assert_eq!(
            (got[1].tag, got[1].a.as_str(), got[1].b.as_str()),
            (1, "", "")
        );
        assert_eq!((got[2].tag, got[2].a.as_str()), (7, "é\n\u{0}"));
        assert_eq!(got[2].b.len(), 100_000);
        assert!(Spill::new(tmp).unwrap().records().unwrap().next().is_none());
    }

    #[test]
    fn a_file_that_cannot_be_made_is_an_error() {
        let denied = || Err(io::Error::from(io::ErrorKind::PermissionDenied));
        let e = Spill::new(denied).err().unwrap();
        assert!(
            e.to_string()
                .starts_with("cannot create a temporary file: "),
            "{e}"
        );
    }

    /// A full disk: the write (at the latest when the buffer is flushed
    /// before reading back) is an error, not a panic.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_an_error() {
        let full = || File::options().read(true).write(true).open("/dev/full");
        let mut s = Spill::new(full).unwrap();
        let pushed = (0..100).try_for_each(|_| s.push(0, &"x".repeat(1000), ""));
        let e = match pushed {
            Err(e) => e,
            Ok(()) => s.records().err().unwrap(),
        };
        assert!(
            e.to_string().starts_with("cannot write a temporary file: "),
            "{e}"
        );
    }
}
