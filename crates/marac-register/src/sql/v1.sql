-- marac register schema version 1 (the first shipped schema).
CREATE TABLE meetings (
  id INTEGER PRIMARY KEY,
  meeting_ref TEXT NOT NULL UNIQUE,
  bcu TEXT NOT NULL,
  bcu_code TEXT,
  date TEXT NOT NULL,
  as_of TEXT,
  chair TEXT,
  attended TEXT NOT NULL DEFAULT '',
  apologies TEXT NOT NULL DEFAULT '',
  confidentiality_signed INTEGER NOT NULL DEFAULT 0,
  recorded_at TEXT NOT NULL
);
CREATE TABLE cases (
  case_ref TEXT PRIMARY KEY,
  bcu TEXT NOT NULL,
  created TEXT NOT NULL,
  person_key TEXT,
  merged_into TEXT REFERENCES cases(case_ref) ON DELETE SET NULL
);
CREATE TABLE case_mentions (
  incident_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('victim', 'suspect')),
  case_ref TEXT NOT NULL REFERENCES cases(case_ref) ON DELETE CASCADE,
  incident_date TEXT,
  PRIMARY KEY (incident_id, role)
);
CREATE INDEX case_mentions_case ON case_mentions(case_ref);
CREATE TABLE hearings (
  id INTEGER PRIMARY KEY,
  case_ref TEXT NOT NULL REFERENCES cases(case_ref) ON DELETE CASCADE,
  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  section TEXT,
  level TEXT NOT NULL,
  score INTEGER NOT NULL,
  flags TEXT NOT NULL DEFAULT '',
  factors TEXT NOT NULL DEFAULT '',
  first_report TEXT,
  latest_incident TEXT,
  repeat_marac INTEGER NOT NULL DEFAULT 0,
  heard INTEGER NOT NULL DEFAULT 1,
  note TEXT,
  UNIQUE (case_ref, meeting_id)
);
CREATE INDEX hearings_meeting ON hearings(meeting_id);
CREATE TABLE actions (
  id INTEGER PRIMARY KEY,
  case_ref TEXT NOT NULL REFERENCES cases(case_ref) ON DELETE CASCADE,
  meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
  owner TEXT NOT NULL,
  text TEXT NOT NULL,
  due TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  done_at TEXT,
  created TEXT NOT NULL
);
CREATE INDEX actions_case ON actions(case_ref);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user TEXT NOT NULL,
  command TEXT NOT NULL,
  detail TEXT NOT NULL
);
