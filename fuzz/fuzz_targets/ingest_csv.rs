#![no_main]
//! ingest_csv: any bytes as a Csv input read with the `canonical` profile.
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::ingest(data, marac_ingest::InputFormat::Csv, "canonical");
});
