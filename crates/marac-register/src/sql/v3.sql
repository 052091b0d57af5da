-- marac register schema version 3: meetings open in the web console.
-- A draft holds the meeting's parameters and the chair's decisions so far
-- (JSON owned by the console); the pack itself is rebuilt from the week's
-- records, so no names or summaries are stored here.
CREATE TABLE meeting_drafts (
  meeting_ref TEXT PRIMARY KEY,
  bcu TEXT NOT NULL,
  bcu_code TEXT,
  date TEXT NOT NULL,
  as_of TEXT NOT NULL,
  chair TEXT,
  state TEXT NOT NULL DEFAULT '{}',
  version INTEGER NOT NULL DEFAULT 1,
  opened_by TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
