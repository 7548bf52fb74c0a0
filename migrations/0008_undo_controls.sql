-- 0008: entries of this device's log that undo passes over: the session clock's controls (a
-- pause is undone by resuming, not by Ctrl+Z) and arrivals (a fact). Left out of the undo stack,
-- they neither count as something to undo nor end what could be redone.
CREATE TABLE undo_ignored (
    entry INTEGER PRIMARY KEY
) STRICT;
