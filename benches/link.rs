//! Linkage benchmark (placeholder while the crate is written).
fn main() {}
