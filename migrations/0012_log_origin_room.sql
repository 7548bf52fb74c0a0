-- 0012: a log entry may come from the room. A laptop that serves its own store to the room's
-- devices and also syncs with the event's server must pass the room's work on to that server;
-- those entries were logged as `hub`, which a device never sends back to a hub, so they waited
-- for the laptop's next reconnection while its status said everything was shared. They are now
-- `room`: sent on like this device's own changes, and counted as not yet shared until the
-- server confirms them. SQLite cannot change a CHECK constraint in place: the table is copied
-- once, as 0011 did, numbers and index kept.
CREATE TABLE doc_updates_next (
    seq      INTEGER PRIMARY KEY,
    doc      TEXT NOT NULL REFERENCES documents (name),
    data     BLOB NOT NULL,               -- Yjs update, lib0 v1 encoding
    origin   TEXT NOT NULL CHECK (origin IN ('local', 'bundle', 'hub', 'room', 'snapshot')),
    saved_at TEXT NOT NULL
) STRICT;
INSERT INTO doc_updates_next (seq, doc, data, origin, saved_at)
    SELECT seq, doc, data, origin, saved_at FROM doc_updates ORDER BY seq;
DROP TABLE doc_updates;
ALTER TABLE doc_updates_next RENAME TO doc_updates;
CREATE INDEX doc_updates_by_doc ON doc_updates (doc, seq);
