//! The frame of the linkage workbench's pages (`marac link review`, `link
//! model`, `link --explain`): self-contained HTML marked OFFICIAL-SENSITIVE
//! at the top and the foot of the screen and of every printed page, styles
//! inline, a Content-Security-Policy that forbids every request, and at most
//! one inline script, allowed by its SHA-256 hash alone.

use std::fmt::Write;

use sha2::{Digest, Sha256};

use crate::escape::html;
use crate::hotspot::HTML_CSP;

/// The marking of every workbench page.
pub const MARKING: &str = "OFFICIAL-SENSITIVE";

const CSS: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}\
.marking{font-weight:bold;text-align:center;letter-spacing:.1em;border:2px solid #000;padding:.2em}\
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #999;padding:.2em .4em;text-align:left;vertical-align:top}\
td.n{text-align:right;font-variant-numeric:tabular-nums}\
svg{max-width:100%;height:auto;display:block;margin:.5em 0}\
section{border-top:2px solid #333;margin-top:1.5em;break-inside:avoid-page}\
fieldset{border:1px solid #777;margin:.5em 0}label{margin-right:1.2em}\
.records{width:100%;table-layout:fixed}.records th:first-child{width:9em}\
@media print{body{margin:1cm}.marking{position:fixed;top:0;left:0;right:0;background:#fff}\
.footer{position:fixed;bottom:0;left:0;right:0;background:#fff}h1{margin-top:2.5em}button{display:none}}";

/// Standard base64 (RFC 4648, with padding).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The CSP source that allows exactly this inline script:
/// `'sha256-…'` of its text.
pub fn script_hash(script: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(script.as_bytes())))
}

/// A whole page: `title`, then `body` (already escaped HTML) between the
/// markings, then `script` (trusted text of ours, never input) when given.
pub fn page(title: &str, body: &str, script: Option<&str>) -> String {
    let csp = match script {
        Some(s) => format!("{HTML_CSP}; script-src {}", script_hash(s)),
        None => HTML_CSP.to_string(),
    };
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\
<title>{} — {}</title><style>{CSS}</style></head><body>\
<header class=\"marking\">{MARKING}</header><main><h1>{}</h1>",
        MARKING,
        html(title),
        html(title)
    );
    o.push_str(body);
    let _ = write!(
        o,
        "</main><footer class=\"footer marking\">{MARKING}</footer>"
    );
    if let Some(s) = script {
        let _ = write!(o, "<script>{s}</script>");
    }
    o.push_str("</body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_the_script_hash() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        // echo -n "alert(1)" | openssl dgst -sha256 -binary | base64
        assert_eq!(
            script_hash("alert(1)"),
            "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        );
    }

    #[test]
    fn a_page_is_marked_and_allows_only_its_script() {
        let p = page("A <b>", "<p>x</p>", Some("alert(1)"));
        assert!(p.contains("<title>OFFICIAL-SENSITIVE — A &lt;b&gt;</title>"));
        assert_eq!(p.matches(MARKING).count(), 3);
        assert!(p.contains(
            "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-"
        ));
        assert!(p.ends_with("<script>alert(1)</script></body></html>\n"));
        let q = page("A", "", None);
        assert!(!q.contains("script"));
    }
}
