//! The `cis-filters` command.

fn main() -> std::process::ExitCode {
    cis_filters::cli::main()
}
