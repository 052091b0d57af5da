-- marac register schema version 3: users and sessions of the web console,
-- versions (for conflict-safe updates) and notes on actions.
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
