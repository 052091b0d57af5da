#![no_main]
//! labels_csv: any text as a clerical labels file (the review layout or
//! Splink's); the counts of a file that reads must add up.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(f) = marac_link::labels::parse("fuzz.csv", text) {
        assert_eq!(f.read, f.accepted() + f.unlabelled + f.rejected.len(), "rows lost");
    }
});
