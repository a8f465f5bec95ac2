//! Progress is drawn on stderr only when stderr is a terminal, and never
//! mixes with the output. A terminal is had from `script` (util-linux),
//! which runs a command on a pseudo-terminal and copies what it draws.

use std::path::PathBuf;
use std::process::Command;

use crate::common::{code, run, stderr, stdout};

/// A fresh directory for one test's files.
fn dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "cis-filters-progress-{}-{test}",
        std::process::id()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A log of `n` CloudTrail-like events, one per line.
fn log(path: &std::path::Path, n: usize) {
    let line = "{\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"userIdentity\":{\"type\":\"Root\"},\"errorMessage\":\"Failed authentication\"}\n";
    std::fs::write(path, line.repeat(n)).unwrap();
}

/// Run `shell` (a command line) on a pseudo-terminal; what the terminal
/// showed, and the command's exit code.
fn on_terminal(shell: &str) -> (String, i32) {
    let o = Command::new("script")
        .args(["-q", "-e", "-f", "-c", shell, "/dev/null"])
        .env("TERM", "xterm")
        .output()
        .expect("`script` (util-linux) runs a command on a pseudo-terminal; install util-linux");
    (String::from_utf8_lossy(&o.stdout).into_owned(), code(&o))
}

#[test]
fn replay_draws_progress_on_a_terminal_and_keeps_stdout_clean() {
    let d = dir("replay");
    let events = d.join("events.jsonl");
    log(&events, 300_000);
    let out = d.join("out.json");
    let (shown, status) = on_terminal(&format!(
        "'{}' replay --format json '{}' > '{}'",
        env!("CARGO_BIN_EXE_cis-filters"),
        events.display(),
        out.display()
    ));
    assert_eq!(status, 0, "{shown}");
    assert!(
        shown.contains("events.jsonl: ") && shown.contains(" events ("),
        "no progress line on the terminal: {shown:?}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["total"], 300_000);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn nothing_is_drawn_when_stderr_is_not_a_terminal() {
    let d = dir("pipe");
    let events = d.join("events.jsonl");
    log(&events, 20_000);
    for args in [
        vec!["replay", events.to_str().unwrap()],
        vec![
            "test",
            "--count",
            "{ $.eventName = ConsoleLogin }",
            events.to_str().unwrap(),
        ],
        vec!["lint", "tests/data/lint/shapes"],
    ] {
        let o = run(&args, "");
        let err = stderr(&o);
        assert!(
            !err.contains('\r') && !err.contains('\u{1b}') && !err.contains(" events ("),
            "{args:?} drew on a pipe: {err:?}"
        );
        assert!(!stdout(&o).contains('\r'), "{args:?}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}
