-- 0009: named snapshots of a document, kept on this device: a point in the document's log (the
-- last entry the state includes) with a name and why it was taken (by hand, the end of a
-- session's slot, before a merge, before an undo of a merge, before an import, before a restore).
-- `store compact` folds the log between these points, never across one, so every snapshot stays
-- exactly restorable.
CREATE TABLE named_snapshots (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL,
    entry INTEGER NOT NULL,
    reason TEXT NOT NULL,
    name TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    taken_by TEXT NOT NULL
) STRICT;
CREATE INDEX named_snapshots_by_doc ON named_snapshots (doc, entry);
-- A session's end-of-slot snapshot is taken once.
CREATE UNIQUE INDEX named_snapshots_slot_end ON named_snapshots (doc) WHERE reason = 'session_end';
