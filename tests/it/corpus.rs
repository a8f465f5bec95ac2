//! The grammar corpus: every `grammar/corpus/valid/*.pattern` parses, prints
//! back to the same tree and normalises to a fixed point; every
//! `grammar/corpus/invalid/<kind>--<name>.pattern` fails with that kind.

use cis_filters::pattern::{self, ErrorKind, Normal, print};

use crate::common::corpus_files;

/// The patterns of a corpus folder: (file name, pattern).
fn corpus(dir: &str) -> Vec<(String, String)> {
    corpus_files(&format!("grammar/corpus/{dir}"), "pattern")
}

#[test]
fn valid_patterns_parse_print_and_normalise() {
    let valid = corpus("valid");
    assert!(valid.len() >= 150, "only {} valid patterns", valid.len());
    let mut failures = Vec::new();
    for (file, text) in &valid {
        let ast = match pattern::parse(text) {
            Ok(a) => a,
            Err(e) => {
                failures.push(format!("{file}: {e}"));
                continue;
            }
        };
        let printed = print::house(&ast);
        match pattern::parse(&printed) {
            Ok(again) if again == ast => {}
            other => failures.push(format!("{file}: house() gave {printed:?} -> {other:?}")),
        }
        let normal = Normal::from_ast(&ast);
        let canonical = normal.to_string();
        match pattern::normalize(&canonical) {
            Ok(n) if n == normal => {}
            other => failures.push(format!("{file}: canonical {canonical:?} -> {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_patterns_fail_with_their_kind() {
    let invalid = corpus("invalid");
    assert!(
        invalid.len() >= 60,
        "only {} invalid patterns",
        invalid.len()
    );
    let mut failures = Vec::new();
    for (file, text) in &invalid {
        let Some((kind, _)) = file.split_once("--") else {
            failures.push(format!("{file}: name is not <kind>--<name>.pattern"));
            continue;
        };
        match pattern::parse(text) {
            Ok(_) => failures.push(format!("{file}: parsed, expected {kind}")),
            Err(e) => {
                if e.kind().code() != kind {
                    failures.push(format!("{file}: got {} ({})", e.kind().code(), e.message()));
                }
                let s = e.span();
                if s.start > s.end
                    || s.end > text.len()
                    || !text.is_char_boundary(s.start)
                    || !text.is_char_boundary(s.end)
                {
                    failures.push(format!("{file}: span {s:?} outside the input"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_error_kind_has_an_invalid_example() {
    let files: Vec<String> = corpus("invalid").into_iter().map(|(f, _)| f).collect();
    let missing: Vec<&str> = ErrorKind::all()
        .iter()
        .map(ErrorKind::code)
        .filter(|code| !files.iter().any(|f| f.starts_with(&format!("{code}--"))))
        .collect();
    assert!(
        missing.is_empty(),
        "no invalid corpus file for: {missing:?}"
    );
}
