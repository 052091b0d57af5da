//! Properties: normalisation is idempotent, and linkage does not depend on
//! the order of the incidents.

use chrono::NaiveDate;
use marac_link::normalise::{fold, phone};
use marac_link::rules::Rules;
use marac_model::Postcode;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn folding_is_idempotent(s in "\\PC{0,40}") {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn phone_normalisation_is_idempotent(s in "[+ ()0-9-]{0,24}") {
        if let Some(once) = phone(&s) {
            let twice = phone(&once);
            prop_assert_eq!(twice.as_deref(), Some(&*once), "{:?}", s);
        }
    }

    #[test]
    fn postcode_normalisation_is_idempotent(s in "[A-Za-z0-9 ]{0,10}") {
        let once = Postcode::parse(&s);
        let twice = Postcode::parse(once.as_str());
        prop_assert_eq!(twice.as_str(), once.as_str());
        prop_assert_eq!(twice.is_uk(), once.is_uk());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// The same records in any order give the same persons, with the same ids.
    #[test]
    fn linkage_does_not_depend_on_input_order(seed in 0u64..1_000_000, shuffle in any::<u64>()) {
        let data = marac_synth::generate(&marac_synth::SynthConfig {
            seed,
            incidents: 400,
            end: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        });
        let mut shuffled = data.incidents.clone();
        // Fisher-Yates with the model's portable generator.
        let mut rng = marac_model::SplitMix64::new(shuffle);
        for i in (1..shuffled.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        let rules = Rules::default();
        let a = marac_link::link(&data.incidents, &rules).mention_rows();
        let b = marac_link::link(&shuffled, &rules).mention_rows();
        prop_assert_eq!(a, b);
    }
}
