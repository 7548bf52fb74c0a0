-- 0005: invitations and what sync learnt.
-- The organiser's device keeps the invitations it issued (the links hold secret tokens, so
-- they never travel in the event's documents; revocations do, by token id). Every device keeps,
-- per hub and document, why the hub last refused it, so that the status tells the truth after
-- a restart and to the command line. Practice events (the sample) are marked.
CREATE TABLE invitations (
    id         TEXT PRIMARY KEY,          -- the token's id (jti)
    event_id   TEXT NOT NULL,
    role       TEXT NOT NULL,
    scope      TEXT NOT NULL,             -- JSON: the token's scope
    for_name   TEXT,
    hubs       TEXT NOT NULL,             -- JSON array of hub addresses
    link       TEXT NOT NULL,             -- recolte://join?…
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX invitations_by_event ON invitations (event_id, created_at);

ALTER TABLE sync_state ADD COLUMN error_code TEXT;
ALTER TABLE sync_state ADD COLUMN error_message TEXT;
ALTER TABLE sync_state ADD COLUMN error_at TEXT;

ALTER TABLE events ADD COLUMN practice INTEGER NOT NULL DEFAULT 0;
