//! The store and its files: bundles written and merged, rebuilds, compaction, checks.

use std::path::Path;

use recolte_core::Lang;
use recolte_store::{CompactReport, ImportReport, LogStats, RebuildReport};

use super::{print, Out};
use crate::CliError;

impl Out {
    pub fn bundle_written(&self, path: &Path, bytes: usize) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "path": path, "bytes": bytes }));
        }
        print(format!(
            "{} {} ({})",
            self.pick("paquet écrit :", "bundle written:"),
            path.display(),
            self.count(bytes, ("octet", "octets"), ("byte", "bytes"))
        ))
    }

    pub fn bundle_imported(&self, report: &ImportReport) -> Result<(), CliError> {
        if self.json {
            return self.json(report);
        }
        let documents = self.count(report.documents, ("document", "documents"), ("document", "documents"));
        let saved =
            self.count(report.bytes_saved, ("octet enregistré", "octets enregistrés"), ("byte saved", "bytes saved"));
        print(match self.lang {
            Lang::Fr => format!("paquet importé : {documents}, {} avec du nouveau ({saved})", report.changed),
            Lang::En => format!("bundle imported: {documents}, {} with something new ({saved})", report.changed),
        })
    }

    pub fn rebuilt(&self, report: &RebuildReport) -> Result<(), CliError> {
        if self.json {
            return self.json(report);
        }
        let documents = self.count(report.documents, ("document", "documents"), ("document", "documents"));
        let proposals = self.count(report.proposals, ("proposition", "propositions"), ("proposal", "proposals"));
        let consolidated =
            self.count(report.consolidated, ("consolidée", "consolidées"), ("consolidated", "consolidated"));
        print(match self.lang {
            Lang::Fr => format!("tables reconstruites depuis {documents} : {proposals}, {consolidated}"),
            Lang::En => format!("tables rebuilt from {documents}: {proposals}, {consolidated}"),
        })
    }

    pub fn compacted(&self, report: &CompactReport) -> Result<(), CliError> {
        if self.json {
            return self.json(report);
        }
        let compacted =
            self.count(report.compacted, ("document compacté", "documents compactés"), ("document", "documents"));
        // In French, 0 and 1 take the singular: the word follows the second number.
        let (updates, bytes) = match self.lang {
            Lang::Fr => (
                if report.updates_after < 2 { "mise à jour" } else { "mises à jour" },
                if report.bytes_after < 2 { "octet" } else { "octets" },
            ),
            Lang::En => ("updates", "bytes"),
        };
        let n = |value: usize| self.lang.number(value);
        let (updates_before, updates_after) = (n(report.updates_before), n(report.updates_after));
        let (bytes_before, bytes_after) = (n(report.bytes_before), n(report.bytes_after));
        print(match self.lang {
            Lang::Fr => {
                format!("{compacted} : {updates_before} → {updates_after} {updates}, {bytes_before} → {bytes_after} {bytes}")
            }
            Lang::En => format!(
                "{compacted} compacted: {updates_before} → {updates_after} updates, {bytes_before} → {bytes_after} bytes"
            ),
        })
    }

    pub fn checked(&self, problems: &[String]) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "ok": problems.is_empty(), "problems": problems }));
        }
        if problems.is_empty() {
            return print(self.pick("stockage intact", "store is sound"));
        }
        print(problems.join("\n"))
    }

    pub fn info(&self, path: &Path, stats: &LogStats) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "path": path, "log": stats }));
        }
        print(format!(
            "{} {}\n{} {}, {}, {}",
            self.pick("stockage :", "store:"),
            path.display(),
            self.pick("journal :", "log:"),
            self.count(stats.documents, ("document", "documents"), ("document", "documents")),
            self.count(stats.updates, ("mise à jour", "mises à jour"), ("update", "updates")),
            self.count(stats.bytes, ("octet", "octets"), ("byte", "bytes")),
        ))
    }
}
