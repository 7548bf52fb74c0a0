//! Whether this device serves the room (a hub on the organisers' laptop), as its settings
//! remember it: the port it serves on now, and the one it meant to serve on but could not at
//! its last start (its port taken, its certificate unreadable). The two are kept apart because
//! a device that serves does not look for a hub nearby (it would find itself), and one whose
//! serving failed must, while it still tries to serve again at its next start.

use crate::settings::{SERVE_PORT, SERVE_PORT_FAILED};
use crate::{Error, Store};

impl Store {
    /// Whether this device serves the room now, as far as its settings say.
    pub fn serves_the_room(&self) -> Result<bool, Error> {
        Ok(self.setting(SERVE_PORT)?.is_some_and(|port| !port.trim().is_empty()))
    }

    /// The port to serve on when the app starts: the one it served on when it was closed, or
    /// the one it could not serve on at its last start (tried again). None: it did not serve.
    pub fn port_to_serve(&self) -> Result<Option<u16>, Error> {
        let serving = self.setting(SERVE_PORT)?.and_then(|port| port.trim().parse().ok());
        match serving {
            Some(port) => Ok(Some(port)),
            None => Ok(self.setting(SERVE_PORT_FAILED)?.and_then(|port| port.trim().parse().ok())),
        }
    }

    /// Serving on `port`, now and at the next start.
    pub fn remember_serving(&mut self, port: u16) -> Result<(), Error> {
        let port = port.to_string();
        // A start that serves as it did rewrites nothing.
        if self.setting(SERVE_PORT)?.as_deref() == Some(port.as_str())
            && self.setting(SERVE_PORT_FAILED)?.is_none_or(|failed| failed.is_empty())
        {
            return Ok(());
        }
        self.set_settings(&[(SERVE_PORT, &port), (SERVE_PORT_FAILED, "")])
    }

    /// Serving did not start: not serving now (so this device may look for a hub nearby), and
    /// tried again at the next start if it meant to serve (it served when it was closed).
    pub fn remember_serving_failed(&mut self) -> Result<(), Error> {
        let meant = self.setting(SERVE_PORT)?.unwrap_or_default();
        if meant.trim().is_empty() {
            return Ok(());
        }
        self.set_settings(&[(SERVE_PORT, ""), (SERVE_PORT_FAILED, &meant)])
    }

    /// Not serving, now or at the next start.
    pub fn forget_serving(&mut self) -> Result<(), Error> {
        self.set_settings(&[(SERVE_PORT, ""), (SERVE_PORT_FAILED, "")])
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn a_failed_start_is_not_serving_and_is_tried_again_at_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        assert_eq!((store.serves_the_room().unwrap(), store.port_to_serve().unwrap()), (false, None));
        // A failure of a device that never served leaves nothing to try again.
        store.remember_serving_failed().unwrap();
        assert_eq!(store.port_to_serve().unwrap(), None);

        store.remember_serving(4455).unwrap();
        assert_eq!((store.serves_the_room().unwrap(), store.port_to_serve().unwrap()), (true, Some(4455)));
        // Reopened, its port taken meanwhile.
        store.remember_serving_failed().unwrap();
        assert_eq!((store.serves_the_room().unwrap(), store.port_to_serve().unwrap()), (false, Some(4455)));
        // Failing again keeps what to try.
        store.remember_serving_failed().unwrap();
        assert_eq!(store.port_to_serve().unwrap(), Some(4455));
        // Served on another port chosen by hand: that one from now on.
        store.remember_serving(4456).unwrap();
        assert_eq!((store.serves_the_room().unwrap(), store.port_to_serve().unwrap()), (true, Some(4456)));
        store.remember_serving_failed().unwrap();
        store.forget_serving().unwrap();
        assert_eq!((store.serves_the_room().unwrap(), store.port_to_serve().unwrap()), (false, None));
    }
}
