#![no_main]
//! profile_toml: any text as an input profile (TOML).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = marac_ingest::Profile::from_toml("fuzz.toml", text);
});
