//! Routes: every handler checks the session, the role and (for a write) the
//! CSRF token, then reads or writes the register on a blocking thread.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::FromRequest;
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use marac_agenda::{redact, Section};
use marac_register::{
    ActionChange, ActionFilter, ActionRow, ActionStatus, IncompleteReason, LoginOutcome,
    RegisterError, UserRole,
};

use crate::auth::{self, Viewer, LOGIN_COOKIE, SESSION_COOKIE};
use crate::meeting::{split_agencies, AgreedAction, CaseDecision, DraftState};
use crate::pages::{
    case_link, csrf_field, e, layout, level, message, table, tags, url_segment, Nav,
};
use crate::{Console, WeekStatus};

const CSS: &str = include_str!("assets/app.css");
/// Forms are small: anything larger is refused before it is read.
const BODY_LIMIT: usize = 64 * 1024;

type Shared = State<Arc<Console>>;

/// Why a request did not get its page.
pub(crate) enum Fail {
    /// 403 with a reason.
    Forbidden(String),
    /// 404.
    NotFound(String),
    /// 409: someone else changed it first.
    Conflict(String),
    /// 400/422: the form is wrong.
    Bad(String),
    /// 500, with a message that names no person.
    Internal(String),
}

impl From<RegisterError> for Fail {
    fn from(e: RegisterError) -> Fail {
        match e {
            RegisterError::Conflict { .. } => Fail::Conflict(e.to_string()),
            // The reference came from the address: not repeated back.
            RegisterError::NoSuchCase(_) => Fail::NotFound("There is no such case.".into()),
            RegisterError::NoSuchAction(_) => Fail::NotFound("There is no such action.".into()),
            RegisterError::NoSuchDraft(_) => Fail::NotFound("That meeting is not open.".into()),
            RegisterError::NoSuchUser(_) => Fail::NotFound("There is no such user.".into()),
            e if e.is_input_error() => Fail::Bad(e.to_string()),
            e => Fail::Internal(e.to_string()),
        }
    }
}

type Out = Result<Response, Fail>;

const MEETINGS_ONLY: &str = "Meetings are prepared by the chair and the coordinator.";

/// Refuses (403, with the reason) unless the role allows it.
fn need(allowed: bool, why: &str) -> Result<(), Fail> {
    if allowed {
        Ok(())
    } else {
        Err(Fail::Forbidden(why.to_string()))
    }
}

/// A submitted form, kept as its pairs (some names repeat).
#[derive(Debug, Default)]
pub(crate) struct FormData(Vec<(String, String)>);

impl FormData {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

fn fail_page(f: Fail, viewer: Option<&Viewer>) -> Response {
    let (status, title, text) = match f {
        Fail::Forbidden(t) => (StatusCode::FORBIDDEN, "Not allowed", t),
        Fail::NotFound(t) => (StatusCode::NOT_FOUND, "Not found", t),
        Fail::Conflict(t) => (StatusCode::CONFLICT, "Changed by someone else", t),
        Fail::Bad(t) => (StatusCode::UNPROCESSABLE_ENTITY, "Not saved", t),
        Fail::Internal(t) => (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", t),
    };
    let mut body = message("error", &text);
    body.push_str("<p><a href=\"/\">Back to this week</a></p>");
    html(status, layout(title, viewer, Nav::None, &body))
}

/// Runs a page on a blocking thread for a signed-in user.
async fn page<F>(c: Arc<Console>, headers: HeaderMap, f: F) -> Response
where
    F: FnOnce(&Console, &Viewer) -> Out + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let viewer = match auth::viewer(&c, &headers) {
            Ok(Some(v)) => v,
            Ok(None) => return see_other("/login"),
            Err(e) => return fail_page(e.into(), None),
        };
        match f(&c, &viewer) {
            Ok(r) => r,
            Err(fail) => fail_page(fail, Some(&viewer)),
        }
    })
    .await
    .unwrap_or_else(|_| fail_page(Fail::Internal("the request failed".into()), None))
}

/// Runs a form post: a live session, then the form's CSRF token.
async fn write<F>(c: Arc<Console>, headers: HeaderMap, form: FormData, f: F) -> Response
where
    F: FnOnce(&Console, &Viewer, &FormData) -> Out + Send + 'static,
{
    page(c, headers, move |c, v| {
        if !auth::same_token(form.get("csrf"), &v.csrf) {
            return Err(Fail::Forbidden(
                "This form has expired or did not come from this console. Reload the page and try again."
                    .into(),
            ));
        }
        f(c, v, &form)
    })
    .await
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        crate::form_pairs(&body).map(FormData).map_err(|e| {
            (
                StatusCode::BAD_REQUEST,
                format!("The form could not be read: {e}"),
            )
                .into_response()
        })
    }
}

pub(crate) fn router(console: Arc<Console>) -> Router {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/", get(week_page))
        .route("/week/rescan", post(rescan))
        .route("/cases/{case_ref}", get(case_page))
        .route("/meetings", get(meetings_page).post(open_meeting))
        .route("/meetings/{mref}", get(meeting_page))
        .route("/meetings/{mref}/attendance", post(meeting_attendance))
        .route("/meetings/{mref}/cases/{case_ref}", post(meeting_case))
        .route("/meetings/{mref}/close", post(close_meeting))
        .route("/meetings/{mref}/discard", post(discard_meeting))
        .route("/actions", get(actions_page))
        .route("/actions/{id}", post(update_action))
        .route("/figures", get(figures_page))
        .route("/audit", get(audit_page))
        .route("/users", get(users_page))
        .route("/users/{name}", post(update_user))
        .route("/assets/app.css", get(css))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            console.clone(),
            security_headers,
        ))
        .with_state(console)
}

/// Logs one line per request (method, route pattern, status, time): the
/// pattern, never the path, so no reference or value reaches the log.
pub(crate) fn with_log(router: Router, log: Option<crate::RequestLog>) -> Router {
    let Some(log) = log else {
        return router;
    };
    router.layer(middleware::from_fn(move |req: Request, next: Next| {
        let log = log.clone();
        async move {
            let method = req.method().clone();
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map(|m| m.as_str().to_string())
                .unwrap_or_else(|| "(no route)".into());
            let started = Instant::now();
            let resp = next.run(req).await;
            log(&format!(
                "{method} {route} {} {:.1} ms",
                resp.status().as_u16(),
                started.elapsed().as_secs_f64() * 1000.0
            ));
            resp
        }
    }))
}

async fn security_headers(State(c): Shared, req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let set = |h: &mut HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
    );
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "no-referrer");
    set(h, "x-content-type-options", "nosniff");
    set(h, "cross-origin-opener-policy", "same-origin");
    set(
        h,
        "cache-control",
        if is_asset {
            "private, max-age=3600"
        } else {
            "no-store"
        },
    );
    if c.settings.secure_cookies {
        set(h, "strict-transport-security", "max-age=31536000");
    }
    resp
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

async fn not_found(State(c): Shared, headers: HeaderMap) -> Response {
    page(c, headers, |_, _| {
        Err(Fail::NotFound("There is no such page.".into()))
    })
    .await
}

// ---------------------------------------------------------------- sign in

#[derive(serde::Deserialize, Default)]
struct LoginQuery {
    #[serde(default)]
    m: Option<String>,
}

async fn login_page(State(c): Shared, Query(q): Query<LoginQuery>) -> Response {
    let token = match auth::random_token() {
        Ok(t) => t,
        Err(e) => return fail_page(Fail::Internal(e), None),
    };
    let note = match q.m.as_deref() {
        Some("out") => message("ok", "You are signed out."),
        Some("expired") => message("notice", "Your sign-in form expired. Please sign in again."),
        _ => String::new(),
    };
    login_form(&c, &token, &note, StatusCode::OK)
}

fn login_form(c: &Console, token: &str, note: &str, status: StatusCode) -> Response {
    let body = format!(
        "{note}<form method=\"post\" action=\"/login\">\
         <input type=\"hidden\" name=\"login_token\" value=\"{t}\">\
         <label for=\"name\">User name</label><input type=\"text\" id=\"name\" name=\"name\" autocomplete=\"username\" required>\
         <label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <p><button type=\"submit\">Sign in</button></p></form>\
         <p class=\"hint\">Accounts are made by the coordinator with <code>marac register user add</code>.</p>",
        t = e(token)
    );
    let mut resp = html(status, layout("Sign in", None, Nav::None, &body));
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(c, LOGIN_COOKIE, token, Some(3600))) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

async fn login(State(c): Shared, headers: HeaderMap, f: FormData) -> Response {
    tokio::task::spawn_blocking(move || {
        let cookie = auth::cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
        if !auth::same_token(&cookie, f.get("login_token")) {
            return see_other("/login?m=expired");
        }
        let retry = |text: &str, status| match auth::random_token() {
            Ok(t) => login_form(&c, &t, &message("error", text), status),
            Err(e) => fail_page(Fail::Internal(e), None),
        };
        let name = f.get("name").trim().to_string();
        let result = c
            .register("console")
            .and_then(|mut reg| {
                let outcome = reg.login(&name, f.get("password"), chrono::Utc::now())?;
                match outcome {
                    LoginOutcome::Ok(user) => {
                        // Sessions left idle by users who never came back go now.
                        reg.purge_sessions(chrono::Utc::now(), c.settings.idle)?;
                        let s = reg.create_session(&user.name, chrono::Utc::now())?;
                        Ok(Ok(s.token))
                    }
                    other => Ok(Err(other)),
                }
            });
        match result {
            Ok(Ok(token)) => {
                let mut resp = see_other("/");
                let h = resp.headers_mut();
                for cookie in [
                    auth::set_cookie(&c, SESSION_COOKIE, &token, None),
                    auth::set_cookie(&c, LOGIN_COOKIE, "", Some(0)),
                ] {
                    if let Ok(v) = HeaderValue::from_str(&cookie) {
                        h.append(header::SET_COOKIE, v);
                    }
                }
                resp
            }
            Ok(Err(LoginOutcome::Locked { until })) => retry(
                &format!(
                    "This account is locked after repeated failed sign-ins, until {until} (UTC). Ask the chair to unlock it sooner."
                ),
                StatusCode::FORBIDDEN,
            ),
            Ok(Err(_)) => retry(
                "The user name or password is not right.",
                StatusCode::UNAUTHORIZED,
            ),
            Err(e) => fail_page(e.into(), None),
        }
    })
    .await
    .unwrap_or_else(|_| fail_page(Fail::Internal("the request failed".into()), None))
}

async fn logout(State(c): Shared, headers: HeaderMap, f: FormData) -> Response {
    let token = auth::cookie(&headers, SESSION_COOKIE).unwrap_or_default();
    write(c, headers, f, move |c, _, _| {
        let mut reg = c.register("console")?;
        reg.end_session(&token)?;
        let mut resp = see_other("/login?m=out");
        if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(c, SESSION_COOKIE, "", Some(0))) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
        Ok(resp)
    })
    .await
}

// ---------------------------------------------------------------- this week

#[derive(serde::Deserialize, Default)]
struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    bcu: Option<String>,
    #[serde(default)]
    agency: Option<String>,
    #[serde(default)]
    show: Option<String>,
}

fn done_message(q: &DoneQuery) -> String {
    let text = match q.done.as_deref() {
        Some("rescanned") => "The week was read and scanned again.",
        Some("opened") => "The meeting is open.",
        Some("saved") => "Saved.",
        Some("closed") => "The meeting is recorded in the register and its packs are written.",
        Some("discarded") => "The meeting was discarded; nothing was recorded.",
        Some("action") => "The action is updated.",
        Some("user") => "The user is updated.",
        _ => return String::new(),
    };
    message("ok", text)
}

fn week_status(c: &Console) -> Result<Arc<crate::Loaded>, Fail> {
    match (c.week(), c.status()) {
        (Some(w), _) => Ok(w),
        (None, WeekStatus::Failed(msg)) => {
            Err(Fail::Internal(format!("The week could not be read: {msg}")))
        }
        (None, _) => Err(Fail::NotFound(
            "The week is still being read and scanned. Reload this page in a minute.".into(),
        )),
    }
}

fn section_label(s: Section) -> &'static str {
    match s {
        Section::NewReferral => "new referral",
        Section::RepeatCase => "repeat MARAC",
        Section::NoNewIncident => "review only (no new incident)",
    }
}

async fn week_page(State(c): Shared, headers: HeaderMap, Query(q): Query<DoneQuery>) -> Response {
    page(c, headers, move |c, v| {
        let mut body = done_message(&q);
        let w = match week_status(c) {
            Ok(w) => w,
            Err(Fail::NotFound(t)) => {
                body.push_str(&message("notice", &t));
                return Ok(html(StatusCode::OK, layout("This week", Some(v), Nav::Week, &body)));
            }
            Err(f) => return Err(f),
        };
        body.push_str(&format!(
            "<p>Scan of {} (read {}). {} victims scanned, {} eligible for the MARAC.</p>",
            w.as_of,
            e(&w.loaded_at),
            w.decisions.scan.persons.len(),
            w.decisions.sections.len()
        ));
        if v.prepares_meetings() {
            body.push_str(&format!(
                "<form method=\"post\" action=\"/week/rescan\">{}<button type=\"submit\" class=\"secondary\">Read and scan the inputs again</button></form>",
                csrf_field(v)
            ));
        }
        // What changed since the last saved scan.
        let ch = &w.changes;
        let repeat: usize = w
            .decisions
            .sections
            .values()
            .filter(|s| **s == Section::RepeatCase)
            .count();
        body.push_str("<h2>Since the last scan</h2>");
        body.push_str(&format!(
            "<p>{}: {} new high risk, {} risen, {} with new flags, {} repeat MARAC.</p>",
            ch.previous_as_of
                .map(|d| format!("Compared with the scan of {d}"))
                .unwrap_or_else(|| "No earlier scan saved".into()),
            ch.new_high.len(),
            ch.risen.len(),
            ch.new_flags.len(),
            repeat
        ));
        let change_rows: Vec<Vec<String>> = ch
            .new_high
            .iter()
            .map(|r| (r, "new high risk"))
            .chain(ch.risen.iter().map(|r| (r, "risen")))
            .take(200)
            .map(|(r, what)| {
                vec![
                    case_link(&r.case_ref),
                    e(&r.bcu),
                    e(what),
                    format!(
                        "{} → {}",
                        e(r.previous_level.as_deref().unwrap_or("none")),
                        level(&r.level)
                    ),
                    r.score.to_string(),
                ]
            })
            .collect();
        if !change_rows.is_empty() {
            body.push_str(&table(
                "New and risen cases",
                &[("Case", false), ("BCU", false), ("Change", false), ("Level", false), ("Score", true)],
                &change_rows,
            ));
        }
        // Eligible cases per BCU.
        body.push_str("<h2>Eligible cases by BCU</h2>");
        let packs = if v.full_view() { &w.packs } else { &w.redacted };
        for (bcu, pack) in packs {
            let rows: Vec<Vec<String>> = pack
                .cases
                .iter()
                .map(|c| {
                    vec![
                        case_link(&c.case_ref),
                        e(section_label(c.section)),
                        level(&c.level),
                        c.score.to_string(),
                        tags(&c.flags),
                    ]
                })
                .collect();
            body.push_str(&format!(
                "<h3 id=\"bcu-{}\">{} ({} case{})</h3>",
                e(&url_segment(bcu)),
                e(bcu),
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            ));
            if !rows.is_empty() {
                body.push_str(&table(
                    &format!("Eligible cases, {bcu}"),
                    &[("Case", false), ("Section", false), ("Level", false), ("Score", true), ("Flags", false)],
                    &rows,
                ));
            }
        }
        let unplaced = packs
            .values()
            .next()
            .map(|p| p.unplaced.as_slice())
            .unwrap_or_default();
        if !unplaced.is_empty() {
            let rows: Vec<Vec<String>> = unplaced
                .iter()
                .map(|c| vec![case_link(&c.case_ref), level(&c.level), c.score.to_string()])
                .collect();
            body.push_str("<h3>Not placed in any BCU</h3>");
            body.push_str(&table(
                "Eligible cases with no placed incident",
                &[("Case", false), ("Level", false), ("Score", true)],
                &rows,
            ));
        }
        Ok(html(StatusCode::OK, layout("This week", Some(v), Nav::Week, &body)))
    })
    .await
}

async fn rescan(State(c): Shared, headers: HeaderMap, f: FormData) -> Response {
    write(c, headers, f, |c, v, _| {
        need(
            v.prepares_meetings(),
            "Only a chair or a coordinator can rescan the week.",
        )?;
        c.load_week(&v.name)
            .map_err(|e| Fail::Internal(e.to_string()))?;
        Ok(see_other("/?done=rescanned"))
    })
    .await
}

// ---------------------------------------------------------------- case

async fn case_page(State(c): Shared, headers: HeaderMap, Path(case_ref): Path<String>) -> Response {
    page(c, headers, move |c, v| {
        let reg = c.register(&v.name)?;
        let history = match reg.history(&case_ref) {
            Ok(h) => Some(h),
            Err(RegisterError::NoSuchCase(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let week = c.week();
        let on_agenda = week.as_ref().and_then(|w| {
            w.case(&case_ref, !v.full_view())
                .map(|(b, c)| (b.to_string(), c.clone()))
        });
        if history.is_none() && on_agenda.is_none() {
            return Err(Fail::NotFound("There is no such case.".to_string()));
        }
        let mut body = String::new();
        if let Some((bcu, case)) = &on_agenda {
            body.push_str("<dl class=\"facts\">");
            let mut fact = |k: &str, val: String| {
                body.push_str(&format!("<dt>{}</dt><dd>{val}</dd>", e(k)));
            };
            fact("BCU", e(bcu));
            fact("Agenda", e(section_label(case.section)));
            fact(
                "Risk",
                format!("{} (score {})", level(&case.level), case.score),
            );
            fact("Eligible by", tags(&case.eligible_by));
            fact("Flags", tags(&case.flags));
            fact("Subject", {
                let s = &case.subject;
                let mut parts = vec![s.name.clone().unwrap_or_else(|| s.initials.clone())];
                if let Some(d) = s.dob {
                    parts.push(format!("born {d}"));
                }
                if let Some(a) = &s.address {
                    parts.push(a.clone());
                }
                e(&parts.join(", "))
            });
            fact("Vulnerabilities", tags(&case.vulnerabilities));
            fact(
                "Children or dependants",
                e(match case.children_present {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "not recorded",
                }),
            );
            fact(
                "Referred by",
                format!("{} on {}", e(&case.referring_agency), case.referral_date),
            );
            fact("Agencies involved", e(&case.agencies.join(", ")));
            if let Some(h) = &case.previous_hearing {
                fact("Last heard", format!("{} ({})", h.date, e(&h.meeting_ref)));
            }
            body.push_str("</dl>");
            let reasons: Vec<Vec<String>> = case
                .reasons
                .iter()
                .map(|r| {
                    vec![
                        e(&r.factor.replace('_', " ")),
                        r.points.to_string(),
                        e(&r.incidents.join(", ")),
                    ]
                })
                .collect();
            body.push_str("<h2>Risk points</h2>");
            body.push_str(&table(
                "Every risk point with its incidents",
                &[("Factor", false), ("Points", true), ("Incidents", false)],
                &reasons,
            ));
            let chron: Vec<Vec<String>> = case
                .chronology
                .iter()
                .map(|x| {
                    vec![
                        e(&x.date),
                        e(&x.incident_id),
                        e(&x.kind),
                        e(&x.source),
                        e(x.category.as_deref().unwrap_or("")),
                        x.harm.map(|h| h.to_string()).unwrap_or_default(),
                        e(&x.hate_strands.join(", ")),
                        e(x.summary.as_deref().unwrap_or("")),
                    ]
                })
                .collect();
            body.push_str("<h2>Chronology across agencies</h2>");
            body.push_str(&table(
                "Chronology",
                &[
                    ("Date", false),
                    ("Incident", false),
                    ("Kind", false),
                    ("Agency", false),
                    ("Category", false),
                    ("Harm", true),
                    ("Hate strands", false),
                    ("Summary", false),
                ],
                &chron,
            ));
            if !case.suspects.is_empty() {
                let rows: Vec<Vec<String>> = case
                    .suspects
                    .iter()
                    .map(|s| vec![e(&s.initials), e(&s.other_victims.join(", "))])
                    .collect();
                body.push_str("<h2>Suspects</h2>");
                body.push_str(&table(
                    "Suspects and their other victims",
                    &[("Suspect", false), ("Other victims (cases)", false)],
                    &rows,
                ));
            }
        } else {
            body.push_str(&message(
                "notice",
                "This case is not on this week's agenda: below is what the register holds.",
            ));
        }
        if let Some(h) = &history {
            let hearings: Vec<Vec<String>> = h
                .hearings
                .iter()
                .map(|x| {
                    vec![
                        x.date.to_string(),
                        e(&x.meeting_ref),
                        e(if x.heard { "heard" } else { "deferred" }),
                        level(&x.level),
                        x.score.to_string(),
                        e(if x.repeat_marac { "yes" } else { "no" }),
                        if v.full_view() {
                            e(x.note.as_deref().unwrap_or(""))
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect();
            body.push_str("<h2>Hearings</h2>");
            if hearings.is_empty() {
                body.push_str("<p>Never heard at a MARAC.</p>");
            } else {
                body.push_str(&table(
                    "Hearings",
                    &[
                        ("Date", false),
                        ("Meeting", false),
                        ("Outcome", false),
                        ("Level", false),
                        ("Score", true),
                        ("Repeat MARAC", false),
                        ("Note", false),
                    ],
                    &hearings,
                ));
            }
            let actions: Vec<&ActionRow> = h
                .actions
                .iter()
                .filter(|a| v.sees_action(&a.owner))
                .collect();
            body.push_str("<h2>Actions</h2>");
            if actions.is_empty() {
                body.push_str("<p>No actions you can see.</p>");
            } else {
                body.push_str(&action_table("Actions on this case", &actions, c.today()));
            }
        }
        let title = format!("Case {case_ref}");
        Ok(html(
            StatusCode::OK,
            layout(&title, Some(v), Nav::None, &body),
        ))
    })
    .await
}

fn status_text(a: &ActionRow, today: NaiveDate) -> String {
    match (a.status, a.reason) {
        (ActionStatus::Open, _) if a.is_overdue(today) => "open, overdue".into(),
        (ActionStatus::Cancelled, Some(IncompleteReason::CircumstancesChanged)) => {
            "not completed: circumstances changed".into()
        }
        (ActionStatus::Cancelled, Some(IncompleteReason::AgencyDidNotAct)) => {
            "not completed: agency did not act".into()
        }
        (s, _) => s.as_str().replace('_', " "),
    }
}

fn action_table(caption: &str, actions: &[&ActionRow], today: NaiveDate) -> String {
    let rows: Vec<Vec<String>> = actions
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                case_link(&a.case_ref),
                e(&a.owner),
                e(&a.text),
                a.due.to_string(),
                e(&status_text(a, today)),
                e(a.note.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    table(
        caption,
        &[
            ("Action", true),
            ("Case", false),
            ("Owner", false),
            ("What", false),
            ("Due", false),
            ("Status", false),
            ("Note", false),
        ],
        &rows,
    )
}

// ---------------------------------------------------------------- meetings

async fn meetings_page(
    State(c): Shared,
    headers: HeaderMap,
    Query(q): Query<DoneQuery>,
) -> Response {
    page(c, headers, move |c, v| {
        need(v.prepares_meetings(), MEETINGS_ONLY)?;
        let reg = c.register(&v.name)?;
        let mut body = done_message(&q);
        let drafts = reg.drafts()?;
        body.push_str("<h2>Open meetings</h2>");
        if drafts.is_empty() {
            body.push_str("<p>No meeting is open.</p>");
        } else {
            let rows: Vec<Vec<String>> = drafts
                .iter()
                .map(|d| {
                    vec![
                        format!(
                            "<a href=\"/meetings/{}\">{}</a>",
                            e(&url_segment(&d.meeting_ref)),
                            e(&d.meeting_ref)
                        ),
                        e(&d.bcu),
                        d.date.to_string(),
                        d.as_of.to_string(),
                        e(&d.opened_by),
                    ]
                })
                .collect();
            body.push_str(&table(
                "Open meetings",
                &[("Meeting", false), ("BCU", false), ("Date", false), ("Scan of", false), ("Opened by", false)],
                &rows,
            ));
        }
        if let Some(w) = c.week() {
            let options: String = w
                .bcus()
                .iter()
                .map(|b| format!("<option value=\"{}\">{}</option>", e(b), e(b)))
                .collect();
            body.push_str(&format!(
                "<h2>Open a meeting</h2><form method=\"post\" action=\"/meetings\">{csrf}\
                 <label for=\"bcu\">BCU</label><select id=\"bcu\" name=\"bcu\" required>{options}</select>\
                 <label for=\"date\">Meeting date</label><input type=\"date\" id=\"date\" name=\"date\" value=\"{today}\" required>\
                 <label for=\"chair\">Chair</label><input type=\"text\" id=\"chair\" name=\"chair\" value=\"{chair}\">\
                 <p class=\"hint\">The agenda comes from the scan of {as_of}.</p>\
                 <p><button type=\"submit\">Open the meeting</button></p></form>",
                csrf = csrf_field(v),
                today = c.today(),
                chair = e(c.settings.chair.as_deref().unwrap_or(&v.name)),
                as_of = w.as_of
            ));
        } else {
            body.push_str(&message("notice", "The week is still being read: meetings can be opened once it is scanned."));
        }
        let recorded = reg.meetings(None)?;
        body.push_str("<h2>Recorded meetings</h2>");
        let rows: Vec<Vec<String>> = recorded
            .iter()
            .take(100)
            .map(|m| {
                vec![
                    e(&m.meeting_ref),
                    e(&m.bcu),
                    m.date.to_string(),
                    e(m.chair.as_deref().unwrap_or("")),
                    m.heard.to_string(),
                    m.deferred.to_string(),
                    m.actions.to_string(),
                ]
            })
            .collect();
        if rows.is_empty() {
            body.push_str("<p>None yet.</p>");
        } else {
            body.push_str(&table(
                "Recorded meetings, newest first (the last 100)",
                &[
                    ("Meeting", false),
                    ("BCU", false),
                    ("Date", false),
                    ("Chair", false),
                    ("Heard", true),
                    ("Deferred", true),
                    ("Actions", true),
                ],
                &rows,
            ));
        }
        Ok(html(StatusCode::OK, layout("Meetings", Some(v), Nav::Meetings, &body)))
    })
    .await
}

async fn open_meeting(State(c): Shared, headers: HeaderMap, f: FormData) -> Response {
    write(c, headers, f, |c, v, f| {
        need(v.prepares_meetings(), MEETINGS_ONLY)?;
        let w = week_status(c)?;
        let bcu = f.get("bcu").trim();
        if !w.bcus().contains(&bcu) {
            return Err(Fail::Bad("Choose a BCU from the list.".into()));
        }
        let date = NaiveDate::parse_from_str(f.get("date").trim(), "%Y-%m-%d")
            .map_err(|_| Fail::Bad("The meeting date must be a date (YYYY-MM-DD).".into()))?;
        let chair = Some(f.get("chair").trim()).filter(|s| !s.is_empty());
        let code = w.bcu_code(bcu);
        let mut reg = c.register(&v.name)?;
        let pack = {
            // The agencies of the BCU's records are the likely attendees.
            let p = w.packs.get(bcu);
            p.map(|p| p.figures.by_source.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let state = DraftState {
            attended: pack,
            ..DraftState::default()
        };
        let d = reg.open_draft(bcu, Some(&code), date, w.as_of, chair, &state.to_json())?;
        Ok(see_other(&format!(
            "/meetings/{}?done=opened",
            url_segment(&d.meeting_ref)
        )))
    })
    .await
}

async fn meeting_page(
    State(c): Shared,
    headers: HeaderMap,
    Path(mref): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    page(c, headers, move |c, v| {
        need(v.prepares_meetings(), MEETINGS_ONLY)?;
        let reg = c.register(&v.name)?;
        let Some(draft) = reg.draft(&mref)? else {
            // A recorded meeting: its summary.
            let m = reg
                .meetings(None)?
                .into_iter()
                .find(|m| m.meeting_ref == mref)
                .ok_or_else(|| Fail::NotFound("There is no such meeting.".to_string()))?;
            let mut body = done_message(&q);
            body.push_str(&format!(
                "<p>Recorded {}: {} case{} heard, {} deferred, {} action{} agreed. Chair: {}.</p>\
                 <p><a href=\"/actions\">The actions</a> · <a href=\"/meetings\">All meetings</a></p>",
                e(&m.recorded_at),
                m.heard,
                if m.heard == 1 { "" } else { "s" },
                m.deferred,
                m.actions,
                if m.actions == 1 { "" } else { "s" },
                e(m.chair.as_deref().unwrap_or("not named"))
            ));
            let title = format!("Meeting {mref}");
            return Ok(html(StatusCode::OK, layout(&title, Some(v), Nav::Meetings, &body)));
        };
        let w = week_status(c)?;
        let state = DraftState::parse(&draft.state);
        let pack = w.meeting_pack(&draft.meeting_ref, &draft.bcu, draft.date, draft.chair.as_deref());
        let mut body = done_message(&q);
        if w.as_of != draft.as_of {
            body.push_str(&message(
                "error",
                &format!(
                    "This meeting was opened on the scan of {}; the console now holds the scan of {}. Discard it and open it again to hear this week's agenda.",
                    draft.as_of, w.as_of
                ),
            ));
        }
        let base = format!("/meetings/{}", url_segment(&draft.meeting_ref));
        let version = format!("<input type=\"hidden\" name=\"version\" value=\"{}\">", draft.version);
        body.push_str(&format!(
            "<p>{} on {}, agenda from the scan of {}. Chair: {}. Opened by {}.</p>",
            e(&draft.bcu),
            draft.date,
            draft.as_of,
            e(draft.chair.as_deref().unwrap_or("not named")),
            e(&draft.opened_by)
        ));
        // Attendance.
        body.push_str(&format!(
            "<h2>Attendance</h2><form method=\"post\" action=\"{base}/attendance\">{}{version}\
             <label for=\"attended\">Agencies attending</label><p class=\"hint\" id=\"attended-hint\">One per line.</p>\
             <textarea id=\"attended\" name=\"attended\" aria-describedby=\"attended-hint\">{}</textarea>\
             <label for=\"apologies\">Apologies</label><textarea id=\"apologies\" name=\"apologies\">{}</textarea>\
             <p><input type=\"checkbox\" id=\"confidentiality\" name=\"confidentiality\" value=\"yes\"{}>\
             <label class=\"choice\" for=\"confidentiality\">Every attendee signed the confidentiality statement</label></p>\
             <p><button type=\"submit\">Save attendance</button></p></form>",
            csrf_field(v),
            e(&state.attended.join("\n")),
            e(&state.apologies.join("\n")),
            if state.confidentiality_signed { " checked" } else { "" }
        ));
        // Cases.
        body.push_str(&format!("<h2>Cases ({})</h2>", pack.cases.len()));
        for (n, case) in pack.cases.iter().enumerate() {
            let d = state.cases.get(&case.case_ref).cloned().unwrap_or_default();
            let id = format!("c{n}");
            body.push_str(&format!(
                "<section class=\"case\" aria-labelledby=\"{id}-h\"><h3 id=\"{id}-h\">{}. {} – {}, {} (score {})</h3>",
                n + 1,
                case_link(&case.case_ref),
                e(section_label(case.section)),
                level(&case.level),
                case.score
            ));
            body.push_str(&format!(
                "<p>{} · {}</p>",
                tags(&case.flags),
                e(&case.reasons.iter().map(|r| format!("{} {}", r.factor.replace('_', " "), r.points)).collect::<Vec<_>>().join(", "))
            ));
            let checked = |want: Option<bool>| if d.heard == want { " checked" } else { "" };
            body.push_str(&format!(
                "<form method=\"post\" action=\"{base}/cases/{}\">{}{version}\
                 <fieldset><legend>Outcome for {}</legend>\
                 <input type=\"radio\" id=\"{id}-heard\" name=\"heard\" value=\"heard\"{}><label class=\"choice\" for=\"{id}-heard\">Heard</label>\
                 <input type=\"radio\" id=\"{id}-deferred\" name=\"heard\" value=\"deferred\"{}><label class=\"choice\" for=\"{id}-deferred\">Deferred</label>\
                 <input type=\"radio\" id=\"{id}-none\" name=\"heard\" value=\"\"{}><label class=\"choice\" for=\"{id}-none\">Not decided</label>\
                 </fieldset>\
                 <label for=\"{id}-note\">Decision</label><textarea id=\"{id}-note\" name=\"note\">{}</textarea>",
                e(&url_segment(&case.case_ref)),
                csrf_field(v),
                e(&case.case_ref),
                checked(Some(true)),
                checked(Some(false)),
                checked(None),
                e(&d.note)
            ));
            if !d.actions.is_empty() {
                body.push_str("<h4>Actions agreed</h4><ul>");
                for (i, a) in d.actions.iter().enumerate() {
                    body.push_str(&format!(
                        "<li>{} – {} (due {}) <button type=\"submit\" class=\"secondary\" name=\"op\" value=\"remove:{i}\">Remove action {} of {}</button></li>",
                        e(&a.owner),
                        e(&a.text),
                        e(&a.due),
                        i + 1,
                        e(&case.case_ref)
                    ));
                }
                body.push_str("</ul>");
            }
            body.push_str(&format!(
                "<fieldset><legend>New action</legend>\
                 <label for=\"{id}-owner\">Owner agency</label><input type=\"text\" id=\"{id}-owner\" name=\"owner\">\
                 <label for=\"{id}-due\">Due</label><input type=\"date\" id=\"{id}-due\" name=\"due\" value=\"{}\">\
                 <label for=\"{id}-text\">What is to be done</label><textarea id=\"{id}-text\" name=\"text\"></textarea></fieldset>",
                case.review_date
            ));
            if !case.suggested_actions.is_empty() {
                body.push_str("<h4>Suggested actions</h4><ul>");
                for (i, s) in case.suggested_actions.iter().enumerate() {
                    body.push_str(&format!(
                        "<li>{} – {} (due {}) <button type=\"submit\" class=\"secondary\" name=\"op\" value=\"suggested:{i}\">Agree suggestion {} for {}</button></li>",
                        e(&s.owner),
                        e(&s.text),
                        s.due,
                        i + 1,
                        e(&case.case_ref)
                    ));
                }
                body.push_str("</ul>");
            }
            body.push_str(&format!(
                "<p><button type=\"submit\" name=\"op\" value=\"save\">Save {}</button></p></form></section>",
                e(&case.case_ref)
            ));
        }
        // Close.
        if v.is_chair() {
            let undecided = state.undecided(&pack);
            body.push_str("<h2>Close the meeting</h2>");
            if !undecided.is_empty() {
                body.push_str(&message(
                    "notice",
                    &format!(
                        "{} case{} without an outcome will be recorded as heard with no actions (a review-only case without one is not recorded): {}.",
                        undecided.len(),
                        if undecided.len() == 1 { "" } else { "s" },
                        undecided.join(", ")
                    ),
                ));
            }
            body.push_str(&format!(
                "<form method=\"post\" action=\"{base}/close\">{}{version}\
                 <p><button type=\"submit\">Close and record the meeting</button></p></form>\
                 <form method=\"post\" action=\"{base}/discard\">{}{version}\
                 <p><button type=\"submit\" class=\"secondary\">Discard this meeting</button></p></form>",
                csrf_field(v),
                csrf_field(v)
            ));
        } else {
            body.push_str("<p>The chair closes the meeting.</p>");
        }
        let title = format!("Meeting {}", draft.meeting_ref);
        Ok(html(StatusCode::OK, layout(&title, Some(v), Nav::Meetings, &body)))
    })
    .await
}

fn form_version(f: &FormData) -> Result<i64, Fail> {
    f.get("version")
        .trim()
        .parse()
        .map_err(|_| Fail::Bad("The form has no version: reload the page.".into()))
}

/// Loads an open meeting for a change, applies `change` to its state, saves.
fn change_meeting<F>(
    c: &Console,
    v: &Viewer,
    mref: &str,
    f: &FormData,
    what: &str,
    change: F,
) -> Out
where
    F: FnOnce(&mut DraftState, &crate::Loaded, &marac_register::MeetingDraft) -> Result<(), Fail>,
{
    need(v.prepares_meetings(), MEETINGS_ONLY)?;
    let version = form_version(f)?;
    let mut reg = c.register(&v.name)?;
    let draft = reg
        .draft(mref)?
        .ok_or_else(|| Fail::NotFound("That meeting is not open.".to_string()))?;
    if draft.version != version {
        return Err(RegisterError::Conflict {
            what: format!(
                "meeting {mref} was changed by someone else (now version {})",
                draft.version
            ),
        }
        .into());
    }
    let w = week_status(c)?;
    let mut state = DraftState::parse(&draft.state);
    change(&mut state, &w, &draft)?;
    reg.save_draft(mref, version, &state.to_json(), what)?;
    Ok(see_other(&format!(
        "/meetings/{}?done=saved",
        url_segment(mref)
    )))
}

async fn meeting_attendance(
    State(c): Shared,
    headers: HeaderMap,
    Path(mref): Path<String>,
    f: FormData,
) -> Response {
    write(c, headers, f, move |c, v, f| {
        change_meeting(c, v, &mref, f, "attendance", |s, _, _| {
            s.attended = split_agencies(f.get("attended"));
            s.apologies = split_agencies(f.get("apologies"));
            s.confidentiality_signed = f.get("confidentiality") == "yes";
            Ok(())
        })
    })
    .await
}

async fn meeting_case(
    State(c): Shared,
    headers: HeaderMap,
    Path((mref, case_ref)): Path<(String, String)>,
    f: FormData,
) -> Response {
    write(c, headers, f, move |c, v, f| {
        let what = format!("case {case_ref}");
        change_meeting(c, v, &mref, f, &what, |s, w, draft| {
            let pack = w.meeting_pack(
                &draft.meeting_ref,
                &draft.bcu,
                draft.date,
                draft.chair.as_deref(),
            );
            let case = pack
                .cases
                .iter()
                .find(|x| x.case_ref == case_ref)
                .ok_or_else(|| {
                    Fail::NotFound("That case is not on this meeting's agenda.".to_string())
                })?;
            let d: &mut CaseDecision = s.cases.entry(case_ref.clone()).or_default();
            d.heard = match f.get("heard") {
                "heard" => Some(true),
                "deferred" => Some(false),
                _ => None,
            };
            d.note = f.get("note").trim().to_string();
            let op = f.get("op");
            let (owner, text, due) = (
                f.get("owner").trim(),
                f.get("text").trim(),
                f.get("due").trim(),
            );
            if let Some(i) = op
                .strip_prefix("suggested:")
                .and_then(|i| i.parse::<usize>().ok())
            {
                let sug = case
                    .suggested_actions
                    .get(i)
                    .ok_or_else(|| Fail::Bad("No such suggested action.".into()))?;
                d.actions.push(AgreedAction {
                    owner: sug.owner.clone(),
                    text: sug.text.clone(),
                    due: sug.due.to_string(),
                });
            } else if let Some(i) = op
                .strip_prefix("remove:")
                .and_then(|i| i.parse::<usize>().ok())
            {
                if i < d.actions.len() {
                    d.actions.remove(i);
                }
            }
            // A new action typed in is added with any button.
            if !owner.is_empty() || !text.is_empty() {
                if owner.is_empty() || text.is_empty() {
                    return Err(Fail::Bad(
                        "A new action needs an owner agency and what is to be done.".into(),
                    ));
                }
                let due = NaiveDate::parse_from_str(due, "%Y-%m-%d").map_err(|_| {
                    Fail::Bad("The action's due date must be a date (YYYY-MM-DD).".into())
                })?;
                d.actions.push(AgreedAction {
                    owner: owner.to_string(),
                    text: text.to_string(),
                    due: due.to_string(),
                });
            }
            Ok(())
        })
    })
    .await
}

async fn close_meeting(
    State(c): Shared,
    headers: HeaderMap,
    Path(mref): Path<String>,
    f: FormData,
) -> Response {
    write(c, headers, f, move |c, v, f| {
        need(v.is_chair(), "Only the chair closes a meeting.")?;
        let version = form_version(f)?;
        let mut reg = c.register(&v.name)?;
        let draft = reg
            .draft(&mref)?
            .ok_or_else(|| Fail::NotFound("That meeting is not open.".to_string()))?;
        let w = week_status(c)?;
        if w.as_of != draft.as_of {
            return Err(Fail::Bad(format!(
                "This meeting was opened on the scan of {}; the console now holds the scan of {}.",
                draft.as_of, w.as_of
            )));
        }
        let state = DraftState::parse(&draft.state);
        let pack = w.meeting_pack(
            &draft.meeting_ref,
            &draft.bcu,
            draft.date,
            draft.chair.as_deref(),
        );
        let full = state.apply(&pack);
        let json = serde_json::to_string(&full).map_err(|e| Fail::Internal(e.to_string()))?;
        reg.close_draft(&mref, version, &json, &state.info(draft.chair.as_deref()))?;
        w.forget_meeting(&mref);
        (c.write_packs)(&full, &redact(full.clone())).map_err(|e| {
            Fail::Internal(format!(
                "The meeting is recorded, but its packs could not be written: {e}"
            ))
        })?;
        Ok(see_other(&format!(
            "/meetings/{}?done=closed",
            url_segment(&mref)
        )))
    })
    .await
}

async fn discard_meeting(
    State(c): Shared,
    headers: HeaderMap,
    Path(mref): Path<String>,
    f: FormData,
) -> Response {
    write(c, headers, f, move |c, v, f| {
        need(v.is_chair(), "Only the chair discards a meeting.")?;
        let version = form_version(f)?;
        c.register(&v.name)?.discard_draft(&mref, version)?;
        if let Some(w) = c.week() {
            w.forget_meeting(&mref);
        }
        Ok(see_other("/meetings?done=discarded"))
    })
    .await
}

// ---------------------------------------------------------------- actions

async fn actions_page(
    State(c): Shared,
    headers: HeaderMap,
    Query(q): Query<DoneQuery>,
) -> Response {
    page(c, headers, move |c, v| {
        let reg = c.register(&v.name)?;
        let today = c.today();
        let show = q.show.as_deref().unwrap_or("open");
        const MAX_LISTED: usize = 500;
        // An agency user without the full view sees their agency's only,
        // whatever the form asks; the filtering is done by the register.
        let owner: Option<String> = if v.full_view() {
            q.agency.clone().filter(|x| !x.trim().is_empty())
        } else {
            Some(v.agency.clone().unwrap_or_default())
        };
        let filter = ActionFilter {
            bcu: q.bcu.clone().filter(|b| !b.trim().is_empty()),
            open_only: show != "all",
            overdue_at: (show == "overdue").then_some(today),
            owner: owner.clone(),
            limit: Some(MAX_LISTED),
            ..ActionFilter::default()
        };
        let visible: Vec<ActionRow> = reg.actions(&filter)?;
        let total = reg.count_actions(&filter)?;
        let mut body = done_message(&q);
        if !v.full_view() {
            body.push_str(&message(
                "notice",
                &format!(
                    "You see the actions of {} only.",
                    v.agency.as_deref().unwrap_or("your agency")
                ),
            ));
        }
        // Summaries by agency and by BCU, counted by the register.
        let counts = reg.open_action_counts(today, owner.as_deref())?;
        let mut by_agency: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        let mut by_bcu: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for n in &counts {
            for (map, key) in [(&mut by_agency, n.owner.as_str()), (&mut by_bcu, n.bcu.as_str())] {
                let x = map.entry(key).or_default();
                x.0 += n.open;
                x.1 += n.overdue;
            }
        }
        let sum = |m: &BTreeMap<&str, (u64, u64)>| -> Vec<Vec<String>> {
            m.iter()
                .map(|(k, (o, od))| vec![e(k), o.to_string(), od.to_string()])
                .collect()
        };
        body.push_str(&format!(
            "<form method=\"get\" action=\"/actions\"><fieldset><legend>Show</legend>\
             <label for=\"show\">Actions</label><select id=\"show\" name=\"show\">{}</select>\
             <label for=\"agency\">Owner agency</label><input type=\"text\" id=\"agency\" name=\"agency\" value=\"{}\">\
             <label for=\"fbcu\">BCU</label><input type=\"text\" id=\"fbcu\" name=\"bcu\" value=\"{}\">\
             <p><button type=\"submit\">Show</button></p></fieldset></form>",
            [("open", "open"), ("overdue", "open and overdue"), ("all", "all")]
                .iter()
                .map(|(k, l)| format!(
                    "<option value=\"{k}\"{}>{l}</option>",
                    if *k == show { " selected" } else { "" }
                ))
                .collect::<String>(),
            e(q.agency.as_deref().unwrap_or("")),
            e(q.bcu.as_deref().unwrap_or(""))
        ));
        body.push_str("<h2>Open and overdue</h2>");
        body.push_str(&table("By agency", &[("Agency", false), ("Open", true), ("Overdue", true)], &sum(&by_agency)));
        body.push_str(&table("By BCU", &[("BCU", false), ("Open", true), ("Overdue", true)], &sum(&by_bcu)));
        body.push_str(&format!("<h2>Actions ({total})</h2>"));
        if total > MAX_LISTED as u64 {
            body.push_str(&message(
                "notice",
                &format!("The first {MAX_LISTED} by due date are listed: choose an agency or a BCU to see the others."),
            ));
        }
        for a in visible.iter().take(MAX_LISTED) {
            let bcu = a.bcu.as_str();
            body.push_str(&format!(
                "<section class=\"case\" aria-labelledby=\"a{id}-h\"><h3 id=\"a{id}-h\">Action {id}: {} for {}</h3>\
                 <p>{} · {} · due {} · <strong>{}</strong>{}</p>",
                e(&a.owner),
                case_link(&a.case_ref),
                e(&a.text),
                e(bcu),
                a.due,
                e(&status_text(a, today)),
                a.note.as_deref().map(|n| format!(" · note: {}", e(n))).unwrap_or_default(),
                id = a.id
            ));
            let may_update = a.status == ActionStatus::Open
                && (v.prepares_meetings() || v.own_agency(&a.owner));
            if may_update {
                body.push_str(&format!(
                    "<form method=\"post\" action=\"/actions/{id}\">{}<input type=\"hidden\" name=\"version\" value=\"{}\">\
                     <label for=\"a{id}-outcome\">Outcome of action {id}</label>\
                     <select id=\"a{id}-outcome\" name=\"outcome\">\
                     <option value=\"done\">Done</option>\
                     <option value=\"circumstances_changed\">Not completed: circumstances changed</option>\
                     <option value=\"agency_did_not_act\">Not completed: agency did not act</option></select>\
                     <label for=\"a{id}-note\">Note</label><textarea id=\"a{id}-note\" name=\"note\"></textarea>\
                     <p><button type=\"submit\">Update action {id}</button></p></form>",
                    csrf_field(v),
                    a.version,
                    id = a.id
                ));
            }
            body.push_str("</section>");
        }
        Ok(html(StatusCode::OK, layout("Actions", Some(v), Nav::Actions, &body)))
    })
    .await
}

async fn update_action(
    State(c): Shared,
    headers: HeaderMap,
    Path(id): Path<i64>,
    f: FormData,
) -> Response {
    write(c, headers, f, move |c, v, f| {
        let mut reg = c.register(&v.name)?;
        let action = reg.action(id)?;
        if !(v.prepares_meetings() || v.own_agency(&action.owner)) {
            return Err(Fail::Forbidden(format!(
                "Action {id} belongs to another agency: only that agency, the coordinator or the chair can update it."
            )));
        }
        let version = form_version(f)?;
        let note = Some(f.get("note").trim().to_string()).filter(|n| !n.is_empty());
        let change = match f.get("outcome") {
            "done" => ActionChange::Done { note },
            r => ActionChange::NotCompleted {
                reason: IncompleteReason::parse(r)
                    .map_err(|_| Fail::Bad("Choose an outcome from the list.".into()))?,
                note,
            },
        };
        reg.update_action(id, version, change)?;
        Ok(see_other("/actions?done=action"))
    })
    .await
}

// ---------------------------------------------------------------- figures, audit, users

async fn figures_page(State(c): Shared, headers: HeaderMap) -> Response {
    page(c, headers, move |c, v| {
        let reg = c.register(&v.name)?;
        let to = c.today();
        let from = to - chrono::Duration::days(365);
        let st = reg.stats(None, from, to)?;
        let rows: Vec<Vec<String>> = st
            .bcus
            .iter()
            .map(|r| {
                vec![
                    e(&r.bcu),
                    r.cases_heard.to_string(),
                    r.repeat_cases.to_string(),
                    format!("{:.0} %", r.repeat_rate * 100.0),
                    r.disability_hate_cases.to_string(),
                    r.median_days_to_first_hearing
                        .map(|d| format!("{d:.0}"))
                        .unwrap_or_default(),
                    r.actions_overdue.to_string(),
                ]
            })
            .collect();
        let mut body = format!("<p>Meetings from {from} to {to}.</p>");
        body.push_str(&table(
            "Figures by BCU",
            &[
                ("BCU", false),
                ("Cases heard", true),
                ("Repeat MARAC", true),
                ("Repeat rate", true),
                ("Disability hate", true),
                ("Median days to first hearing", true),
                ("Actions overdue", true),
            ],
            &rows,
        ));
        body.push_str("<h2>Cases heard by month</h2><figure>");
        body.push_str(&marac_render::register::stats_svg(&st, None));
        body.push_str("<figcaption>Cases heard per month, all BCUs (the table above has the figures).</figcaption></figure>");
        Ok(html(StatusCode::OK, layout("Figures", Some(v), Nav::Figures, &body)))
    })
    .await
}

async fn audit_page(State(c): Shared, headers: HeaderMap) -> Response {
    page(c, headers, move |c, v| {
        need(v.is_chair(), "The audit trail is for the chair.")?;
        let reg = c.register(&v.name)?;
        let log = reg.audit_log()?;
        const SHOWN: usize = 1000;
        let rows: Vec<Vec<String>> = log
            .iter()
            .rev()
            .take(SHOWN)
            .map(|a| vec![a.id.to_string(), e(&a.at), e(&a.user), e(&a.command), e(&a.detail)])
            .collect();
        let body = format!(
            "<p>{} entries; the latest {} are shown, newest first. The full trail: <code>marac register audit</code>.</p>{}",
            log.len(),
            rows.len(),
            table(
                "Audit trail",
                &[("Entry", true), ("When (UTC)", false), ("Who", false), ("What", false), ("Detail", false)],
                &rows
            )
        );
        Ok(html(StatusCode::OK, layout("Audit", Some(v), Nav::Audit, &body)))
    })
    .await
}

async fn users_page(State(c): Shared, headers: HeaderMap, Query(q): Query<DoneQuery>) -> Response {
    page(c, headers, move |c, v| {
        need(v.is_chair(), "Users are managed by the chair.")?;
        let reg = c.register(&v.name)?;
        let mut body = done_message(&q);
        body.push_str("<p>New users and passwords: <code>marac register user add NAME --role chair|coordinator|agency [--agency NAME]</code> on the console's machine.</p>");
        for u in reg.users()? {
            let id = url_segment(&u.name);
            body.push_str(&format!(
                "<section class=\"case\" aria-labelledby=\"u-{id}\"><h2 id=\"u-{id}\">{}</h2><p>{}{} · {}{}</p>",
                e(&u.name),
                e(u.role.as_str()),
                u.agency.as_deref().map(|a| format!(", {}", e(a))).unwrap_or_default(),
                if u.granted { "full view granted" } else { "standard view" },
                u.locked_until.as_deref().map(|t| format!(" · locked until {}", e(t))).unwrap_or_default()
            ));
            body.push_str(&format!(
                "<form method=\"post\" action=\"/users/{id}\">{}",
                csrf_field(v)
            ));
            if u.role == UserRole::Agency {
                let (op, label) = if u.granted {
                    ("revoke", "Revoke the full view of")
                } else {
                    ("grant", "Grant the full view to")
                };
                body.push_str(&format!(
                    "<button type=\"submit\" name=\"op\" value=\"{op}\">{label} {}</button>",
                    e(&u.name)
                ));
            }
            if u.locked_until.is_some() {
                body.push_str(&format!(
                    "<button type=\"submit\" name=\"op\" value=\"unlock\">Unlock {}</button>",
                    e(&u.name)
                ));
            }
            body.push_str("</form></section>");
        }
        Ok(html(StatusCode::OK, layout("Users", Some(v), Nav::Users, &body)))
    })
    .await
}

async fn update_user(
    State(c): Shared,
    headers: HeaderMap,
    Path(name): Path<String>,
    f: FormData,
) -> Response {
    write(c, headers, f, move |c, v, f| {
        need(v.is_chair(), "Users are managed by the chair.")?;
        let mut reg = c.register(&v.name)?;
        match f.get("op") {
            "grant" => reg.set_granted(&name, true)?,
            "revoke" => reg.set_granted(&name, false)?,
            "unlock" => reg.unlock_user(&name)?,
            _ => return Err(Fail::Bad("Unknown change.".into())),
        }
        Ok(see_other("/users?done=user"))
    })
    .await
}
