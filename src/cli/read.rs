//! Reading files and stdin with limits.
//!
//! Nothing here trusts a file's size as reported by `metadata()`: a FIFO,
//! `/dev/zero` or a process substitution (`<(cmd)`) reports 0 or nothing
//! useful. Whole reads stop one byte past their limit ([`read_bounded`]);
//! log input is streamed ([`open_logs`]), gzip-compressed or not.

use std::io::{self, Read};
use std::path::Path;

use super::UsageError;

/// The most a gzip-compressed log may decompress to (a small file that
/// expands without end would otherwise keep a run busy for hours).
pub const MAX_GUNZIPPED_BYTES: u64 = 512 * 1024 * 1024;

/// A size for messages: `1 GiB`, `512 MiB`, `16 KiB` or `300 bytes`.
pub fn size(bytes: u64) -> String {
    for (unit, name) in [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{} {name}", bytes / unit);
        }
    }
    format!("{bytes} bytes")
}

/// All of `src`, when it holds at most `limit` bytes; `what` names it in
/// the error (`` snapshot `x.json` ``). At most `limit + 1` bytes are read
/// and the buffer never grows past that.
pub fn read_bounded(mut src: impl Read, limit: u64, what: &str) -> Result<Vec<u8>, UsageError> {
    let cap = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let mut buf: Vec<u8> = Vec::new();
    loop {
        if buf.len() >= cap {
            return Err(UsageError(format!(
                "{what} is larger than the limit of {}",
                size(limit)
            )));
        }
        // Double, but never past the limit (plus the byte that shows it
        // was passed).
        let want = buf.capacity().saturating_mul(2).max(64 * 1024).min(cap);
        buf.try_reserve_exact(want - buf.len()).map_err(|_| {
            UsageError(format!(
                "cannot read {what}: not enough memory for {}",
                size(want as u64)
            ))
        })?;
        // Fill the free space, no more (read_to_end grows the buffer only
        // when the reader has more to give, and `take` says it has not).
        let room = (buf.capacity() - buf.len()) as u64;
        let got = (&mut src)
            .take(room)
            .read_to_end(&mut buf)
            .map_err(|e| UsageError(format!("cannot read {what}: {e}")))?;
        if (got as u64) < room {
            return Ok(buf);
        }
    }
}

/// A file (`-`: stdin) read whole as UTF-8 text, at most `limit` bytes;
/// `what` names it in errors (`snapshot`).
pub fn read_text(path: &Path, limit: u64, what: &str) -> Result<String, UsageError> {
    let shown = path.display().to_string();
    let named = if shown == "-" {
        format!("the {what} on stdin")
    } else {
        format!("{what} `{shown}`")
    };
    let bytes = if shown == "-" {
        read_bounded(io::stdin().lock(), limit, &named)?
    } else {
        let file = std::fs::File::open(path)
            .map_err(|e| UsageError(format!("cannot read {named}: {e}")))?;
        // The type only: a size from metadata means nothing for a FIFO.
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(UsageError(format!("{named} is a directory, not a file")));
        }
        read_bounded(file, limit, &named)?
    };
    String::from_utf8(bytes).map_err(|e| {
        UsageError(format!(
            "{named} is not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// A log input, opened: a file, or stdin for `-`.
pub struct LogFile {
    /// The file name as given, or `<stdin>`.
    pub name: String,
    file: Option<std::fs::File>,
}

/// Open every log file (stdin for none or `-`) before reading any, so
/// that a missing file stops the run before it prints anything.
pub fn open_logs(files: &[String]) -> Result<Vec<LogFile>, UsageError> {
    if files.is_empty() {
        return Ok(vec![LogFile {
            name: "<stdin>".to_owned(),
            file: None,
        }]);
    }
    files
        .iter()
        .map(|f| {
            if f == "-" {
                return Ok(LogFile {
                    name: "<stdin>".to_owned(),
                    file: None,
                });
            }
            std::fs::File::open(f)
                .map(|file| LogFile {
                    name: f.clone(),
                    file: Some(file),
                })
                .map_err(|e| UsageError(format!("cannot read `{f}`: {e}")))
        })
        .collect()
}

impl LogFile {
    /// The log's bytes as a stream, decompressed when it starts with the
    /// gzip magic bytes (at most [`MAX_GUNZIPPED_BYTES`] then).
    pub fn open(self) -> io::Result<Box<dyn Read>> {
        let mut src: Box<dyn Read> = match self.file {
            Some(f) => Box::new(f),
            None => Box::new(io::stdin()),
        };
        let mut head = [0u8; 2];
        let mut n = 0;
        while let Some(rest) = head.get_mut(n..).filter(|r| !r.is_empty()) {
            match src.read(rest) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let head = head.get(..n).unwrap_or_default().to_vec();
        let gzip = head == [0x1f, 0x8b];
        let whole = io::Cursor::new(head).chain(src);
        Ok(if gzip {
            Box::new(Capped {
                inner: flate2::read::MultiGzDecoder::new(whole),
                left: MAX_GUNZIPPED_BYTES,
            })
        } else {
            Box::new(whole)
        })
    }
}

/// A decompressed stream that fails once it passes its limit.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot decompress (not valid gzip?): {e}"),
            )
        })?;
        match self.left.checked_sub(n as u64) {
            Some(left) => {
                self.left = left;
                Ok(n)
            }
            None => Err(io::Error::other(format!(
                "decompresses to more than {}; split it into smaller files",
                size(MAX_GUNZIPPED_BYTES)
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_one_byte_past_the_limit() {
        assert_eq!(read_bounded(&b"abc"[..], 3, "x").unwrap(), b"abc");
        assert_eq!(read_bounded(&b""[..], 3, "x").unwrap(), b"");
        assert!(read_bounded(&b"abcd"[..], 3, "x").is_err());
        let big = vec![7u8; 300_000];
        assert_eq!(read_bounded(&big[..], 300_000, "x").unwrap(), big);
        assert!(read_bounded(&big[..], 299_999, "x").is_err());
        // An endless source: only limit + 1 bytes are ever read.
        let e = read_bounded(io::repeat(b'a'), 10, "snapshot `/dev/zero`").unwrap_err();
        assert_eq!(
            e.0,
            "snapshot `/dev/zero` is larger than the limit of 10 bytes"
        );
        assert_eq!(size(1 << 30), "1 GiB");
        assert_eq!(size(1 << 20), "1 MiB");
        assert_eq!(size(3 << 19), "1536 KiB");
        assert_eq!(size(1000), "1000 bytes");
    }

    #[test]
    fn gzip_is_capped() {
        let mut c = Capped {
            inner: &b"0123456789"[..],
            left: 4,
        };
        let mut out = Vec::new();
        let e = c.read_to_end(&mut out).unwrap_err();
        assert!(e.to_string().contains("more than 512 MiB"), "{e}");
    }
}
