#!/usr/bin/env bash
# Builds fuzz/corpus/TARGET/ from the project's own fixtures and test data
# (run once before fuzzing; the corpus folders are not committed, the
# fixtures they come from are).
set -euo pipefail
cd "$(dirname "$0")"
root=..
seed() { local t=$1; shift; mkdir -p "corpus/$t"; for f in "$@"; do cp "$f" "corpus/$t/$(basename "$f")"; done; }
seed ingest_csv $root/tests/data/scan/week.csv $root/tests/data/link/incidents.csv $root/tests/data/bad/*.csv $root/fixtures/demo/incidents.csv
seed ingest_jsonl $root/tests/data/bad/bad.jsonl
seed ingest_police_uk $root/tests/data/police-uk/2017-02-sample-street.csv
seed profile_toml $root/crates/marac-ingest/src/*.toml
seed rules_toml $root/crates/marac-link/rules/*.toml
seed risk_config_toml $root/crates/marac-risk/config/default.toml
seed areas_geojson $root/tests/data/areas/two-towns.geojson
seed labels_csv $root/fixtures/linkage/fake_1000_labels.csv
mkdir -p corpus/pack_json corpus/server_form corpus/server_cookie
# A pack as `marac agenda --format json` writes it, from the demo fixture.
# MARAC: a built marac binary to use (default: build and run the release one).
${MARAC:-cargo run -q --release --manifest-path $root/Cargo.toml --} agenda $root/fixtures/demo/incidents.csv \
  --as-of 2026-11-20 --meeting 2026-11-27 --bcu "Central North" --format json -q > corpus/pack_json/demo-pack.json
printf 'csrf=00ff&version=3&heard=heard&note=Joint+visit&owner=housing&due=2026-12-11&text=Visit&op=save' > corpus/server_form/meeting-case
printf 'login_token=ab12&name=chair&password=correct+horse' > corpus/server_form/login
printf 'marac_session=%064d; marac_login=ab12' 0 > corpus/server_cookie/both
printf 'theme=dark; marac_session=' > corpus/server_cookie/empty
echo "corpus ready: $(find corpus -type f | wc -l) files"
