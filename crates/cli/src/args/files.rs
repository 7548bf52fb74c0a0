//! Events, bundles, the store itself, the device, exports and imports.

use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum EventCmd {
    /// Create an event from a programme file (JSON, see docs/programme-format.md).
    Import {
        /// Programme file (JSON).
        file: PathBuf,
    },
    /// Show the event: themes, slots, sessions.
    Show,
}

#[derive(Debug, Subcommand)]
pub enum BundleCmd {
    /// Write every document of the event to a bundle file.
    Export {
        /// Bundle file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Merge a bundle file into this store (importing it twice changes nothing).
    Import {
        /// Bundle file.
        file: PathBuf,
        /// Add the bundle's event to this store even though the store holds another event
        /// (without it, a bundle of another event is refused and named).
        #[arg(long)]
        add_event: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum StoreCmd {
    /// Rebuild every table and the search index from the update logs.
    Rebuild,
    /// Fold each document's log into one entry (one per stretch between its named snapshots, which stay readable).
    Compact,
    /// Check the database file and the search index.
    Check,
    /// Where the store is and how big its logs are.
    Info,
}

#[derive(Debug, Subcommand)]
pub enum DeviceCmd {
    /// Show, or set, the name this device signs proposals with.
    Name {
        /// New name of the device.
        #[arg(allow_hyphen_values = true)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Markdown and self-contained HTML report (prints to A4), and a PDF with --pdf.
    Report {
        /// Folder to write the report into.
        #[arg(long)]
        out: PathBuf,
        /// Only this theme (number).
        #[arg(long)]
        theme: Option<u32>,
        /// Also write the report as PDF (rapport.pdf), typeset without a browser.
        #[arg(long)]
        pdf: bool,
    },
    /// Open data: CSV, JSON, a JSON Schema per JSON file, and a data card (README.md).
    Opendata {
        /// Folder to write the open data into.
        #[arg(long)]
        out: PathBuf,
        /// Include the display names of authors (personal data).
        #[arg(long)]
        include_names: bool,
        /// Licence stated in the data card (default: Licence Ouverte 2.0).
        #[arg(long, value_parser = clap::builder::NonEmptyStringValueParser::new())]
        licence: Option<String>,
    },
    /// Import file for Decidim's proposals (FILE.csv, `;`-separated, or FILE.json).
    Decidim {
        /// File to write (.csv or .json).
        #[arg(long)]
        out: PathBuf,
        /// Only this theme (number).
        #[arg(long)]
        theme: Option<u32>,
        /// The Decidim organisation's default locale: the columns are title/LOCALE, body/LOCALE.
        #[arg(long, default_value = "fr")]
        locale: String,
        /// Export the captured proposals instead of the consolidated ones (before any merge).
        #[arg(long)]
        captured: bool,
    },
    /// Decidim's answers import file (`id;state;answer/LOCALE`), from Decidim's own export of
    /// the proposals imported before: retained → accepted, set aside → rejected, drafts unanswered.
    DecidimAnswers {
        /// Decidim's proposals export (CSV or JSON), downloaded after the import.
        #[arg(long)]
        decidim_export: PathBuf,
        /// File of answers to write.
        #[arg(long)]
        out: PathBuf,
        /// Only this theme (number).
        #[arg(long)]
        theme: Option<u32>,
        /// Language of Decidim's columns (fr, en, ca, pt-BR…).
        #[arg(long, default_value = "fr")]
        locale: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Restore an event (same ids, same lineage) from an open-data folder.
    Opendata {
        /// Open-data folder.
        dir: PathBuf,
        /// Restore the event beside the one this store holds (without it, a store holding
        /// another event is left as it is, and says so).
        #[arg(long)]
        add_event: bool,
    },
}
