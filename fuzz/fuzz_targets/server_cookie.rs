#![no_main]
//! server_cookie: any text as a `Cookie` header sent to the console.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for name in ["marac_session", "marac_login"] {
        if let Some(v) = marac_server::cookie_value(text, name) {
            assert!(!v.is_empty() && v.len() <= 128);
        }
    }
});
