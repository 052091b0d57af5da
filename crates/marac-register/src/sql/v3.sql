-- marac register schema version 3: users and sessions of the web console,
-- versions (for conflict-safe updates) and notes on actions, meetings open
-- in the console.
ALTER TABLE actions ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE actions ADD COLUMN note TEXT;
-- A console user. Only the Argon2id PHC string of the password is stored.
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('chair', 'coordinator', 'agency')),
  agency TEXT,
  granted INTEGER NOT NULL DEFAULT 0 CHECK (granted IN (0, 1)),
  password_hash TEXT NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  created TEXT NOT NULL,
  CHECK (role <> 'agency' OR agency IS NOT NULL)
);
-- A console session. Only the SHA-256 of the cookie token is stored.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created TEXT NOT NULL,
  last_seen TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user);
-- Meetings open in the web console. A draft holds the meeting's parameters
-- and the chair's decisions so far (JSON owned by the console); the pack
-- itself is rebuilt from the week's records, so no names or summaries are
-- stored here.
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
