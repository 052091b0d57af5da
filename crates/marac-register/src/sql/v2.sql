-- marac register schema version 2: reasons for incomplete actions, saved
-- scans, merge and split records.
CREATE INDEX cases_merged_into ON cases(merged_into);
ALTER TABLE actions ADD COLUMN reason TEXT
  CHECK (reason IS NULL OR reason IN ('circumstances_changed', 'agency_did_not_act'));
CREATE TABLE scans (
  id INTEGER PRIMARY KEY,
  as_of TEXT NOT NULL,
  created TEXT NOT NULL
);
CREATE TABLE scan_persons (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  case_ref TEXT NOT NULL REFERENCES cases(case_ref) ON DELETE CASCADE,
  person_id TEXT NOT NULL,
  bcu TEXT NOT NULL,
  level TEXT NOT NULL,
  score INTEGER NOT NULL,
  flags TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scan_persons_scan ON scan_persons(scan_id);
CREATE INDEX scan_persons_case ON scan_persons(case_ref);
CREATE TABLE case_events (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
  case_ref TEXT NOT NULL REFERENCES cases(case_ref) ON DELETE CASCADE,
  other_ref TEXT NOT NULL,
  mentions INTEGER NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_ref);
