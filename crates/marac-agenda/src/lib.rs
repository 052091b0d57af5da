//! The MARAC agenda and meeting pack: what the chair takes into the room and
//! what goes to partner agencies before the meeting.
//!
//! [`build_pack`] turns the risk scan, the linked mentions and the register's
//! view (previous hearings, open actions) into a [`Pack`] for one BCU;
//! [`redact`] removes identifying detail; the renderers write Markdown,
//! self-contained HTML (inline CSS, an SVG map, a print stylesheet), JSON
//! (schema `marac-pack/1`, docs/PACK.md) and a CSV case list.
//!
//! Architecture invariant: no I/O, and everything from the input is escaped
//! by the renderer that writes it, with `marac_render::escape` (the one
//! escaper per format) and `marac_render::CsvDoc` (the one CSV writer).
//!
//! ```
//! use marac_render::escape::{csv_cell, html, md};
//! assert_eq!(html("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
//! assert_eq!(md("a|b <i>"), "a\\|b &lt;i&gt;");
//! assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
//! ```

mod build;
pub mod pack;
pub mod render;

pub use build::{build_pack, initials, redact, PackIndex, PackInput, ReviewDays};
pub use pack::*;

#[cfg(test)]
mod tests;
