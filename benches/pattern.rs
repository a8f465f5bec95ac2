//! Parser benchmarks (being written).
fn main() {}
