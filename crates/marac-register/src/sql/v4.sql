-- marac register schema version 4: clerical labels of record pairs
-- (`marac register labels import/export`; linkage with `--labels register`).
-- A pair is one row, its smaller side (by incident id, then victim before
-- suspect) on the left. Incident ids and roles only: no names or details.
CREATE TABLE labels (
  incident_l TEXT NOT NULL,
  role_l TEXT NOT NULL CHECK (role_l IN ('victim', 'suspect')),
  incident_r TEXT NOT NULL,
  role_r TEXT NOT NULL CHECK (role_r IN ('victim', 'suspect')),
  label TEXT NOT NULL CHECK (label IN ('match', 'not a match', 'unsure')),
  labeller TEXT NOT NULL,
  labelled_at TEXT NOT NULL,
  PRIMARY KEY (incident_l, role_l, incident_r, role_r)
);
