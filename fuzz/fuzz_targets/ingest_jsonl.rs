#![no_main]
//! ingest_jsonl: any bytes as a JsonLines input read with the `canonical` profile.
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::ingest(data, marac_ingest::InputFormat::JsonLines, "canonical");
});
