//! CLI integration tests: one binary, a shared harness (`util`), one module
//! per command. Each test reads as "given these files, this command prints this".

mod agenda;
mod browser;
mod demo;
mod fuzz_regressions;
mod help;
mod hotspots;
mod link;
mod link_workbench;
mod pipeline;
mod privacy;
mod profiles;
mod project;
mod register;
mod scan;
mod serve;
mod synth;
mod util;
mod validate;
