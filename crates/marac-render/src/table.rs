//! A table written as Markdown or HTML, every cell escaped by the format's
//! one escaper: the hot spot and repeat location tables of the packs and of
//! `marac hotspots`.

use std::fmt::Write;

use crate::escape::{html, md};

/// A table: a header and rows of unescaped text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names, each with whether the column is right-aligned (numbers).
    pub head: Vec<(&'static str, bool)>,
    /// Rows of cells, as many as the header's columns.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these columns (name, right-aligned).
    pub fn new(head: &[(&'static str, bool)]) -> Table {
        Table {
            head: head.to_vec(),
            rows: Vec::new(),
        }
    }

    /// The table in Markdown, then a blank line.
    ///
    /// ```
    /// use marac_render::table::Table;
    /// let mut t = Table::new(&[("place", false), ("count", true)]);
    /// t.rows.push(vec!["a|b".into(), "3".into()]);
    /// assert_eq!(t.markdown(), "| place | count |\n| --- | ---: |\n| a\\|b | 3 |\n\n");
    /// ```
    pub fn markdown(&self) -> String {
        let mut o = String::new();
        let names: Vec<&str> = self.head.iter().map(|(h, _)| *h).collect();
        let rule: Vec<&str> = self
            .head
            .iter()
            .map(|(_, r)| if *r { "---:" } else { "---" })
            .collect();
        let _ = writeln!(o, "| {} |\n| {} |", names.join(" | "), rule.join(" | "));
        for r in &self.rows {
            let cells: Vec<String> = r.iter().map(|c| md(c)).collect();
            let _ = writeln!(o, "| {} |", cells.join(" | "));
        }
        o.push('\n');
        o
    }

    /// The table in HTML, with a class.
    ///
    /// ```
    /// use marac_render::table::Table;
    /// let mut t = Table::new(&[("place", false)]);
    /// t.rows.push(vec!["<b>".into()]);
    /// assert_eq!(t.html("x"), "<table class=\"x\"><tr><th>place</th></tr><tr><td>&lt;b&gt;</td></tr></table>");
    /// ```
    pub fn html(&self, class: &str) -> String {
        let mut o = format!("<table class=\"{}\"><tr>", html(class));
        for (h, _) in &self.head {
            let _ = write!(o, "<th>{}</th>", html(h));
        }
        o.push_str("</tr>");
        for r in &self.rows {
            o.push_str("<tr>");
            for c in r {
                let _ = write!(o, "<td>{}</td>", html(c));
            }
            o.push_str("</tr>");
        }
        o.push_str("</table>");
        o
    }
}
