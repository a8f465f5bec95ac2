//! `cis-filters parse` and `cis-filters fmt` on the real binary.

use serde_json::Value;

use crate::common::{code, run, stderr, stdout};

#[test]
fn parse_prints_the_normal_form() {
    let o = run(
        &[
            "parse",
            "{($.eventName=ScheduleKeyDeletion)||($.eventName=\"DisableKey\")}",
        ],
        "",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{ $.eventName = \"DisableKey\" || $.eventName = \"ScheduleKeyDeletion\" }\n"
    );
}

#[test]
fn parse_reads_stdin_and_drops_one_newline() {
    let o = run(&["parse"], "{ $.a IS TRUE }\n");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "{ $.a IS TRUE }\n");
    let o = run(&["parse", "-"], "ERROR -DEBUG\n");
    assert_eq!(stdout(&o), "\"ERROR\" -\"DEBUG\"\n");
}

#[test]
fn parse_error_has_a_caret_and_exit_1() {
    let o = run(&["parse", "{ $.userIdentity.type = 'Root' }"], "");
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "error: single quotes do not delimit values\n --> pattern:1:25\n  |\n1 | { $.userIdentity.type = 'Root' }\n  |                         ^^^^^^\n  = help: use double quotes: `\"Root\"`\n"
    );
}

#[test]
fn parse_json_output() {
    let o = run(&["parse", "--format", "json", "{ $.a = \"x\" }"], "");
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["kind"], "json");
    assert_eq!(v["normal"], "{ $.a = \"x\" }");
    assert_eq!(v["ast"]["kind"], "json");
    assert_eq!(v["ast"]["span"]["end"], 13);

    let o = run(&["parse", "--format", "json", "{ $.a == 1 }"], "");
    assert_eq!(code(&o), 1);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["error"]["kind"], "double_equals");
    assert_eq!(v["error"]["start"], 6);
    assert_eq!(v["error"]["end"], 8);
    assert_eq!(v["error"]["help"], "use `=`");
    assert_eq!(v["error"]["message"], "`==` is not an operator");
}

#[test]
fn parse_batch_one_object_per_line() {
    let input = "{ $.a = 1 }\n{ $.a == 1 }\n\n[a, b]\r\nERROR";
    let o = run(&["parse", "--batch"], input);
    assert_eq!(code(&o), 1, "one line is invalid");
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(lines[1]["error"]["kind"], "double_equals");
    assert_eq!(lines[2]["kind"], "empty");
    // Lines are verbatim but for the newline: the CR stays, and is trailing whitespace.
    assert_eq!(lines[3]["error"]["kind"], "surrounding_whitespace");
    assert_eq!(lines[4]["kind"], "terms");
    assert_eq!(lines[4]["line"], 5);

    let o = run(&["parse", "--batch"], "{ $.a = 1 }\n%x%\n");
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn fmt_keeps_tokens_and_applies_house_style() {
    let o = run(
        &[
            "fmt",
            "{($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)}",
        ],
        "",
    );
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        "{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }\n"
    );
    let o = run(&["fmt"], "{\n  $.a = 1\n  && $.b NOT EXISTS\n}\n");
    assert_eq!(stdout(&o), "{ $.a = 1 && $.b NOT EXISTS }\n");
    let o = run(&["fmt", "{ $.a = 1"], "");
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("this `{` is never closed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_errors_exit_2_and_help_teaches() {
    let o = run(&["parse", "--format", "yaml", "x"], "");
    assert_eq!(code(&o), 2);
    let o = run(&["frobnicate"], "");
    assert_eq!(code(&o), 2);
    let o = run(&["parse", "--help"], "");
    assert_eq!(code(&o), 0);
    let help = stdout(&o);
    assert!(
        help.contains("Examples:") && help.contains("--batch"),
        "{help}"
    );
    let o = run(&["fmt", "--help"], "");
    assert!(stdout(&o).contains("House style"));
    let o = run(&["--help"], "");
    assert!(stdout(&o).contains("Exit codes"));
}

/// Run the binary with its stdout a pipe whose reader is already gone, as
/// under `cis-filters … | head` once `head` has exited: every write fails
/// with a broken pipe.
fn run_into_closed_pipe(args: &[&str], stdin: &str) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut child = crate::common::bin()
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn cis-filters");
    if let Some(mut i) = child.stdin.take() {
        // The process may exit before reading all of it.
        let _ = std::io::Write::write_all(&mut i, stdin.as_bytes());
    }
    child.wait_with_output().expect("wait")
}

#[test]
fn a_closed_stdout_keeps_the_exit_code_of_the_result() {
    let snapshot = crate::common::root().join("examples/snapshots/mixed.json");
    let snapshot = snapshot.to_str().unwrap();
    let cases: [(&[&str], &str, i32); 7] = [
        (&["parse", "--format", "json", "{ $.a == 1 }"], "", 1),
        (&["parse", "--format", "json", "{ $.a = 1 }"], "", 0),
        (&["parse", "--batch"], "{ $.a = 1 }\n{ $.a == 1 }\n", 1),
        (&["parse", "--batch"], "{ $.a = 1 }\n", 0),
        (&["check", "--control", "3.3", "{ $.a = 1 }"], "", 1),
        (&["check", "{ $.eventName = ConsoleLogin }"], "", 1),
        (&["verify", "--snapshot", snapshot], "", 1),
    ];
    for (args, stdin, want) in cases {
        let o = run_into_closed_pipe(args, stdin);
        assert_eq!(code(&o), want, "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}: a closed pipe is not an error");
    }
    // A batch whose only invalid line comes long after the reader left.
    let mut lines = "{ $.eventName = \"ConsoleLogin\" }\n".repeat(20_000);
    lines.push_str("{ $.a == 1 }\n");
    let o = run_into_closed_pipe(&["parse", "--batch"], &lines);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

#[test]
fn parse_batch_prints_trees_only_on_request() {
    let o = run(&["parse", "--batch"], "{ $.a = 1 }\n{ $.a == 1 }\n");
    assert_eq!(
        stdout(&o),
        "{\"kind\":\"json\",\"line\":1,\"normal\":\"{ $.a = 1 }\",\"ok\":true}\n\
         {\"error\":{\"end\":8,\"help\":\"use `=`\",\"kind\":\"double_equals\",\"message\":\"`==` is not an operator\",\"start\":6},\"line\":2,\"ok\":false}\n"
    );
    let o = run(&["parse", "--batch", "--ast"], "{ $.a = \"x\" }\n");
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["ast"]["span"]["end"], 13);
    assert_eq!(v["line"], 1);
    // The same object as the single pattern's, plus the line.
    let single = run(&["parse", "--format", "json", "{ $.a = \"x\" }"], "");
    let mut single: Value = serde_json::from_str(&stdout(&single)).unwrap();
    single["line"] = 1.into();
    assert_eq!(v, single);
    // `--ast` belongs to `--batch`.
    let o = run(&["parse", "--ast", "{ $.a = 1 }"], "");
    assert_eq!(code(&o), 2);
}

#[test]
fn a_batch_line_over_the_limit_is_an_error_for_that_line() {
    let input = format!("{}\n{{ $.a = 1 }}\n", "x".repeat(100_000));
    let o = run(&["parse", "--batch"], &input);
    assert_eq!(code(&o), 1);
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["error"]["kind"], "too_long");
    assert_eq!(
        lines[0]["error"]["message"],
        "the pattern is 100000 characters long; CloudWatch Logs accepts at most 1024"
    );
    assert_eq!(lines[0]["error"]["end"], 100_000);
    assert_eq!(lines[1]["ok"], true);
    assert_eq!(lines[1]["line"], 2);
}

#[test]
fn stdin_is_read_with_a_limit() {
    // Over the limit: an input error, without reading the rest.
    let big = "x".repeat(70_000);
    for cmd in ["parse", "fmt", "check"] {
        let o = run(&[cmd], &big);
        assert_eq!(code(&o), 2, "{cmd}");
        assert_eq!(
            stderr(&o),
            "error: the pattern on stdin is longer than 65536 bytes; CloudWatch Logs accepts at most 1024 characters\n",
            "{cmd}"
        );
    }
    // Under it: the parser's own verdict, as for an argument.
    let o = run(&["parse", "--format", "json"], &"x".repeat(5_000));
    assert_eq!(code(&o), 1);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["error"]["kind"], "too_long");
    let o = run(&["parse"], "{ $.a = \"\u{e9}\" }\n");
    assert_eq!(stdout(&o), "{ $.a = \"\u{e9}\" }\n");
}

/// Run the binary under `ulimit -v` (KiB of address space) with `len`
/// bytes of `x` and then `tail` on stdin, streamed, never held in memory.
fn run_with_memory_limit(kib: u64, args: &[&str], len: usize, tail: &str) -> std::process::Output {
    let script = format!("ulimit -v {kib} && exec \"$0\" \"$@\"");
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_cis-filters"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn sh");
    let mut stdin = child.stdin.take().expect("stdin");
    let tail = tail.to_owned();
    let feeder = std::thread::spawn(move || {
        let block = vec![b'x'; 1 << 20];
        let mut left = len;
        while left > 0 {
            let n = left.min(block.len());
            // The process may stop reading early (a usage error).
            if std::io::Write::write_all(&mut stdin, &block[..n]).is_err() {
                return;
            }
            left -= n;
        }
        let _ = std::io::Write::write_all(&mut stdin, tail.as_bytes());
    });
    let o = child.wait_with_output().expect("wait");
    feeder.join().expect("feeder");
    o
}

#[test]
fn huge_input_does_not_grow_memory() {
    // A 160 MiB line under a 96 MiB address-space limit: reported as too
    // long, and the next line is still read.
    let o = run_with_memory_limit(
        96 * 1024,
        &["parse", "--batch"],
        160 << 20,
        "\n{ $.a = 1 }\n",
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["error"]["kind"], "too_long");
    assert_eq!(lines[0]["error"]["end"], 160 << 20);
    assert_eq!(lines[1]["ok"], true);
    // A pattern on stdin: an input error after 64 KiB.
    let o = run_with_memory_limit(96 * 1024, &["parse"], 160 << 20, "");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

/// A pattern of about 300 characters with `==` for the first `=` after
/// `near`, and where that `==` starts.
fn long_pattern_with_error(near: usize) -> (String, usize) {
    let mut p = String::from("{ ");
    let mut i = 0;
    while p.len() < 290 {
        p.push_str(&format!("$.f{i:02} = {i:03} && "));
        i += 1;
    }
    p.truncate(p.len() - 4);
    p.push_str(" }");
    let at = near + p[near..].find('=').unwrap();
    p.insert(at, '=');
    (p, at)
}

#[test]
fn carets_under_long_patterns_fit_the_screen() {
    let (p, at) = long_pattern_with_error(150);
    assert!(p.len() > 280, "{}", p.len());
    let o = run(&["parse", &p], "");
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    for line in err.lines() {
        assert!(line.chars().count() <= 80, "{line:?}\n{err}");
    }
    assert!(
        err.contains(&format!(" --> pattern:1:{}\n", at + 1)),
        "{err}"
    );
    let lines: Vec<&str> = err.lines().collect();
    let (src, carets) = (lines[3], lines[4]);
    assert!(src.starts_with("1 | ...") && src.ends_with("..."), "{err}");
    let col = carets.find('^').unwrap();
    assert_eq!(&src[col..col + 2], "==", "{err}");
    // `check` renders the same excerpt.
    let o = run(&["check", "--control", "3.3", &p], "");
    let out = stdout(&o);
    assert!(out.contains(&format!("{src}\n{carets}")), "{out}");
}
