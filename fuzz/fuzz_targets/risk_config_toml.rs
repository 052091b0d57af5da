#![no_main]
//! risk_config_toml: any text as a risk configuration (TOML).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = marac_risk::RiskConfig::from_toml("fuzz.toml", text);
});
