//! Write a realistic corpus of filter patterns to stdout, one per line, for
//! measuring `cis-filters parse --batch` end to end (see
//! `benches/support/batch_corpus.rs` for what it holds):
//!
//! ```sh
//! cargo run --release --no-default-features --example batch_corpus -- 100000 > /tmp/patterns.txt
//! time cis-filters parse --batch < /tmp/patterns.txt > /dev/null
//! ```
//!
//! Arguments: the number of lines (default 100000) and a seed (default 1).

use std::io::Write;

#[path = "../benches/support/batch_corpus.rs"]
mod batch_corpus;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let lines = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let corpus = batch_corpus::generate(lines, seed);
    match std::io::stdout().lock().write_all(corpus.as_bytes()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
