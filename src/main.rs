//! The `marac` command-line tool.
fn main() {}
