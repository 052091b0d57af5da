//! The page frame and the small pieces every page is built from. Every
//! string from data goes through [`e`] (`marac_render::escape::html`), the
//! project's one HTML escaper.

use crate::auth::Viewer;

/// Escapes text for HTML.
pub(crate) fn e(s: &str) -> String {
    marac_render::escape::html(s)
}

/// The pages in the main navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nav {
    Week,
    Meetings,
    Actions,
    Figures,
    Audit,
    Users,
    None,
}

/// A whole page: landmarks (banner, navigation, main, contentinfo), a skip
/// link, the protective marking, the signed-in user and the sign-out form.
pub(crate) fn layout(title: &str, viewer: Option<&Viewer>, active: Nav, body: &str) -> String {
    let mut o = String::with_capacity(body.len() + 2048);
    o.push_str("<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    o.push_str("<meta name=\"referrer\" content=\"no-referrer\">");
    o.push_str(&format!("<title>{} – marac</title>", e(title)));
    o.push_str("<link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body>");
    o.push_str("<a class=\"skip\" href=\"#main\">Skip to main content</a>");
    o.push_str("<header class=\"top\"><p class=\"marking\">OFFICIAL-SENSITIVE</p>");
    o.push_str("<p class=\"brand\">marac meeting console</p>");
    if let Some(v) = viewer {
        let mut items: Vec<(Nav, &str, &str)> = vec![(Nav::Week, "/", "This week")];
        if v.prepares_meetings() {
            items.push((Nav::Meetings, "/meetings", "Meetings"));
        }
        items.push((Nav::Actions, "/actions", "Actions"));
        items.push((Nav::Figures, "/figures", "Figures"));
        if v.is_chair() {
            items.push((Nav::Audit, "/audit", "Audit"));
            items.push((Nav::Users, "/users", "Users"));
        }
        o.push_str("<nav aria-label=\"Main\"><ul>");
        for (nav, href, label) in items {
            let current = if nav == active {
                " aria-current=\"page\""
            } else {
                ""
            };
            o.push_str(&format!("<li><a href=\"{href}\"{current}>{label}</a></li>"));
        }
        o.push_str("</ul></nav>");
        o.push_str(&format!(
            "<form method=\"post\" action=\"/logout\">{}<button type=\"submit\">Sign out ({}, {})</button></form>",
            csrf_field(v),
            e(&v.name),
            role_label(v)
        ));
    }
    o.push_str("</header><main id=\"main\" tabindex=\"-1\">");
    o.push_str(&format!("<h1>{}</h1>", e(title)));
    o.push_str(body);
    o.push_str("</main><footer><p>OFFICIAL-SENSITIVE. Personal data about people at risk: share only with the agencies at this MARAC, under its information-sharing agreement.</p></footer></body></html>");
    o
}

/// The role as shown to the user.
pub(crate) fn role_label(v: &Viewer) -> String {
    match (&v.agency, v.role.as_str()) {
        (Some(a), "agency") => format!("agency: {a}"),
        (_, r) => r.to_string(),
    }
}

/// The hidden CSRF field every form carries.
pub(crate) fn csrf_field(v: &Viewer) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        e(&v.csrf)
    )
}

/// A message box: `kind` is `notice`, `ok` or `error` (errors are announced).
pub(crate) fn message(kind: &str, text: &str) -> String {
    let role = if kind == "error" {
        " role=\"alert\""
    } else {
        " role=\"status\""
    };
    format!("<div class=\"{kind}\"{role}><p>{}</p></div>", e(text))
}

/// A table: a caption, column heads (text, numeric) and rows of cells that
/// are already HTML (built with [`e`]). Wrapped so that a wide table scrolls
/// by keyboard too.
pub(crate) fn table(caption: &str, head: &[(&str, bool)], rows: &[Vec<String>]) -> String {
    let mut o = format!(
        "<div class=\"scroll\" role=\"region\" aria-label=\"{}\" tabindex=\"0\"><table><caption>{}</caption><thead><tr>",
        e(caption),
        e(caption)
    );
    for (h, num) in head {
        let class = if *num { " class=\"num\"" } else { "" };
        o.push_str(&format!("<th scope=\"col\"{class}>{}</th>", e(h)));
    }
    o.push_str("</tr></thead><tbody>");
    for row in rows {
        o.push_str("<tr>");
        for (cell, (_, num)) in row.iter().zip(head) {
            let class = if *num { " class=\"num\"" } else { "" };
            o.push_str(&format!("<td{class}>{cell}</td>"));
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table></div>");
    o
}

/// A link to a case page.
pub(crate) fn case_link(case_ref: &str) -> String {
    format!(
        "<a href=\"/cases/{}\">{}</a>",
        e(&url_segment(case_ref)),
        e(case_ref)
    )
}

/// Percent-encodes a path segment (case and meeting references are plain,
/// but a reference from an `--areas` file could hold anything).
pub(crate) fn url_segment(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

/// Flags as tags.
pub(crate) fn tags<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|t| {
            format!(
                "<span class=\"tag\">{}</span>",
                e(&t.as_ref().replace('_', " "))
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A level, bold when high (the word carries the meaning, not the weight).
pub(crate) fn level(l: &str) -> String {
    format!("<span class=\"level-{}\">{}</span>", e(l), e(l))
}
