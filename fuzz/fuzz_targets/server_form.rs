#![no_main]
//! server_form: any bytes as a form body posted to the console.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = marac_server::form_pairs(data);
});
