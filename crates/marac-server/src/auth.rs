//! Who is asking: the session cookie, the CSRF token of every form, roles.

use axum::http::HeaderMap;
use marac_register::{SessionUser, UserRole};

use crate::Console;

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "marac_session";
/// The cookie that ties the login form to the browser that asked for it.
pub(crate) const LOGIN_COOKIE: &str = "marac_login";

/// A signed-in user, as every page and write sees them.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    pub name: String,
    pub role: UserRole,
    pub agency: Option<String>,
    pub granted: bool,
    pub csrf: String,
}

impl Viewer {
    fn from_session(s: SessionUser) -> Viewer {
        Viewer {
            name: s.user.name,
            role: s.user.role,
            agency: s.user.agency,
            granted: s.user.granted,
            csrf: s.csrf,
        }
    }

    /// Sees cases unredacted and every agency's actions.
    pub fn full_view(&self) -> bool {
        self.role != UserRole::Agency || self.granted
    }

    /// May see (and so update) an action owned by `owner`.
    pub fn sees_action(&self, owner: &str) -> bool {
        self.full_view() || self.own_agency(owner)
    }

    /// `owner` is this user's agency.
    pub fn own_agency(&self, owner: &str) -> bool {
        self.agency
            .as_deref()
            .is_some_and(|a| a.trim().eq_ignore_ascii_case(owner.trim()))
    }

    /// May prepare meetings (open, edit) and rescan the week.
    pub fn prepares_meetings(&self) -> bool {
        matches!(self.role, UserRole::Chair | UserRole::Coordinator)
    }

    /// The chair: closes meetings, reads the audit trail, manages users.
    pub fn is_chair(&self) -> bool {
        self.role == UserRole::Chair
    }
}

/// A cookie's value from the request headers.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| crate::cookie_value(v, name))
}

/// The signed-in user of a request, if its session is alive.
pub(crate) fn viewer(
    console: &Console,
    headers: &HeaderMap,
) -> Result<Option<Viewer>, marac_register::RegisterError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let mut reg = console.register("console")?;
    let session = reg.session(&token, chrono::Utc::now(), console.settings.idle)?;
    Ok(session.map(Viewer::from_session))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, path `/`, `Secure`
/// behind TLS; `max_age` 0 deletes it.
pub(crate) fn set_cookie(
    console: &Console,
    name: &str,
    value: &str,
    max_age: Option<i64>,
) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if console.settings.secure_cookies {
        c.push_str("; Secure");
    }
    c
}

/// Compares two tokens in time that does not depend on where they differ.
pub(crate) fn same_token(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A random token (32 bytes as hex); an error when the system has no
/// entropy to give (then no safe token can be made).
pub(crate) fn random_token() -> Result<String, String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| format!("no random numbers: {e}"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}
