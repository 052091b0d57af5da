//! Exactly one escaper per output format. Every string that comes from the
//! input (records, packs, the register) goes through one of these before it
//! is written; nothing else in `marac` escapes.

/// Escapes text for a Markdown table cell or line: Markdown control
/// characters (`\ | * _ ` [ ] # ~`) are backslash-escaped, `<`, `>` and `&`
/// become entities and line breaks become spaces, so no viewer renders input
/// as HTML, links, emphasis or table structure.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML content and attribute values, and for SVG and XML
/// (text and attributes): `& < > " '` become references (`&#39;` for the
/// apostrophe, valid in HTML and XML alike), and characters XML 1.0 does not
/// allow (C0 controls other than tab, line feed and carriage return;
/// U+FFFE, U+FFFF) are dropped.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Neutralises a CSV cell that a spreadsheet would run as a formula: a cell
/// starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading
/// `'`. A plain finite number (`-1`, `+0.5`, `1e3`) is left alone: it is
/// data, not a formula.
pub fn csv_cell(s: &str) -> String {
    if s.parse::<f64>().is_ok_and(f64::is_finite) {
        return s.to_string();
    }
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md_escapes_structure_and_raw_html() {
        assert_eq!(
            md("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("C:\\dir"), "C:\\\\dir");
        assert_eq!(md("`code`"), "\\`code\\`");
        assert_eq!(md("Tom & Jerry"), "Tom &amp; Jerry");
        assert_eq!(md("&lt;"), "&amp;lt;", "an entity in the input stays text");
        assert_eq!(
            md("*b* _i_ [l](u) # h ~s~"),
            "\\*b\\* \\_i\\_ \\[l\\](u) \\# h \\~s\\~"
        );
        assert_eq!(md("one\ntwo\r\nthree"), "one two  three");
        assert_eq!(md("Central North 2026-11-20"), "Central North 2026-11-20");
        assert_eq!(md(""), "");
    }

    #[test]
    fn html_escapes_text_and_attributes() {
        assert_eq!(
            html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(html("\" onload=\"x' &"), "&quot; onload=&quot;x&#39; &amp;");
        assert_eq!(html("a\u{1}b\u{1b}c\u{ffff}"), "abc", "not allowed in XML");
        assert_eq!(html("tab\tline\ncr\r"), "tab\tline\ncr\r");
        assert_eq!(html("Café, 12 High St"), "Café, 12 High St");
        assert_eq!(html(""), "");
    }

    #[test]
    fn csv_formula_cells_are_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("+44 20"), "'+44 20");
        assert_eq!(csv_cell("-1+cmd|' /C calc'!A0"), "'-1+cmd|' /C calc'!A0");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "'\rx");
        assert_eq!(csv_cell("-inf"), "'-inf", "not a finite number");
        // Numbers are data.
        assert_eq!(csv_cell("-1"), "-1");
        assert_eq!(csv_cell("-0.5"), "-0.5");
        assert_eq!(csv_cell("+3"), "+3");
        // Only the first character counts.
        assert_eq!(csv_cell("a=b"), "a=b");
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell(""), "");
    }
}
