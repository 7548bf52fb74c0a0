-- 0010: a keystroke no longer rewrites the full-text index. Updating the FTS5 index on every
-- save (delete the old text's postings, add the new ones, flush a segment at commit) was the
-- largest part of a keystroke's time after the commit itself. An edit of a title or body now
-- only notes, once per proposal until the index catches up, the text the index holds for it
-- (an external-content index can only delete what it was given); the search catches the
-- index up before it reads it (`Store::search`), so a search still finds every saved word.
-- New rows and deletions still reach the index at once.
CREATE TABLE proposals_fts_pending (
    rowid     INTEGER PRIMARY KEY,
    event_key TEXT NOT NULL,
    title     TEXT NOT NULL,
    body      TEXT NOT NULL
);
CREATE TABLE consolidated_fts_pending (
    rowid     INTEGER PRIMARY KEY,
    event_key TEXT NOT NULL,
    title     TEXT NOT NULL,
    body      TEXT NOT NULL
);

DROP TRIGGER proposals_fts_update;
DROP TRIGGER proposals_fts_delete;
-- Only the first text noted since the index last caught up is the one it holds (and not
-- OR IGNORE, which the UPSERT that fires these triggers would override).
CREATE TRIGGER proposals_fts_update AFTER UPDATE OF title, body ON proposals BEGIN
    INSERT INTO proposals_fts_pending (rowid, event_key, title, body)
        SELECT old.rowid, old.event_key, old.title, old.body
        WHERE NOT EXISTS (SELECT 1 FROM proposals_fts_pending WHERE rowid = old.rowid);
END;
CREATE TRIGGER proposals_fts_delete AFTER DELETE ON proposals BEGIN
    INSERT INTO proposals_fts (proposals_fts, rowid, event_key, title, body)
        SELECT 'delete', old.rowid, event_key, title, body FROM (
            SELECT event_key, title, body, 0 AS pick FROM proposals_fts_pending WHERE rowid = old.rowid
            UNION ALL SELECT old.event_key, old.title, old.body, 1
            ORDER BY pick LIMIT 1);
    DELETE FROM proposals_fts_pending WHERE rowid = old.rowid;
END;

DROP TRIGGER consolidated_fts_update;
DROP TRIGGER consolidated_fts_delete;
CREATE TRIGGER consolidated_fts_update AFTER UPDATE OF title, body ON consolidated BEGIN
    INSERT INTO consolidated_fts_pending (rowid, event_key, title, body)
        SELECT old.rowid, old.event_key, old.title, old.body
        WHERE NOT EXISTS (SELECT 1 FROM consolidated_fts_pending WHERE rowid = old.rowid);
END;
CREATE TRIGGER consolidated_fts_delete AFTER DELETE ON consolidated BEGIN
    INSERT INTO consolidated_fts (consolidated_fts, rowid, event_key, title, body)
        SELECT 'delete', old.rowid, event_key, title, body FROM (
            SELECT event_key, title, body, 0 AS pick FROM consolidated_fts_pending WHERE rowid = old.rowid
            UNION ALL SELECT old.event_key, old.title, old.body, 1
            ORDER BY pick LIMIT 1);
    DELETE FROM consolidated_fts_pending WHERE rowid = old.rowid;
END;
