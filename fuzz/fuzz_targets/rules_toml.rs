#![no_main]
//! rules_toml: any text as linkage rules (TOML).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = marac_link::rules::Rules::from_toml("fuzz.toml", text);
});
