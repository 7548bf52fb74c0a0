-- 0007: undo and redo of this device's own changes, by document. A step names the local log
-- entry (`change`) it took back or made again, and the entry it wrote (`entry`, NULL when
-- everything the change did had been changed since by another device, so nothing was
-- written). `position` orders steps among the log's entries: the entry written, or the last
-- entry of the log when nothing was. Entries written by a step are not changes of their own:
-- the undo stack is the local entries that no step wrote. Steps stay on this device (the
-- documents carry the edits, not who may undo them); compaction removes those of the
-- entries it folds.
CREATE TABLE undo_steps (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    doc       TEXT NOT NULL REFERENCES documents(name),
    action    TEXT NOT NULL CHECK (action IN ('undo', 'redo')),
    change    INTEGER NOT NULL,
    entry     INTEGER,
    position  INTEGER NOT NULL,
    taken_at  TEXT NOT NULL
) STRICT;

CREATE INDEX undo_steps_by_doc ON undo_steps (doc, id);
CREATE INDEX undo_steps_by_entry ON undo_steps (entry) WHERE entry IS NOT NULL;
