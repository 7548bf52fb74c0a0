//! What a build of Récolte is: its version and the commit it was built from.

/// The version, from the workspace's `Cargo.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit (12 hex digits, `+modified` when built from uncommitted changes, `unknown`
/// outside a git checkout).
pub const COMMIT: &str = env!("RECOLTE_COMMIT");

/// `0.1.0 (commit 0123456789ab)`: what `recolte --version` and the app's À propos say.
pub const DESCRIBE: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("RECOLTE_COMMIT"), ")");

#[cfg(test)]
mod tests {
    #[test]
    fn says_the_version_and_a_commit() {
        assert!(super::DESCRIBE.starts_with(super::VERSION));
        assert!(super::COMMIT == "unknown" || super::COMMIT.len() >= 12, "{}", super::COMMIT);
    }
}
