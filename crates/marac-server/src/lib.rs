//! The MARAC meeting console (`marac serve`): a server-rendered web app for
//! chairs, coordinators and partner agencies over the same weekly pipeline
//! (`marac-pipeline`) and the same case register (`marac-register`) as the
//! command line.
//!
//! * Pages work without JavaScript and serve nothing from elsewhere: every
//!   page is HTML built here, every string escaped with
//!   `marac_render::escape::html`, one stylesheet embedded in the binary.
//! * Users, roles, sessions, lock-out and the audit trail live in the
//!   register; a session is a random token in an `HttpOnly`,
//!   `SameSite=Strict` cookie (`Secure` behind TLS), only its hash stored;
//!   every form carries the session's CSRF token; roles are enforced here,
//!   on the server, for every page and every write.
//! * Closing a meeting records it with [`marac_register::Register::close_draft`],
//!   the same write as `marac register record`, then writes the packs
//!   through the caller's [`WritePacks`].
//! * No personal data in logs or URLs: URLs hold case references, meeting
//!   references and action ids only; the log line of a request is its
//!   method, route pattern and status.
//!
//! Architecture invariant: no step of the weekly run is written here; the
//! week comes from [`marac_pipeline::Week::decide`] and
//! [`marac_pipeline::Packer`], files are read and written by the caller's
//! closures ([`LoadWeek`], [`WritePacks`]).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use chrono::NaiveDate;
use marac_agenda::Pack;
use marac_pipeline::Records;
use marac_register::{Register, RegisterError};

mod auth;
mod meeting;
mod pages;
mod routes;
mod week;

pub use week::Loaded;

/// Reads the week's records (inputs, linkage, referrals, risk settings) for
/// a scan date. Supplied by the front end that owns the files.
pub type LoadWeek = Box<dyn Fn(NaiveDate) -> Result<Records, String> + Send + Sync>;

/// Writes a recorded meeting's packs (full and redacted) and returns the
/// names of the files written. Supplied by the front end that owns the files.
pub type WritePacks = Box<dyn Fn(&Pack, &Pack) -> Result<Vec<String>, String> + Send + Sync>;

/// Receives one line per request (method, route pattern, status, time).
pub type RequestLog = Arc<dyn Fn(&str) + Send + Sync>;

/// How the console runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The case register.
    pub register: PathBuf,
    /// The secret behind case references.
    pub secret: Vec<u8>,
    /// A session unused this long ends.
    pub idle: chrono::Duration,
    /// Mark cookies `Secure` (the console is served over TLS by a proxy).
    pub secure_cookies: bool,
    /// The scan date of the week (default: today).
    pub as_of: Option<NaiveDate>,
    /// "Today" for overdue actions and default meeting dates (default: the
    /// system date; fixed in tests).
    pub today: Option<NaiveDate>,
    /// The chair's name printed on packs, unless the meeting names one.
    pub chair: Option<String>,
}

impl Settings {
    /// Settings with the defaults: 30 minutes idle, cookies not `Secure`.
    pub fn new(register: PathBuf, secret: Vec<u8>) -> Settings {
        Settings {
            register,
            secret,
            idle: chrono::Duration::minutes(30),
            secure_cookies: false,
            as_of: None,
            today: None,
            chair: None,
        }
    }
}

/// What can stop the console from starting or loading a week.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// The register refused or failed.
    #[error(transparent)]
    Register(#[from] RegisterError),
    /// The week's records could not be read.
    #[error("reading the week: {0}")]
    Load(String),
    /// The network.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Where the week stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeekStatus {
    /// Being read and scanned.
    Loading,
    /// Ready.
    Ready,
    /// Reading or scanning failed (the message names no person).
    Failed(String),
}

/// The console: settings, the week, and the callbacks that touch files.
pub struct Console {
    settings: Settings,
    load: LoadWeek,
    write_packs: WritePacks,
    week: RwLock<Option<Arc<Loaded>>>,
    status: Mutex<WeekStatus>,
    /// Serialises week loads (a rescan while one runs waits for it).
    loading: Mutex<()>,
}

impl Console {
    /// A console over a register; call [`Console::load_week`] (or let
    /// [`serve`] do it in the background) before the week's pages show cases.
    pub fn new(settings: Settings, load: LoadWeek, write_packs: WritePacks) -> Arc<Console> {
        Arc::new(Console {
            settings,
            load,
            write_packs,
            week: RwLock::new(None),
            status: Mutex::new(WeekStatus::Loading),
            loading: Mutex::new(()),
        })
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Today, for overdue actions and default dates.
    pub fn today(&self) -> NaiveDate {
        self.settings
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// The scan date of the week the console shows.
    pub fn as_of(&self) -> NaiveDate {
        self.settings.as_of.unwrap_or_else(|| self.today())
    }

    /// Opens the register as `user` (one connection per request: SQLite in
    /// WAL mode with a busy timeout serialises writers, readers never wait).
    pub fn register(&self, user: &str) -> Result<Register, RegisterError> {
        let mut reg = Register::open(&self.settings.register, user)?;
        reg.set_user(user);
        Ok(reg)
    }

    /// Reads, links and scans the week as `user` (saving the scan in the
    /// register) and makes it the one the pages show.
    pub fn load_week(&self, user: &str) -> Result<Arc<Loaded>, ConsoleError> {
        let _one = self.loading.lock().unwrap_or_else(|e| e.into_inner());
        *self.status.lock().unwrap_or_else(|e| e.into_inner()) = WeekStatus::Loading;
        let result = week::load(self, user);
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(loaded) => {
                let loaded = Arc::new(loaded);
                *self.week.write().unwrap_or_else(|e| e.into_inner()) = Some(loaded.clone());
                *status = WeekStatus::Ready;
                Ok(loaded)
            }
            Err(e) => {
                *status = WeekStatus::Failed(e.to_string());
                Err(e)
            }
        }
    }

    /// The week the pages show, once loaded.
    pub fn week(&self) -> Option<Arc<Loaded>> {
        self.week.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Where the week stands.
    pub fn status(&self) -> WeekStatus {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The console's routes, for [`serve`] and for tests (`tower::ServiceExt::oneshot`).
pub fn router(console: Arc<Console>) -> axum::Router {
    routes::router(console)
}

/// Serves the console on `listener` until Ctrl-C, loading the week in the
/// background first (pages say so while it loads). `log` receives one line
/// per request (method, route pattern, status; never a value).
pub async fn serve(
    console: Arc<Console>,
    listener: tokio::net::TcpListener,
    log: Option<RequestLog>,
) -> Result<(), ConsoleError> {
    let loader = console.clone();
    tokio::task::spawn_blocking(move || {
        let _ = loader.load_week("console");
    });
    let app = routes::with_log(router(console), log);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests;
