// Shared by the ingest targets: read the bytes with a built-in profile and
// check the invariants every input must keep: read = accepted + rejected,
// one diagnostic per rejected row, one incident per accepted row.
use marac_ingest::{IngestOptions, Ingester, InputFormat, Profile};

pub fn ingest(bytes: &[u8], format: InputFormat, profile: &str) {
    let profile = Profile::builtin(profile).expect("built-in profile");
    let mut ing = Ingester::new(IngestOptions::default());
    if ing.add_bytes_as("fuzz", bytes, format, &profile).is_ok() {
        let out = ing.finish();
        assert_eq!(out.read(), out.accepted() + out.rejected(), "rows lost");
        assert_eq!(out.rejects.len() as u64, out.rejected());
        assert_eq!(out.incidents.len() as u64, out.accepted());
    }
}
