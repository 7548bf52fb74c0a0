-- 0002: settings of this device. A store is one person's copy; the name they sign their
-- proposals with and the language of their interface belong to the device, not to any
-- document, so they are never synced.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
