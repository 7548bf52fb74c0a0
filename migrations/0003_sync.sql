-- 0003: what a device needs to take part in network sync.
-- The organiser's device keeps each event's signing key (never synced: whoever holds it can
-- hand out access); every device remembers, per hub and document, up to which entry of its
-- log the hub has confirmed having its changes, so that "N changes not yet shared" is true
-- across restarts.
CREATE TABLE event_keys (
    event_id   TEXT PRIMARY KEY,
    secret_key TEXT NOT NULL,            -- PASERK k4.secret
    public_key TEXT NOT NULL,            -- PASERK k4.public, also in the event document
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE sync_state (
    hub           TEXT NOT NULL,
    doc           TEXT NOT NULL,
    confirmed_seq INTEGER NOT NULL,
    synced_at     TEXT NOT NULL,
    PRIMARY KEY (hub, doc)
) STRICT;

-- The event's public key, projected from the event document.
ALTER TABLE events ADD COLUMN public_key TEXT;
