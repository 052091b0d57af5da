//! The one rendering layer of `marac`: every escape and every report that
//! the command line writes as text.
//!
//! * [`escape`]: exactly one escaper per format: [`escape::md`] (Markdown
//!   text and table cells, raw HTML included), [`escape::html`] (HTML text
//!   and attributes, also SVG and XML) and [`escape::csv_cell`]
//!   (spreadsheet formulas).
//! * [`CsvDoc`]: the one CSV writer; every cell goes through
//!   [`escape::csv_cell`].
//! * [`register`]: the case register's reports (cases, actions, a case's
//!   history, figures as Markdown, CSV and an SVG chart, the audit trail, the
//!   weekly changes).
//! * [`hotspot`]: the Markdown of `marac hotspots` and the number formats
//!   its CSV and JSON share.
//! * [`link_eval`]: the figures of `marac link eval`.
//! * [`link_model`], [`review`], [`waterfall`]: the linkage workbench —
//!   the fitted model with its charts, the analyst's review queue, and the
//!   waterfall of a pair's match weight (also `link --explain`), all in
//!   pages framed by [`page`].
//! * [`scan`]: the risk scan's Markdown and one person explained.
//! * [`validate`]: the report of `marac validate`.
//!
//! Architecture invariant: the one place that escapes; no I/O (documents
//! are built in memory and returned), no printing.
//!
//! ```
//! use marac_render::escape::{csv_cell, html, md};
//! assert_eq!(html("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
//! assert_eq!(md("a|b <i>"), "a\\|b &lt;i&gt;");
//! assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
//! ```

mod csv_doc;
pub mod escape;
pub mod hotspot;
pub mod link_eval;
pub mod link_model;
pub mod map;
pub mod page;
pub mod register;
pub mod review;
pub mod scan;
pub mod table;
pub mod validate;
pub mod waterfall;

/// What can go wrong writing a [`CsvDoc`] (a row of the wrong length).
pub use csv::Error as CsvError;
pub use csv_doc::CsvDoc;
