#![no_main]
//! pack_json: any text as the meeting pack `marac register record` reads
//! (checked as the register checks it before writing).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = marac_register::validate_pack(text);
});
