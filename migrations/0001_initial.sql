-- 0001: the first schema of a Récolte store.
-- The source of truth is the per-document log of Yjs updates (`doc_updates`); every other
-- table is a projection of the documents, kept in step in the same transaction as the log
-- and rebuildable from it at any time (`recolte store rebuild`).

CREATE TABLE documents (
    name       TEXT PRIMARY KEY,          -- the sync room: EVENT/event, EVENT/session/ID, …
    event_id   TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('event', 'session', 'synthesis', 'panel')),
    created_at TEXT NOT NULL
) STRICT;

-- Append-only; compaction replaces a document's rows by one snapshot that keeps the highest
-- sequence number it covers, so readers that remember "seen up to N" stay correct.
CREATE TABLE doc_updates (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    doc      TEXT NOT NULL REFERENCES documents (name),
    data     BLOB NOT NULL,               -- Yjs update, lib0 v1 encoding
    origin   TEXT NOT NULL CHECK (origin IN ('local', 'bundle', 'hub', 'snapshot')),
    saved_at TEXT NOT NULL
) STRICT;
CREATE INDEX doc_updates_by_doc ON doc_updates (doc, seq);

-- Projections of the event document.
CREATE TABLE events (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    organiser TEXT,
    timezone  TEXT NOT NULL,
    programme TEXT NOT NULL             -- places, days and run-sheet as JSON
) STRICT;

CREATE TABLE themes (
    event_id    TEXT NOT NULL,
    number      INTEGER NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    speakers    TEXT NOT NULL,           -- JSON array
    PRIMARY KEY (event_id, number)
) STRICT;

CREATE TABLE slots (
    event_id         TEXT NOT NULL,
    id               TEXT NOT NULL,
    day              INTEGER NOT NULL,
    date             TEXT NOT NULL,
    start            TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    label            TEXT NOT NULL,
    PRIMARY KEY (event_id, id)
) STRICT;

CREATE TABLE sessions (
    id       TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    theme    INTEGER NOT NULL,
    slot     TEXT NOT NULL,
    place    TEXT NOT NULL,
    room     TEXT
) STRICT;
CREATE INDEX sessions_by_theme ON sessions (event_id, theme);

-- Projections of session documents.
CREATE TABLE subgroups (
    id         TEXT PRIMARY KEY,
    event_id   TEXT NOT NULL,
    session_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deleted    INTEGER NOT NULL
) STRICT;
CREATE INDEX subgroups_by_session ON subgroups (session_id);

CREATE TABLE proposals (
    rowid       INTEGER PRIMARY KEY,     -- stable key for the full-text index
    id          TEXT NOT NULL UNIQUE,
    event_id    TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    subgroup_id TEXT,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    tags        TEXT NOT NULL,           -- JSON array, sorted
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    deleted     INTEGER NOT NULL
) STRICT;
CREATE INDEX proposals_by_session ON proposals (session_id, created_at);

-- Projections of synthesis documents.
CREATE TABLE consolidated (
    rowid      INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    event_id   TEXT NOT NULL,
    theme      INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL,
    priority   INTEGER,
    author     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deleted    INTEGER NOT NULL
) STRICT;
CREATE INDEX consolidated_by_theme ON consolidated (event_id, theme);

CREATE TABLE consolidated_sources (
    consolidated_id TEXT NOT NULL,
    proposal_id     TEXT NOT NULL,
    session_id      TEXT NOT NULL,
    PRIMARY KEY (consolidated_id, proposal_id)
) STRICT;
CREATE INDEX consolidated_sources_by_proposal ON consolidated_sources (proposal_id);

-- Projections of the panel document.
CREATE TABLE panel_marks (
    event_id        TEXT NOT NULL,
    consolidated_id TEXT NOT NULL,
    carry_forward   INTEGER NOT NULL,
    marked_by       TEXT NOT NULL,
    marked_at       TEXT NOT NULL,
    PRIMARY KEY (event_id, consolidated_id)
) STRICT;

CREATE TABLE panel_comments (
    id              TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL,
    consolidated_id TEXT NOT NULL,
    text            TEXT NOT NULL,
    author          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    deleted         INTEGER NOT NULL
) STRICT;

-- Full-text search, accent- and case-insensitive ("elus" finds "élus"), kept in step with
-- the projections by triggers so that no code path can forget it.
CREATE VIRTUAL TABLE proposals_fts USING fts5 (
    title, body, content = 'proposals', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER proposals_fts_insert AFTER INSERT ON proposals BEGIN
    INSERT INTO proposals_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER proposals_fts_delete AFTER DELETE ON proposals BEGIN
    INSERT INTO proposals_fts (proposals_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE TRIGGER proposals_fts_update AFTER UPDATE OF title, body ON proposals BEGIN
    INSERT INTO proposals_fts (proposals_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
    INSERT INTO proposals_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;

CREATE VIRTUAL TABLE consolidated_fts USING fts5 (
    title, body, content = 'consolidated', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER consolidated_fts_insert AFTER INSERT ON consolidated BEGIN
    INSERT INTO consolidated_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER consolidated_fts_delete AFTER DELETE ON consolidated BEGIN
    INSERT INTO consolidated_fts (consolidated_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE TRIGGER consolidated_fts_update AFTER UPDATE OF title, body ON consolidated BEGIN
    INSERT INTO consolidated_fts (consolidated_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
    INSERT INTO consolidated_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
