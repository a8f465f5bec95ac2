//! Memory stays bounded whatever the size of the input: the binary runs
//! under `ulimit -v` (a cap on its address space) on small, highly
//! compressible files that expand to far more than the cap. The cap is the
//! binary's own address space before it reads anything (which depends on
//! the features it was built with) plus a few MiB.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::{code, stderr, stdout};

/// What the streaming tests allow beyond the binary's own address space.
const HEADROOM_MIB: u64 = 24;

/// The binary's address space (KiB) once it runs: it reads its own
/// `/proc/self/status` as a log and prints the `VmPeak` line.
fn baseline_kib() -> u64 {
    let o = Command::new(env!("CARGO_BIN_EXE_cis-filters"))
        .args(["test", "VmPeak", "/proc/self/status"])
        .output()
        .unwrap();
    let line = String::from_utf8(o.stdout).unwrap();
    line.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no VmPeak in {line:?}"))
}

/// A fresh directory for one test's files.
fn dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cis-filters-bounded-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Run the binary under `ulimit -v`: its own address space and `mib` MiB
/// more; stdout to `out` when given.
fn limited(mib: u64, args: &[&str], out: Option<&Path>) -> Output {
    let cap = baseline_kib() + mib * 1024;
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v {cap} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_cis-filters"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    match out {
        Some(p) => c.stdout(std::fs::File::create(p).unwrap()),
        None => c.stdout(Stdio::piped()),
    };
    c.output().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A gzip file of `head`, `copies` times `body`, then `tail` (gzip members
/// one after the other: the file stays small, its text does not).
fn gz_file(path: &Path, head: &[u8], body: &[u8], copies: usize, tail: &[u8]) {
    let member = gzip(body);
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(&gzip(head)).unwrap();
    for _ in 0..copies {
        f.write_all(&member).unwrap();
    }
    f.write_all(&gzip(tail)).unwrap();
}

const RECORD: &str = r#"{"eventVersion":"1.08","eventTime":"2024-03-01T12:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","userIdentity":{"type":"IAMUser"},"additionalEventData":{"MFAUsed":"No"},"errorMessage":"Failed authentication","sourceIPAddress":"203.0.113.9"}"#;

/// `n` records, each followed by `sep`.
fn records(n: usize, sep: &str) -> String {
    format!("{RECORD}{sep}").repeat(n)
}

const PER_MIB: usize = (1 << 20) / (RECORD.len() + 1);

/// A CloudTrail file of `mib` MiB of records (and one more), gzipped.
fn trail_gz(path: &Path, mib: usize) {
    let head = format!("{{\"Records\":[{RECORD}");
    let body = format!(",{RECORD}").repeat(PER_MIB);
    gz_file(path, head.as_bytes(), body.as_bytes(), mib, b"]}\n");
    assert!(std::fs::metadata(path).unwrap().len() < 2 << 20);
}

#[test]
fn test_streams_large_gzip_files_in_bounded_memory() {
    let d = dir("test");
    // 40 MiB of JSON lines, and a 40 MiB CloudTrail file, each a few
    // hundred KB compressed.
    let lines = d.join("events.jsonl.gz");
    gz_file(&lines, b"", records(PER_MIB, "\n").as_bytes(), 40, b"");
    let trail = d.join("trail.json.gz");
    trail_gz(&trail, 40);
    let o = limited(
        HEADROOM_MIB,
        &[
            "test",
            "--count",
            "ConsoleLogin",
            lines.to_str().unwrap(),
            trail.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let expected = 40 * PER_MIB + 40 * PER_MIB + 1;
    assert_eq!(stdout(&o), format!("{expected}\n"));
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn test_explain_json_output_is_written_as_it_goes() {
    let d = dir("explain");
    let events = d.join("tiny.jsonl");
    std::fs::write(&events, "{\"a\":1}\n".repeat(1 << 16)).unwrap();
    let out = d.join("out.json");
    let o = limited(
        HEADROOM_MIB,
        &[
            "test",
            "--explain",
            "--format",
            "json",
            "{ $.a = 1 }",
            events.to_str().unwrap(),
        ],
        Some(&out),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with(r#"{"events":[{"explanation":[{"found":"1","holds":true,"note":"`$.a = 1`: found 1","term":"$.a = 1"}],"line":1,"matched":true,"message":"{\"a\":1}","source":"#),
        "{}",
        &text[..200]
    );
    assert!(
        text.ends_with("],\"matched\":65536,\"total\":65536}\n"),
        "{}",
        &text[text.len() - 200..]
    );
    assert_eq!(text.matches("\"line\":").count(), 1 << 16);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn replay_streams_in_bounded_memory() {
    let d = dir("replay");
    let trail = d.join("trail.json.gz");
    trail_gz(&trail, 32);
    let o = limited(
        HEADROOM_MIB,
        &["replay", "--format", "json", trail.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let total = 32 * PER_MIB + 1;
    assert_eq!(v["total"], total);
    assert_eq!(v["json_events"], total);
    let matched = |c: &str| {
        v["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["control"] == c)
            .unwrap()["matched"]
            .clone()
    };
    // Console sign-in failures and sign-ins without MFA.
    assert_eq!(matched("3.6"), total);
    assert_eq!(matched("3.2"), total);
    assert_eq!(matched("3.1"), 0);
    std::fs::remove_dir_all(&d).ok();
}

/// A space-delimited pattern of 255 fields with a `...` on an event of a
/// million fields: the placement needs memory per slot, not per slot and
/// field (which was 134 MB here).
#[test]
fn a_wide_delimited_pattern_on_a_wide_event_in_bounded_memory() {
    let d = dir("wide");
    let log = d.join("wide.log");
    // Just under 1 MiB: 524,280 fields.
    std::fs::write(&log, format!("{}\n", "a ".repeat((1 << 19) - 8))).unwrap();
    let pattern = format!("[{}...,{}z]", "a,".repeat(120), "b,".repeat(134));
    let o = limited(
        HEADROOM_MIB,
        &["test", "--count", &pattern, log.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "1\n");
    std::fs::remove_dir_all(&d).ok();
}

/// An event longer than CloudWatch Logs accepts (here 16 MiB on one line)
/// is skipped and counted, with a note; the events around it are matched.
#[test]
fn an_event_over_the_limit_is_skipped_and_counted() {
    let d = dir("long");
    let log = d.join("long.log.gz");
    gz_file(
        &log,
        b"first\n",
        "a ".repeat(1 << 19).as_bytes(),
        16,
        b"\nlast\n",
    );
    let o = limited(
        HEADROOM_MIB,
        &["test", "[word]", log.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "first\nlast\n");
    let shown = log.to_str().unwrap();
    assert!(
        stderr(&o).contains(&format!(
            "note: 1 event longer than 1 MiB (the most CloudWatch Logs accepts) was skipped; the first starts at {shown}:2"
        )),
        "{}",
        stderr(&o)
    );
    let o = limited(
        HEADROOM_MIB,
        &["test", "--format", "json", "--count", "[word]", shown],
        None,
    );
    assert_eq!(
        stdout(&o),
        "{\"matched\":2,\"too_large\":1,\"total\":2}\n",
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&d).ok();
}

/// A file whose size `metadata()` does not know (a character device, a
/// FIFO, a process substitution) is still read only up to the limit.
#[test]
fn snapshot_reads_stop_at_the_limit_whatever_the_file() {
    // Reading stops one byte past the 1 GiB limit, in a buffer that never
    // grows past it: 1.1 GiB more address space is enough.
    let o = limited(1126, &["verify", "--snapshot", "/dev/zero"], None);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: snapshot `/dev/zero` is larger than the limit of 1 GiB\n"
    );
    // A FIFO holding a snapshot is read like a file.
    let d = dir("fifo");
    let fifo = d.join("snap.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let snap =
                std::fs::read(crate::common::root().join("examples/snapshots/mixed.json")).unwrap();
            std::fs::write(&fifo, snap).unwrap();
        })
    };
    let o = limited(
        HEADROOM_MIB,
        &["verify", "--snapshot", fifo.to_str().unwrap()],
        None,
    );
    writer.join().unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).contains("controls)"), "{}", stdout(&o));
    std::fs::remove_dir_all(&d).ok();
}
