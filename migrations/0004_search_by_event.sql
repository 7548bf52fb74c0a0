-- 0004: search and list one event without reading every event in the store. A store may
-- hold many events (an organiser's, a national programme's): listing a theme scanned every
-- proposal, and a search ranked every event's matches before keeping one event's. The event
-- now is a column of the full-text index (its id without dashes, one token), so that a search
-- intersects the event's postings with the words'; and listings have an index by event.
CREATE INDEX proposals_by_event ON proposals (event_id, session_id);
CREATE INDEX consolidated_by_event ON consolidated (event_id, theme);

ALTER TABLE proposals ADD COLUMN event_key TEXT GENERATED ALWAYS AS (replace(event_id, '-', '')) VIRTUAL;
ALTER TABLE consolidated ADD COLUMN event_key TEXT GENERATED ALWAYS AS (replace(event_id, '-', '')) VIRTUAL;

DROP TRIGGER proposals_fts_insert;
DROP TRIGGER proposals_fts_delete;
DROP TRIGGER proposals_fts_update;
DROP TABLE proposals_fts;
DROP TRIGGER consolidated_fts_insert;
DROP TRIGGER consolidated_fts_delete;
DROP TRIGGER consolidated_fts_update;
DROP TABLE consolidated_fts;

CREATE VIRTUAL TABLE proposals_fts USING fts5 (
    event_key, title, body, content = 'proposals', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER proposals_fts_insert AFTER INSERT ON proposals BEGIN
    INSERT INTO proposals_fts (rowid, event_key, title, body) VALUES (new.rowid, new.event_key, new.title, new.body);
END;
CREATE TRIGGER proposals_fts_delete AFTER DELETE ON proposals BEGIN
    INSERT INTO proposals_fts (proposals_fts, rowid, event_key, title, body) VALUES ('delete', old.rowid, old.event_key, old.title, old.body);
END;
CREATE TRIGGER proposals_fts_update AFTER UPDATE OF title, body ON proposals BEGIN
    INSERT INTO proposals_fts (proposals_fts, rowid, event_key, title, body) VALUES ('delete', old.rowid, old.event_key, old.title, old.body);
    INSERT INTO proposals_fts (rowid, event_key, title, body) VALUES (new.rowid, new.event_key, new.title, new.body);
END;
INSERT INTO proposals_fts (proposals_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE consolidated_fts USING fts5 (
    event_key, title, body, content = 'consolidated', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER consolidated_fts_insert AFTER INSERT ON consolidated BEGIN
    INSERT INTO consolidated_fts (rowid, event_key, title, body) VALUES (new.rowid, new.event_key, new.title, new.body);
END;
CREATE TRIGGER consolidated_fts_delete AFTER DELETE ON consolidated BEGIN
    INSERT INTO consolidated_fts (consolidated_fts, rowid, event_key, title, body) VALUES ('delete', old.rowid, old.event_key, old.title, old.body);
END;
CREATE TRIGGER consolidated_fts_update AFTER UPDATE OF title, body ON consolidated BEGIN
    INSERT INTO consolidated_fts (consolidated_fts, rowid, event_key, title, body) VALUES ('delete', old.rowid, old.event_key, old.title, old.body);
    INSERT INTO consolidated_fts (rowid, event_key, title, body) VALUES (new.rowid, new.event_key, new.title, new.body);
END;
INSERT INTO consolidated_fts (consolidated_fts) VALUES ('rebuild');
