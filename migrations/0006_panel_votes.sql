-- 0006: the panel votes per member (dots per consolidated proposal), projected from the panel
-- document; and how many dots each member may give per theme, projected from the event.
CREATE TABLE panel_votes (
    event_id        TEXT NOT NULL,
    consolidated_id TEXT NOT NULL,
    member          TEXT NOT NULL,
    dots            INTEGER NOT NULL,
    voted_at        TEXT NOT NULL,
    PRIMARY KEY (event_id, consolidated_id, member)
) STRICT;

ALTER TABLE events ADD COLUMN panel_dots INTEGER NOT NULL DEFAULT 3;
