//! Page times of the meeting console (`marac serve`) over a register holding
//! a year of London (issue 16).
//!
//! Setup (not timed):
//!
//! 1. synthetic London incidents (`marac_synth::generate`, seed 1, ending
//!    2026-11-20), written as canonical CSV and read back through the ingest
//!    (as `marac serve` reads its inputs), linked with the default rules
//!    into [`marac_pipeline::Records`]. The linkage is done once, over every
//!    record, and every week's scan reads those records as of its date (the
//!    weekly run links each week's records anew, so its persons, and the
//!    register's merges and splits, change from week to week; here they do
//!    not);
//! 2. a register holding a year: for each of the 52 weeks before
//!    2026-11-20 (scan dates 2025-11-21 … 2026-11-13), the pipeline decides
//!    the week against the register (`Week::decide`), the scan is saved (the
//!    weekly run does), and each of the 12 Metropolitan Police BCUs records
//!    a meeting on the scan date from its pack (`Packer::pack`): every new
//!    and repeat case heard (one in twenty deferred), one or two actions
//!    each with an owner agency and a due date, review-only cases listed and
//!    not recorded. Before each week, actions that fell due in the week
//!    before are closed (done, not completed) or left open, and some
//!    actions agreed the week before are done early, so the tracker holds
//!    open, overdue and closed actions;
//! 3. users (chair, coordinator, two agency users), a console over that
//!    register with `as_of` and "today" 2026-11-20, `load_week` (timed
//!    once and printed), a meeting of this week opened and partly decided
//!    through the console's own forms, and signed-in sessions.
//!
//! The register is built once per size and kept in
//! `target/console-bench/` (delete the folder to build it again); every run
//! works on a copy.
//!
//! Timed: in-process requests through `marac_server::router` with a
//! signed-in session, the response body read in full.
//!
//! Without `MARAC_BENCH_CONSOLE=1` the bench runs on 20,000 incidents and 4
//! weeks, so that plain `cargo bench` stays fast; with it, on 500,000
//! incidents and 52 weeks (the first build of the register takes a while:
//! its progress is printed). `MARAC_BENCH_CONSOLE_INCIDENTS` and
//! `MARAC_BENCH_CONSOLE_WEEKS` override the sizes.
//!
//! `cargo bench --bench console`; figures in benches/README.md ("Meeting
//! console: page times").

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use http_body_util::BodyExt;
use marac_ingest::{IngestOptions, Ingester, InputFormat};
use marac_pipeline::{MeetingPlan, Packer, Records};
use marac_register::{
    ActionChange, ActionFilter, ActionStatus, IncompleteReason, MeetingInfo, Register, UserRole,
};
use marac_server::{Console, Settings};
use marac_synth::{generate, write_incidents_csv, SynthConfig};
use rayon::prelude::*;
use tower::ServiceExt;

const SECRET: &[u8] = b"console bench secret";
const PASSWORD: &str = "correct horse battery staple";
/// Bump when the way the register is built changes (a new cache file).
const BUILD_VERSION: u32 = 1;

fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// A stable draw in 0..100 from a key (FNV-1a, then a SplitMix64 finaliser).
fn draw(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (h ^ (h >> 31)) % 100
}

/// The week's records, read as `marac serve` reads them.
fn records(n: usize, log: &mut Vec<String>) -> Records {
    let t = Instant::now();
    let data = generate(&SynthConfig {
        seed: 1,
        incidents: n,
        end: end(),
    });
    let mut csv = Vec::new();
    write_incidents_csv(&mut csv, &data.incidents).expect("csv");
    drop(data);
    let generate_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut ing = Ingester::new(IngestOptions::default());
    ing.add_bytes("incidents.csv", &csv, InputFormat::Csv)
        .expect("ingest");
    let incidents = ing.finish().incidents;
    assert_eq!(incidents.len(), n, "every synthetic incident is accepted");
    let ingest_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mentions = marac_pipeline::link(&incidents, &marac_link::rules::Rules::default());
    say(
        log,
        format!(
            "{n} incidents ({} MB of CSV): generated in {generate_s:.1} s, ingested in {ingest_s:.1} s, linked in {:.1} s ({} mentions)",
            csv.len() / 1_000_000,
            t.elapsed().as_secs_f64(),
            mentions.len()
        ),
    );
    Records {
        incidents,
        mentions,
        areas: marac_geo::Areas::london(),
        referrals: Default::default(),
        config: Default::default(),
    }
}

/// The 12 Metropolitan Police BCUs (not the City of London's own).
fn met_bcus(records: &Records) -> Vec<String> {
    records
        .areas
        .bcus()
        .iter()
        .filter(|b| &*b.name != "City of London")
        .map(|b| b.name.to_string())
        .collect()
}

const OWNERS: &[(&str, u64)] = &[
    ("police", 30),
    ("housing", 22),
    ("adult-social-care", 14),
    ("council", 12),
    ("health", 8),
    ("children-social-care", 6),
    ("idva", 5),
    ("probation", 3),
];

const TEXTS: &[&str] = &[
    "Welfare visit within seven days and update the safety plan",
    "Check the tenancy and consider a management transfer",
    "Care Act assessment of needs",
    "Refer to the IDVA service and confirm contact",
    "Target-harden the property (locks, door, alarm)",
    "Flag the address for an urgent police response",
    "Convene an ASB case review",
    "Share the chronology with the GP and the mental health team",
];

fn owner_for(d: u64) -> &'static str {
    let mut acc = 0;
    for (o, w) in OWNERS {
        acc += w;
        if d < acc {
            return o;
        }
    }
    OWNERS[0].0
}

/// Fills in a meeting's decisions: new and repeat cases heard (one in
/// twenty deferred), one or two actions each; review-only cases left
/// without decisions (listed, not recorded).
fn decide_meeting(pack: &mut marac_agenda::Pack) {
    let date = pack.meeting.date;
    let week = date.to_string();
    for c in &mut pack.cases {
        if c.section == marac_agenda::Section::NoNewIncident {
            continue;
        }
        let d = draw(&[&c.case_ref, &week, "heard"]);
        if d < 5 {
            c.decisions = vec![serde_json::json!({"heard": false, "actions": []})];
            continue;
        }
        let days = match c.level.as_str() {
            "high" => 14,
            "medium" => 28,
            _ => 42,
        };
        let n = 1 + usize::from(draw(&[&c.case_ref, &week, "count"]) < 45);
        let actions: Vec<serde_json::Value> = (0..n)
            .map(|i| {
                let k = i.to_string();
                let owner = owner_for(draw(&[&c.case_ref, &week, "owner", &k]));
                let text = TEXTS[draw(&[&c.case_ref, &week, "text", &k]) as usize % TEXTS.len()];
                let due = date + chrono::Duration::days(days * (i as i64 + 1));
                serde_json::json!({"owner": owner, "text": text, "due": due.to_string()})
            })
            .collect();
        let mut entry = serde_json::json!({"heard": true, "actions": actions});
        if draw(&[&c.case_ref, &week, "note"]) < 30 {
            entry["note"] = "Safety plan agreed; review at the next meeting.".into();
        }
        c.decisions = vec![entry];
    }
}

/// Before the meeting of `date`: actions due in the week before are done
/// (58 %), not completed (8 % circumstances changed, 6 % agency did not
/// act) or left open (28 %, overdue from then on); of the actions agreed at
/// the meeting a week before, 12 % are done early. Returns the number closed.
fn close_actions(reg: &mut Register, date: NaiveDate) -> usize {
    let week_ago = date - chrono::Duration::days(7);
    let open = reg
        .actions(&ActionFilter {
            open_only: true,
            ..ActionFilter::default()
        })
        .expect("actions");
    let mut closed = 0;
    for a in open {
        let id = a.id.to_string();
        let agreed = a
            .meeting_ref
            .as_deref()
            .and_then(|m| m.get(m.len().saturating_sub(10)..))
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let change = if a.due <= date && a.due > week_ago {
            match draw(&[&id, "outcome"]) {
                0..58 => Some(ActionChange::Done { note: None }),
                58..66 => Some(ActionChange::NotCompleted {
                    reason: IncompleteReason::CircumstancesChanged,
                    note: Some("The victim moved out of the area.".into()),
                }),
                66..72 => Some(ActionChange::NotCompleted {
                    reason: IncompleteReason::AgencyDidNotAct,
                    note: None,
                }),
                _ => None,
            }
        } else if a.due > date && agreed == Some(week_ago) && draw(&[&id, "early"]) < 12 {
            Some(ActionChange::Done {
                note: Some("Done before the due date.".into()),
            })
        } else {
            None
        };
        if let Some(change) = change {
            reg.update_action(a.id, a.version, change).expect("close");
            closed += 1;
        }
    }
    closed
}

/// What the build found, kept beside the cached register.
#[derive(Default)]
struct BuildInfo {
    /// case reference → (hearings, actions) recorded.
    cases: BTreeMap<String, (u32, u32)>,
    /// Lines describing the build (times, sizes), printed on every run.
    log: Vec<String>,
}

impl BuildInfo {
    fn save(&self, dir: &Path) {
        let mut s = String::new();
        for (r, (h, a)) in &self.cases {
            s.push_str(&format!("{r}\t{h}\t{a}\n"));
        }
        std::fs::write(dir.join("cases.tsv"), s).expect("cases.tsv");
        std::fs::write(dir.join("build.log"), self.log.join("\n")).expect("build.log");
    }

    fn load(dir: &Path) -> Option<BuildInfo> {
        let cases = std::fs::read_to_string(dir.join("cases.tsv")).ok()?;
        let log = std::fs::read_to_string(dir.join("build.log")).ok()?;
        let mut info = BuildInfo::default();
        for line in cases.lines() {
            let mut f = line.split('\t');
            let (r, h, a) = (f.next()?, f.next()?, f.next()?);
            info.cases
                .insert(r.to_string(), (h.parse().ok()?, a.parse().ok()?));
        }
        info.log = log.lines().map(str::to_string).collect();
        Some(info)
    }
}

fn say(log: &mut Vec<String>, line: String) {
    eprintln!("console bench: {line}");
    log.push(line);
}

/// Builds the year's register at `path`.
fn build_register(records: &Records, path: &Path, weeks: usize) -> BuildInfo {
    let started = Instant::now();
    let mut info = BuildInfo::default();
    let mut reg = Register::init(path, "coordinator").expect("init");
    reg.add_user("chair", UserRole::Chair, None, PASSWORD)
        .expect("user");
    reg.add_user("coord", UserRole::Coordinator, None, PASSWORD)
        .expect("user");
    reg.add_user("housing", UserRole::Agency, Some("housing"), PASSWORD)
        .expect("user");
    reg.add_user("police", UserRole::Agency, Some("police"), PASSWORD)
        .expect("user");
    let bcus = met_bcus(records);
    let (mut t_decide, mut t_save, mut t_pack, mut t_record, mut t_close) =
        (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut closed_total = 0;
    for k in (1..=weeks).rev() {
        let as_of = end() - chrono::Duration::days(7 * k as i64);
        let week_started = Instant::now();
        let t = Instant::now();
        let closed = close_actions(&mut reg, as_of);
        closed_total += closed;
        let close_s = t.elapsed().as_secs_f64();
        let week = records.week(as_of);
        let t = Instant::now();
        let decisions = week.decide(Some(&mut reg), SECRET).expect("decide");
        let decide_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        decisions.save_scan(&mut reg, false).expect("save scan");
        let save_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let packer = Packer::new(
            &week,
            &decisions,
            MeetingPlan::on(as_of, Some("Chair".into())),
        );
        let mut packs: Vec<marac_agenda::Pack> = bcus.par_iter().map(|b| packer.pack(b)).collect();
        drop(packer);
        let pack_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let (mut on_agenda, mut heard, mut actions) = (0, 0, 0);
        for pack in &mut packs {
            decide_meeting(pack);
            let attended: Vec<String> = pack.figures.by_source.keys().cloned().collect();
            let json = serde_json::to_string(&*pack).expect("pack json");
            let s = reg
                .record_pack_with(
                    &json,
                    &MeetingInfo {
                        chair: Some("Chair".into()),
                        attended,
                        apologies: Vec::new(),
                        confidentiality_signed: true,
                    },
                )
                .expect("record");
            on_agenda += pack.cases.len();
            heard += s.heard;
            actions += s.actions;
            for c in &pack.cases {
                let Some(d) = c.decisions.first() else {
                    continue;
                };
                let e = info.cases.entry(c.case_ref.clone()).or_default();
                if d["heard"].as_bool() == Some(true) {
                    e.0 += 1;
                }
                e.1 += d["actions"].as_array().map_or(0, Vec::len) as u32;
            }
        }
        let record_s = t.elapsed().as_secs_f64();
        t_decide += decide_s;
        t_save += save_s;
        t_pack += pack_s;
        t_record += record_s;
        t_close += close_s;
        say(
            &mut info.log,
            format!(
                "week {as_of}: {} victims scanned, {} eligible, {on_agenda} on the 12 agendas, {heard} heard, {actions} actions; {closed} actions closed. decide {decide_s:.1} s, save scan {save_s:.1} s, packs {pack_s:.1} s, record {record_s:.1} s, close actions {close_s:.1} s, week {:.1} s",
                decisions.scan.persons.len(),
                decisions.sections.len(),
                week_started.elapsed().as_secs_f64()
            ),
        );
    }
    drop(reg);
    say(
        &mut info.log,
        format!(
            "register built in {:.0} s: decide {t_decide:.0} s, save scans {t_save:.0} s, packs {t_pack:.0} s, record meetings {t_record:.0} s, close {closed_total} actions {t_close:.0} s",
            started.elapsed().as_secs_f64()
        ),
    );
    info
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// A reply: status, headers and body.
struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Reply {
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .and_then(|c| c.split(';').next())
            .map(str::to_string)
    }

    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn field(&self, name: &str) -> String {
        let key = format!("name=\"{name}\" value=\"");
        let at = self.body.find(&key).expect("field");
        let rest = &self.body[at + key.len()..];
        rest[..rest.find('"').expect("quote")].to_string()
    }
}

struct Bench {
    _dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
    app: axum::Router,
}

impl Bench {
    fn send(&self, req: Request<Body>) -> Reply {
        self.rt.block_on(async {
            let resp = self.app.clone().oneshot(req).await.expect("response");
            let status = resp.status();
            let headers = resp.headers().clone();
            let bytes = resp.into_body().collect().await.expect("body").to_bytes();
            Reply {
                status,
                headers,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            }
        })
    }

    fn get(&self, path: &str, cookie: &str) -> Reply {
        let req = Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request");
        self.send(req)
    }

    fn post(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> Reply {
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .expect("request");
        self.send(req)
    }

    /// Signs in through the login form; the session cookie and CSRF token.
    fn login(&self, name: &str) -> (String, String) {
        let form = self.send(Request::get("/login").body(Body::empty()).expect("req"));
        let token = form.field("login_token");
        let r = self.post(
            "/login",
            &format!("marac_login={token}"),
            &[
                ("login_token", &token),
                ("name", name),
                ("password", PASSWORD),
            ],
        );
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login {name}");
        let cookie = r.cookie("marac_session").expect("session cookie");
        let page = self.get("/", &cookie);
        assert_eq!(page.status, StatusCode::OK);
        (cookie, page.field("csrf"))
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let full = std::env::var_os("MARAC_BENCH_CONSOLE").is_some();
    let n =
        env_usize("MARAC_BENCH_CONSOLE_INCIDENTS").unwrap_or(if full { 500_000 } else { 20_000 });
    let weeks = env_usize("MARAC_BENCH_CONSOLE_WEEKS").unwrap_or(if full { 52 } else { 4 });
    let mut log = Vec::new();

    let records = records(n, &mut log);

    // The year's register: built once per size, then copied.
    let cache = target_dir()
        .join("console-bench")
        .join(format!("n{n}-w{weeks}-v{BUILD_VERSION}"));
    let info = match BuildInfo::load(&cache).filter(|_| cache.join("marac.db").is_file()) {
        Some(info) => {
            say(
                &mut log,
                format!("using the register built before in {}", cache.display()),
            );
            for line in &info.log {
                eprintln!("console bench: (build) {line}");
            }
            info
        }
        None => {
            let _ = std::fs::remove_dir_all(&cache);
            let building = cache.with_extension("building");
            let _ = std::fs::remove_dir_all(&building);
            std::fs::create_dir_all(&building).expect("cache dir");
            let info = build_register(&records, &building.join("marac.db"), weeks);
            info.save(&building);
            std::fs::rename(&building, &cache).expect("cache");
            info
        }
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("marac.db");
    std::fs::copy(cache.join("marac.db"), &db).expect("copy register");

    // What the register holds.
    {
        let reg = Register::open(&db, "bench").expect("open");
        let meetings = reg.meetings(None).expect("meetings");
        let heard: i64 = meetings.iter().map(|m| m.heard).sum();
        let deferred: i64 = meetings.iter().map(|m| m.deferred).sum();
        let all = reg.actions(&ActionFilter::default()).expect("actions");
        let today = end();
        let open = all
            .iter()
            .filter(|a| a.status == ActionStatus::Open)
            .count();
        let overdue = all.iter().filter(|a| a.is_overdue(today)).count();
        let done = all
            .iter()
            .filter(|a| a.status == ActionStatus::Done)
            .count();
        let cancelled = all
            .iter()
            .filter(|a| a.status == ActionStatus::Cancelled)
            .count();
        let audit = reg.audit_log().expect("audit").len();
        let t = Instant::now();
        let cases = reg.cases(None).expect("cases");
        let cases_s = t.elapsed().as_secs_f64();
        let heard_cases = info.cases.values().filter(|(h, _)| *h > 0).count();
        say(
            &mut log,
            format!(
                "register: {} bytes; {} meetings, {heard} hearings heard + {deferred} deferred, {} cases ({heard_cases} heard at least once), {} actions ({open} open of which {overdue} overdue at {today}, {done} done, {cancelled} not completed), {audit} audit entries, {} weekly scans saved; Register::cases(None) took {cases_s:.2} s",
                file_size(&db),
                meetings.len(),
                cases.len(),
                all.len(),
                weeks
            ),
        );
    }

    // The console.
    let mut settings = Settings::new(db.clone(), SECRET.to_vec());
    settings.as_of = Some(end());
    settings.today = Some(end());
    settings.idle = chrono::Duration::days(1);
    settings.chair = Some("Chair".into());
    // The records were read and linked above: the console's loader hands
    // them over (once), so `load_week` times what follows the reading.
    let handed = std::sync::Mutex::new(Some(records));
    let console = Console::new(
        settings,
        Box::new(move |_| {
            handed
                .lock()
                .expect("records")
                .take()
                .ok_or_else(|| "the bench reads the records once".to_string())
        }),
        Box::new(|_, _| Ok(Vec::new())),
    );
    let t = Instant::now();
    let loaded = console.load_week("console").expect("load week");
    say(
        &mut log,
        format!(
            "load_week (records read and linked already: decide against the register, save the scan, 13 packs full and redacted): {:.2} s; {} victims scanned, {} eligible",
            t.elapsed().as_secs_f64(),
            loaded.decisions.scan.persons.len(),
            loaded.decisions.sections.len()
        ),
    );
    {
        let count = |s| {
            loaded
                .decisions
                .sections
                .values()
                .filter(|x| **x == s)
                .count()
        };
        let agendas: Vec<String> = loaded
            .packs
            .iter()
            .map(|(b, p)| format!("{} {}", loaded.bcu_code(b), p.cases.len()))
            .collect();
        say(
            &mut log,
            format!(
                "this week's sections: {} new referrals, {} repeat MARAC, {} review only; cases on each BCU's agenda: {}",
                count(marac_agenda::Section::NewReferral),
                count(marac_agenda::Section::RepeatCase),
                count(marac_agenda::Section::NoNewIncident),
                agendas.join(", ")
            ),
        );
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let b = Bench {
        _dir: dir,
        rt,
        app: marac_server::router(console.clone()),
    };
    let (chair, chair_csrf) = b.login("chair");
    let (housing, _) = b.login("housing");

    // The cases: the one with most hearings (then actions) in the
    // register, and a typical case on this week's agenda (the median
    // number of hearings among the agenda's cases heard before).
    let mut heavy = String::new();
    let mut most = (0, 0);
    for (r, &(h, a)) in &info.cases {
        if (h, a) > most {
            most = (h, a);
            heavy = r.clone();
        }
    }
    assert!(!heavy.is_empty(), "a case heard");
    let mut agenda: Vec<(u32, String)> = loaded
        .packs
        .values()
        .flat_map(|p| p.cases.iter())
        .filter_map(|c| {
            info.cases
                .get(&c.case_ref)
                .map(|(h, _)| (*h, c.case_ref.clone()))
        })
        .filter(|(h, _)| *h > 0)
        .collect();
    agenda.sort();
    let typical = agenda
        .get(agenda.len() / 2)
        .map(|(_, r)| r.clone())
        .unwrap_or_else(|| heavy.clone());
    for (what, r) in [("heavy", &heavy), ("typical", &typical)] {
        let (h, a) = info.cases[r];
        let on = loaded.case(r, false).is_some();
        say(
            &mut log,
            format!(
                "{what} case {r}: {h} hearings, {a} actions recorded; on this week's agenda: {on}"
            ),
        );
    }

    // A meeting of this week, opened and partly decided through the
    // console: the BCU with the longest agenda.
    let (bcu, pack) = loaded
        .packs
        .iter()
        .filter(|(b, _)| b.as_str() != "City of London")
        .max_by_key(|(_, p)| p.cases.len())
        .expect("a pack");
    let r = b.post(
        "/meetings",
        &chair,
        &[
            ("csrf", &chair_csrf),
            ("bcu", bcu),
            ("date", &end().to_string()),
            ("chair", "Chair"),
        ],
    );
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let meeting = r
        .location()
        .split('?')
        .next()
        .expect("location")
        .to_string();
    let t = Instant::now();
    let first = b.get(&meeting, &chair);
    assert_eq!(first.status, StatusCode::OK);
    say(
        &mut log,
        format!(
            "meeting {meeting} ({} cases on its agenda) opened; its page first shown in {:.0} ms (builds the meeting's pack)",
            pack.cases.len(),
            t.elapsed().as_secs_f64() * 1000.0
        ),
    );
    for (i, case) in pack.cases.iter().take(10).enumerate() {
        let version = (i + 1).to_string();
        let r = b.post(
            &format!("{meeting}/cases/{}", case.case_ref),
            &chair,
            &[
                ("csrf", &chair_csrf),
                ("version", &version),
                ("heard", "heard"),
                ("note", "Safety plan agreed."),
                ("owner", "housing"),
                ("due", &(end() + chrono::Duration::days(14)).to_string()),
                ("text", "Welfare visit within seven days"),
                ("op", "save"),
            ],
        );
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    drop(loaded);

    // Where a page's time goes: the register calls each page makes, timed
    // alone (best of three) on a connection of their own.
    {
        let best = |f: &mut dyn FnMut()| -> f64 {
            (0..3)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed().as_secs_f64() * 1000.0
                })
                .fold(f64::INFINITY, f64::min)
        };
        let token = chair
            .strip_prefix("marac_session=")
            .expect("token")
            .to_string();
        let open_ms = best(&mut || drop(Register::open(&db, "console").expect("open")));
        let mut reg = Register::open(&db, "console").expect("open");
        let session_ms = best(&mut || {
            reg.session(&token, chrono::Utc::now(), chrono::Duration::days(1))
                .expect("session")
                .expect("alive");
        });
        let heavy_ms = best(&mut || drop(reg.history(&heavy).expect("history")));
        let typical_ms = best(&mut || drop(reg.history(&typical).expect("history")));
        let open_actions_ms = best(&mut || {
            drop(
                reg.actions(&ActionFilter {
                    open_only: true,
                    ..ActionFilter::default()
                })
                .expect("actions"),
            )
        });
        let stats_ms = best(&mut || {
            drop(
                reg.stats(None, end() - chrono::Duration::days(365), end())
                    .expect("stats"),
            )
        });
        let audit_ms = best(&mut || drop(reg.audit_log().expect("audit")));
        say(
            &mut log,
            format!(
                "register calls (best of 3): Register::open {open_ms:.2} ms, session {session_ms:.2} ms; history(heavy) {heavy_ms:.1} ms, history(typical) {typical_ms:.1} ms; actions(open) {open_actions_ms:.1} ms; stats(year) {stats_ms:.1} ms; audit_log {audit_ms:.1} ms"
            ),
        );
    }

    let (chair, housing) = (chair.as_str(), housing.as_str());
    let pages: Vec<(&str, String, &str)> = vec![
        ("week", "/".into(), chair),
        ("case_many_hearings", format!("/cases/{heavy}"), chair),
        ("case_typical", format!("/cases/{typical}"), chair),
        ("actions_chair", "/actions".into(), chair),
        ("actions_agency", "/actions".into(), housing),
        ("meeting_open", meeting.clone(), chair),
        ("figures", "/figures".into(), chair),
        ("audit", "/audit".into(), chair),
    ];
    for (name, path, cookie) in &pages {
        let t = Instant::now();
        let r = b.get(path, cookie);
        assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
        say(
            &mut log,
            format!(
                "{name} {path}: {} bytes, one request {:.1} ms",
                r.body.len(),
                t.elapsed().as_secs_f64() * 1000.0
            ),
        );
    }

    let mut g = c.benchmark_group(format!("console_{n}"));
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for (name, path, cookie) in &pages {
        g.bench_function(*name, |bench| {
            bench.iter(|| {
                let r = b.get(path, cookie);
                assert_eq!(r.status, StatusCode::OK);
                r.body.len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
