//! A headless Chromium driven over the DevTools protocol (CDP), for tests
//! that use a web page as a person would: open it, fill and submit its
//! forms, read what it shows, and check it with axe-core.
//!
//! One WebSocket to the browser endpoint (`tungstenite`, synchronous); each
//! [`Page`] is a tab attached with `flatten: true`, its commands carrying
//! the session id. Events are read only while a command waits for its
//! answer or a page waits for a load: page events are kept until waited
//! for, console errors are kept for [`Page::console_errors`].
//!
//! ```ignore
//! let Some(browser) = Browser::launch() else { return }; // no Chromium: skip
//! let page = browser.new_page();
//! page.goto("http://127.0.0.1:8080/");
//! page.fill("#name", "Ada");
//! page.click_and_wait("button[type=submit]"); // POST, 303, next page loaded
//! assert_eq!(page.text("h1"), "Saved");
//! assert_eq!(page.axe(), vec![]);
//! assert_eq!(page.console_errors(), Vec::<String>::new());
//! ```

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

/// Where Chromium is looked for, first found wins.
const CHROMIUM: &[&str] = &[
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
];

/// Chromium's flags for a test: headless, no sandbox (CI runs as root), and
/// none of its own background traffic. Add a fresh `--user-data-dir`.
pub const HEADLESS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
];

/// How long Chromium may take to start and print its DevTools address.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one protocol command may take (axe on a page is the slowest).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a navigation may take to reach the load event.
const LOAD_TIMEOUT: Duration = Duration::from_secs(15);

/// The axe-core script, vendored (see tests/assets/axe-core/README.md).
const AXE_JS: &str = include_str!("../assets/axe-core/axe.min.js");
/// The axe rules run: WCAG 2.0, 2.1 and 2.2, levels A and AA.
const AXE_TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// The Chromium executable, if one is installed.
pub fn chromium() -> Option<PathBuf> {
    CHROMIUM.iter().map(PathBuf::from).find(|p| p.exists())
}

/// True when the environment says a missing browser is a failure, not a
/// skip: CI installs Chromium and sets `MARAC_REQUIRE_BROWSER=1`.
fn browser_required() -> bool {
    std::env::var_os("MARAC_REQUIRE_BROWSER").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The Chromium executable for a test, or `None` (with a note on stderr)
/// when there is none and the test should pass as skipped. Panics when
/// there is none and `MARAC_REQUIRE_BROWSER` is set.
pub fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    if let Some(path) = chromium() {
        return Some(path);
    }
    assert!(
        !browser_required(),
        "MARAC_REQUIRE_BROWSER is set but no Chromium was found (looked for {CHROMIUM:?})"
    );
    eprintln!(
        "skipping {test}: no Chromium here (CI installs it and sets MARAC_REQUIRE_BROWSER=1)"
    );
    None
}

/// A headless Chromium with a fresh profile, killed (and its profile
/// removed) on drop.
pub struct Browser {
    child: Child,
    cdp: RefCell<Cdp>,
    // Dropped after the process has ended (fields drop after `drop`).
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts Chromium, or returns `None` (saying why on stderr) when none
    /// is installed, so the calling test passes as skipped; panics instead
    /// when `MARAC_REQUIRE_BROWSER` is set. Panics if Chromium is there but
    /// does not start.
    pub fn launch() -> Option<Browser> {
        let test = std::thread::current()
            .name()
            .map_or("this browser test".to_string(), |n| format!("test {n}"));
        let exe = chromium_or_skip(&test)?;
        Some(Browser::start(&exe))
    }

    fn start(exe: &std::path::Path) -> Browser {
        let profile = tempfile::Builder::new()
            .prefix("marac-chromium-")
            .tempdir()
            .expect("a temporary profile folder");
        let mut child = Command::new(exe)
            .args(HEADLESS)
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));

        // Chromium prints `DevTools listening on ws://…` on stderr. A thread
        // passes the lines on, then keeps draining the pipe so the browser
        // never blocks on a full one.
        let stderr = child.stderr.take().expect("piped stderr");
        let (lines, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let _ = lines.send(line);
            }
        });
        let deadline = Instant::now() + LAUNCH_TIMEOUT;
        let mut said = Vec::new();
        let endpoint = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => match line.split_once("DevTools listening on ") {
                    Some((_, url)) => break url.trim().to_string(),
                    None => said.push(line),
                },
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "Chromium printed no DevTools address ({}; waited up to {LAUNCH_TIMEOUT:?}); its stderr:\n{}",
                        match e {
                            std::sync::mpsc::RecvTimeoutError::Timeout => "timed out",
                            std::sync::mpsc::RecvTimeoutError::Disconnected => "it exited",
                        },
                        said.join("\n")
                    );
                }
            }
        };
        let cdp = Cdp::connect(&endpoint);
        Browser {
            child,
            cdp: RefCell::new(cdp),
            _profile: profile,
        }
    }

    /// Opens a new tab on `about:blank`, with the page, runtime and log
    /// events on (for loads and [`Page::console_errors`]).
    pub fn new_page(&self) -> Page<'_> {
        let mut cdp = self.cdp.borrow_mut();
        let target = cdp.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let target = target["targetId"].as_str().expect("targetId").to_string();
        let attached = cdp.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        );
        let session = attached["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_string();
        for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
            cdp.call(Some(&session), domain, json!({}));
        }
        Page {
            browser: self,
            session,
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Browser.close ends every Chromium process cleanly (so the profile
        // can go); the kill is for a browser that does not listen.
        if let Ok(mut cdp) = self.cdp.try_borrow_mut() {
            let close = json!({"id": 0, "method": "Browser.close"}).to_string();
            let _ = cdp.ws.send(Message::text(close));
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            match self.child.try_wait() {
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                _ => break,
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The DevTools connection: commands and their answers, events filed by
/// session.
struct Cdp {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// `Page.*` events not yet waited for, by session id.
    events: HashMap<String, VecDeque<Value>>,
    /// Console errors, exceptions and error log entries, by session id.
    errors: HashMap<String, Vec<String>>,
}

impl Cdp {
    fn connect(endpoint: &str) -> Cdp {
        let host = endpoint
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("not a DevTools address: {endpoint}"));
        let stream = TcpStream::connect(host)
            .unwrap_or_else(|e| panic!("cannot connect to Chromium at {endpoint}: {e}"));
        let _ = stream.set_nodelay(true);
        let (ws, _) = tungstenite::client(endpoint, stream)
            .unwrap_or_else(|e| panic!("no WebSocket with Chromium at {endpoint}: {e}"));
        Cdp {
            ws,
            next_id: 0,
            events: HashMap::new(),
            errors: HashMap::new(),
        }
    }

    /// Sends a command (to the browser, or to a page's session) and returns
    /// its result; panics on a protocol error or after [`CALL_TIMEOUT`].
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut command = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            command["sessionId"] = session.into();
        }
        self.ws
            .send(Message::text(command.to_string()))
            .unwrap_or_else(|e| panic!("sending {method} to Chromium: {e}"));
        let deadline = Instant::now() + CALL_TIMEOUT;
        loop {
            let Some(mut message) = self.read(deadline) else {
                panic!("Chromium did not answer {method} within {CALL_TIMEOUT:?}");
            };
            if message["id"] == id {
                if let Some(error) = message.get("error") {
                    panic!("{method} failed: {error}");
                }
                return message["result"].take();
            }
        }
    }

    /// Waits for an event of a session (`Page.*` only), taking it from
    /// those already read first; `None` at the deadline.
    fn wait_event(&mut self, session: &str, method: &str, deadline: Instant) -> Option<Value> {
        loop {
            if let Some(queue) = self.events.get_mut(session) {
                if let Some(i) = queue.iter().position(|e| e["method"] == method) {
                    return queue.remove(i);
                }
            }
            self.read(deadline)?;
        }
    }

    /// Reads one message (an answer or an event, events filed away), or
    /// `None` at the deadline.
    fn read(&mut self, deadline: Instant) -> Option<Value> {
        loop {
            let left = deadline
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())?;
            let _ = self.ws.get_mut().set_read_timeout(Some(left));
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    let message: Value = serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("Chromium sent no JSON ({e}): {text}"));
                    if message.get("id").is_none() {
                        self.file(&message);
                    }
                    return Some(message);
                }
                Ok(Message::Close(frame)) => {
                    panic!("Chromium closed the DevTools connection: {frame:?}")
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("the DevTools connection failed: {e}"),
            }
        }
    }

    /// Files an event: an error for [`Page::console_errors`], a page event
    /// for [`Cdp::wait_event`]; others are dropped.
    fn file(&mut self, event: &Value) {
        let session = event["sessionId"].as_str().unwrap_or("").to_string();
        if let Some(error) = console_error(event) {
            self.errors.entry(session.clone()).or_default().push(error);
        }
        let method = event["method"].as_str().unwrap_or("");
        if method.starts_with("Page.") {
            self.events
                .entry(session)
                .or_default()
                .push_back(event.clone());
        }
    }
}

/// The text of an event that reports an error in a page: `console.error`
/// (and failed `console.assert`), an uncaught exception, or an error entry
/// of the browser's log (a resource that failed to load, a Content Security
/// Policy violation, …).
fn console_error(event: &Value) -> Option<String> {
    let params = &event["params"];
    match event["method"].as_str()? {
        "Runtime.consoleAPICalled"
            if matches!(params["type"].as_str(), Some("error" | "assert")) =>
        {
            let args: Vec<String> = params["args"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|arg| match &arg["value"] {
                    Value::String(s) => s.clone(),
                    Value::Null => arg["description"]
                        .as_str()
                        .or(arg["type"].as_str())
                        .unwrap_or("?")
                        .to_string(),
                    other => other.to_string(),
                })
                .collect();
            Some(format!(
                "console.{}: {}",
                params["type"].as_str()?,
                args.join(" ")
            ))
        }
        "Runtime.exceptionThrown" => Some(exception_text(&params["exceptionDetails"])),
        "Log.entryAdded" if params["entry"]["level"] == "error" => {
            let entry = &params["entry"];
            let mut text = format!(
                "{}: {}",
                entry["source"].as_str().unwrap_or("log"),
                entry["text"].as_str().unwrap_or("")
            );
            if let Some(url) = entry["url"].as_str().filter(|u| !u.is_empty()) {
                text.push_str(&format!(" ({url})"));
            }
            Some(text)
        }
        _ => None,
    }
}

/// One line for a JavaScript exception: `Uncaught Error: boom (url:line)`.
fn exception_text(details: &Value) -> String {
    let text = details["text"].as_str().unwrap_or("exception");
    let description = details["exception"]["description"]
        .as_str()
        .and_then(|d| d.lines().next())
        .unwrap_or("");
    let mut line = if description.is_empty() || text.ends_with(description) {
        text.to_string()
    } else {
        format!("{text} {description}")
    };
    if let Some(url) = details["url"].as_str().filter(|u| !u.is_empty()) {
        let at = details["lineNumber"].as_u64().unwrap_or(0) + 1;
        line.push_str(&format!(" ({url}:{at})"));
    }
    line
}

/// A JavaScript string literal for `s`.
fn js_str(s: &str) -> String {
    Value::from(s).to_string()
}

/// One tab of a [`Browser`]. Every method panics with a message saying what
/// failed (no such element, a JavaScript exception, a page that does not
/// load in time), so tests read as a list of steps.
pub struct Page<'b> {
    browser: &'b Browser,
    session: String,
}

impl Page<'_> {
    fn call(&self, method: &str, params: Value) -> Value {
        self.browser
            .cdp
            .borrow_mut()
            .call(Some(&self.session), method, params)
    }

    /// Forgets the page events read so far, before starting a navigation.
    fn forget_events(&self) {
        if let Some(queue) = self.browser.cdp.borrow_mut().events.get_mut(&self.session) {
            queue.clear();
        }
    }

    /// Waits for the load event of the document a navigation brings.
    fn wait_for_load(&self, what: &str) {
        let deadline = Instant::now() + LOAD_TIMEOUT;
        let loaded = self.browser.cdp.borrow_mut().wait_event(
            &self.session,
            "Page.loadEventFired",
            deadline,
        );
        if loaded.is_none() {
            panic!(
                "{what}: no page loaded within {LOAD_TIMEOUT:?} (the tab is at {})",
                self.url()
            );
        }
    }

    /// Opens `url` and waits for its load event. Panics if it cannot be
    /// reached (connection refused, bad address) or does not load in time.
    /// An HTTP error status still loads (its page is shown); a change of
    /// fragment alone (`#x`) fires no load event, so times out.
    pub fn goto(&self, url: &str) {
        self.forget_events();
        let navigated = self.call("Page.navigate", json!({"url": url}));
        if let Some(error) = navigated["errorText"].as_str() {
            panic!("could not open {url}: {error}");
        }
        self.wait_for_load(&format!("opening {url}"));
    }

    /// Evaluates a JavaScript expression in the page and returns its value
    /// as JSON (`null` for `undefined`); a promise is awaited. Panics with
    /// the exception's text when it throws. Not subject to the page's
    /// Content Security Policy.
    pub fn eval(&self, js: &str) -> Value {
        let mut result = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(details) = result.get("exceptionDetails") {
            let shown: String = js.chars().take(300).collect();
            panic!("JavaScript threw: {}\nin: {shown}", exception_text(details));
        }
        result["result"]["value"].take()
    }

    /// Runs `body` (a function body) with `el`, the first element matching
    /// `selector`, and `arg`; throws if nothing matches.
    fn on_element(&self, selector: &str, body: &str, arg: Value) -> Value {
        self.eval(&format!(
            "((sel, arg) => {{ const el = document.querySelector(sel); \
             if (!el) throw new Error('no element matches ' + sel); {body} }})({}, {arg})",
            js_str(selector)
        ))
    }

    /// Types `value` into a text field or text area (replacing what was
    /// there), firing `input` and `change`.
    pub fn fill(&self, selector: &str, value: &str) {
        self.on_element(
            selector,
            "if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) \
               throw new Error(sel + ' is not a text field');
             el.focus(); el.value = arg;
             el.dispatchEvent(new Event('input', {bubbles: true}));
             el.dispatchEvent(new Event('change', {bubbles: true}));",
            value.into(),
        );
    }

    /// Chooses the option whose value is `value` in a `<select>`; panics if
    /// it has none.
    pub fn select(&self, selector: &str, value: &str) {
        self.on_element(
            selector,
            "if (!(el instanceof HTMLSelectElement)) throw new Error(sel + ' is not a select');
             if (![...el.options].some(o => o.value === arg))
               throw new Error(sel + ' has no option with value ' + arg);
             el.value = arg;
             el.dispatchEvent(new Event('input', {bubbles: true}));
             el.dispatchEvent(new Event('change', {bubbles: true}));",
            value.into(),
        );
    }

    /// Ticks (`true`) or clears a checkbox or radio button.
    pub fn check(&self, selector: &str, checked: bool) {
        self.on_element(
            selector,
            "if (!(el instanceof HTMLInputElement) || !['checkbox', 'radio'].includes(el.type))
               throw new Error(sel + ' is not a checkbox or radio button');
             if (el.checked !== arg) {
               el.checked = arg;
               el.dispatchEvent(new Event('input', {bubbles: true}));
               el.dispatchEvent(new Event('change', {bubbles: true}));
             }",
            checked.into(),
        );
    }

    /// Clicks an element (it must not be disabled). Does not wait for any
    /// navigation it starts: see [`Page::click_and_wait`].
    pub fn click(&self, selector: &str) {
        self.on_element(
            selector,
            "if (el.disabled) throw new Error(sel + ' is disabled');
             el.scrollIntoView({block: 'center'}); el.click();",
            Value::Null,
        );
    }

    /// Clicks a link or a submit button and waits for the next page to
    /// load, following redirects (a form POST answered with 303 lands on
    /// the page it points to). A form that the browser's own validation
    /// stops (an empty `required` field) loads nothing, so times out.
    pub fn click_and_wait(&self, selector: &str) {
        self.forget_events();
        self.click(selector);
        self.wait_for_load(&format!("after clicking {selector}"));
    }

    /// Emulates a window of `width` × `height` CSS pixels: a 1280-pixel
    /// screen at 200 % zoom is a 640-pixel-wide window.
    pub fn set_viewport(&self, width: u32, height: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
    }

    /// The address of the page shown.
    pub fn url(&self) -> String {
        self.eval("location.href")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The rendered text (`innerText`) of the first element matching
    /// `selector`.
    pub fn text(&self, selector: &str) -> String {
        let text = self.on_element(selector, "return el.innerText;", Value::Null);
        text.as_str().unwrap_or_default().to_string()
    }

    /// How many elements match `selector`.
    pub fn count(&self, selector: &str) -> usize {
        let n = self.eval(&format!(
            "document.querySelectorAll({}).length",
            js_str(selector)
        ));
        n.as_u64().expect("a count") as usize
    }

    /// The errors the page reported since the tab was opened (all its
    /// navigations): `console.error` calls, uncaught exceptions, and error
    /// entries of the browser's log, such as a Content Security Policy
    /// violation or a resource that failed to load, in the order they came.
    /// Chromium asks every site for `/favicon.ico`: a 404 there is one too.
    pub fn console_errors(&self) -> Vec<String> {
        // A round trip to the page, so its earlier events have been read.
        self.call(
            "Runtime.evaluate",
            json!({"expression": "0", "returnByValue": true}),
        );
        let cdp = self.browser.cdp.borrow();
        cdp.errors.get(&self.session).cloned().unwrap_or_default()
    }

    /// Checks the page with axe-core against WCAG 2.0/2.1/2.2 A and AA and
    /// returns the violations (none: an empty list). The script is injected
    /// through the protocol, so the page's Content Security Policy does not
    /// stop it.
    pub fn axe(&self) -> Vec<AxeViolation> {
        if self.eval("typeof window.axe") != "object" {
            // A newline first: the script ends with a line comment.
            self.eval(&format!("{AXE_JS}\n;0"));
        }
        let found = self.eval(&format!(
            "axe.run(document, {{runOnly: {{type: 'tag', values: {}}}, resultTypes: ['violations']}})
               .then(r => r.violations.map(v => ({{
                 id: v.id, impact: v.impact || '', help: v.help,
                 nodes: v.nodes.map(n => n.target.map(String).join(' '))
               }})))",
            json!(AXE_TAGS)
        ));
        serde_json::from_value(found).expect("axe violations")
    }

    /// The cookies the browser would send to the page's address.
    pub fn cookies(&self) -> Vec<Cookie> {
        let url = self.url();
        let mut found = self.call("Network.getCookies", json!({"urls": [url]}));
        serde_json::from_value(found["cookies"].take()).expect("cookies")
    }

    /// Sets a cookie for the page's address (host-only, path `/`), as if
    /// the site had set it.
    pub fn set_cookie(&self, name: &str, value: &str) {
        let url = self.url();
        self.call(
            "Network.setCookie",
            json!({"name": name, "value": value, "url": url, "path": "/"}),
        );
    }
}

/// A rule axe-core found broken, and where.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AxeViolation {
    /// The rule, e.g. `label`, `image-alt`, `color-contrast`.
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// What the rule asks for, in a sentence.
    pub help: String,
    /// A CSS selector for each element that breaks it.
    pub nodes: Vec<String>,
}

impl std::fmt::Display for AxeViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {} at {}",
            self.id,
            self.impact,
            self.help,
            self.nodes.join(", ")
        )
    }
}

/// A cookie as the browser keeps it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cookie {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: String,
    /// The path it is sent for.
    pub path: String,
    /// Hidden from the page's scripts.
    pub http_only: bool,
    /// Sent over HTTPS only.
    pub secure: bool,
    /// Kept only until the browser closes (no Expires or Max-Age).
    pub session: bool,
    /// `Strict`, `Lax` or `None`; absent when the site set none.
    #[serde(default)]
    pub same_site: Option<String>,
}

// ---------------------------------------------------------------------------
// The harness's own tests, against a tiny site served from this process.

/// The Content Security Policy the console under test sends.
const CSP: &str = "default-src 'self'";

/// A tiny HTTP/1.1 site on 127.0.0.1 (one thread per connection,
/// `Connection: close`), serving [`route`]; it records each request line.
struct Site {
    port: u16,
    requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Site {
    fn start() -> Site {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (log, stopped) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopped.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let log = log.clone();
                std::thread::spawn(move || serve(conn, &log));
            }
        });
        Site {
            port,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    /// The full address of a path on this site.
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The request lines received so far (`GET / HTTP/1.1`, …).
    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Answers one request on a connection, then closes it.
fn serve(mut conn: TcpStream, log: &std::sync::Mutex<Vec<String>>) {
    use std::io::{Read, Write};
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => return, // a connection opened ahead and never used
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let request_line = head.lines().next().unwrap_or("").to_string();
    log.lock().unwrap().push(request_line.clone());
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match conn.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).into_owned();
    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let (status, headers, content) = route(method, target, &body);
    let mut response = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str(&format!(
        "Content-Length: {}\r\n\r\n{content}",
        content.len()
    ));
    let _ = conn.write_all(response.as_bytes());
}

/// A page of the site, every one under [`CSP`].
fn html(title: &str, main: &str) -> (&'static str, Vec<(&'static str, String)>, String) {
    (
        "200 OK",
        vec![
            ("Content-Type", "text/html; charset=utf-8".into()),
            ("Content-Security-Policy", CSP.into()),
        ],
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
             <title>{title}</title></head>\n<body>\n\
             <header><p>Test site</p></header>\n<main>\n{main}\n</main>\n\
             <footer><p>Footer</p></footer>\n</body>\n</html>\n"
        ),
    )
}

/// The site's pages: status, headers and body for a request.
fn route(
    method: &str,
    target: &str,
    body: &str,
) -> (&'static str, Vec<(&'static str, String)>, String) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match (method, path) {
        // Well-formed: a language, a title, landmarks, labelled fields.
        ("GET", "/") => html(
            "New referral",
            "<h1>New referral</h1>\n\
             <form method=\"post\" action=\"/submit\">\n\
             <p><label for=\"name\">Name</label> <input id=\"name\" name=\"name\"></p>\n\
             <p><label for=\"area\">Area</label> <select id=\"area\" name=\"area\">\
             <option value=\"north\">North</option><option value=\"south\">South</option></select></p>\n\
             <p><input type=\"checkbox\" id=\"consent\" name=\"consent\" value=\"yes\"> \
             <label for=\"consent\">Consent given</label></p>\n\
             <p><button type=\"submit\" id=\"send\">Send</button></p>\n</form>",
        ),
        // The form's POST: a session cookie and a 303 to the result.
        ("POST", "/submit") => (
            "303 See Other",
            vec![
                ("Location", format!("/done?{body}")),
                (
                    "Set-Cookie",
                    "sid=s3cret; Path=/; HttpOnly; SameSite=Strict".into(),
                ),
            ],
            String::new(),
        ),
        ("GET", "/done") => html(
            "Referral saved",
            &format!(
                "<h1>Referral saved</h1>\n<p id=\"got\">{}</p>",
                query.replace('&', "&amp;").replace('<', "&lt;")
            ),
        ),
        // Two known violations: an input without a label, an image without
        // alt.
        ("GET", "/bad") => html(
            "Bad page",
            "<h1>Bad page</h1>\n<p><input id=\"nolabel\" name=\"q\"></p>\n\
             <p><img src=\"/logo.svg\" width=\"20\" height=\"20\"></p>",
        ),
        ("GET", "/logo.svg") => (
            "200 OK",
            vec![("Content-Type", "image/svg+xml".into())],
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"20\">\
             <rect width=\"20\" height=\"20\" fill=\"#036\"/></svg>"
                .into(),
        ),
        // A script that logs an error and throws; an inline script the CSP
        // blocks (it would rename the page).
        ("GET", "/throws") => html(
            "Throws",
            "<h1>Throws</h1>\n<script src=\"/throws.js\"></script>\n\
             <script>document.title = 'inline script ran';</script>",
        ),
        ("GET", "/throws.js") => (
            "200 OK",
            vec![("Content-Type", "text/javascript".into())],
            "console.error('console says no', 42);\nthrow new Error('boom from throws.js');\n".into(),
        ),
        // Browsers ask for it; a 404 would be a console error.
        ("GET", "/favicon.ico") => ("204 No Content", vec![], String::new()),
        _ => (
            "404 Not Found",
            vec![("Content-Type", "text/plain".into())],
            "not found".into(),
        ),
    }
}

/// Runs a test with a new page of a browser and the test site, or skips it
/// when there is no Chromium.
fn with_site(test: impl FnOnce(&Page, &Site)) {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let site = Site::start();
    test(&browser.new_page(), &site);
}

/// The message of the panic that `f` must raise.
fn panic_message(f: impl FnOnce()) -> String {
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("it panics");
    panic.downcast_ref::<String>().cloned().unwrap_or_default()
}

#[test]
fn fills_a_form_posts_it_and_lands_on_the_303_redirect() {
    with_site(|page, site| {
        page.goto(&site.url("/"));
        assert_eq!(page.text("h1"), "New referral");
        assert_eq!(page.count("form input, form select"), 3);
        page.fill("#name", "Ada Lovelace & Co");
        page.select("#area", "south");
        page.check("#consent", true);
        page.click_and_wait("#send");

        let sent = "name=Ada+Lovelace+%26+Co&area=south&consent=yes";
        assert_eq!(page.url(), site.url(&format!("/done?{sent}")));
        assert_eq!(page.text("h1"), "Referral saved");
        assert_eq!(page.text("#got"), sent);
        let requests = site.requests();
        assert!(
            requests.contains(&"POST /submit HTTP/1.1".to_string())
                && requests.contains(&format!("GET /done?{sent} HTTP/1.1")),
            "a POST, then a GET of the redirect: {requests:?}"
        );

        // The session cookie set with the 303, as the browser keeps it.
        let cookies = page.cookies();
        let sid = cookies
            .iter()
            .find(|c| c.name == "sid")
            .expect("sid cookie");
        assert_eq!(sid.value, "s3cret");
        assert_eq!(sid.path, "/");
        assert!(sid.http_only && !sid.secure && sid.session, "{sid:?}");
        assert_eq!(sid.same_site.as_deref(), Some("Strict"));
        // A cookie set by the test is seen by the page; the HttpOnly one is not.
        page.set_cookie("theme", "dark");
        assert_eq!(page.eval("document.cookie"), "theme=dark");
        assert_eq!(page.cookies().len(), 2);
        assert_eq!(page.console_errors(), Vec::<String>::new());
    });
}

#[test]
fn console_errors_collects_errors_exceptions_and_csp_violations() {
    with_site(|page, site| {
        page.goto(&site.url("/"));
        assert_eq!(page.console_errors(), Vec::<String>::new());
        page.goto(&site.url("/throws"));
        // The CSP blocked the inline script.
        assert_eq!(page.eval("document.title"), "Throws");
        let errors = page.console_errors();
        let has = |what: &str| errors.iter().any(|e| e.contains(what));
        assert!(has("console.error: console says no 42"), "{errors:#?}");
        assert!(has("Uncaught Error: boom from throws.js"), "{errors:#?}");
        assert!(has("throws.js:2"), "{errors:#?}");
        assert!(has("Content Security Policy"), "{errors:#?}");
        assert_eq!(errors.len(), 3, "{errors:#?}");

        // eval panics with the exception's text.
        let message = panic_message(|| {
            page.eval("no_such_thing.x");
        });
        assert!(
            message.contains("ReferenceError: no_such_thing is not defined"),
            "{message}"
        );
        // A page that cannot load says so (a port just freed: nothing listens).
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let message = panic_message(|| page.goto(&format!("http://127.0.0.1:{closed}/")));
        assert!(message.contains("ERR_CONNECTION_REFUSED"), "{message}");
    });
}

#[test]
fn axe_reports_a_missing_label_and_alt_despite_the_csp() {
    with_site(|page, site| {
        page.goto(&site.url("/bad"));
        // The page's CSP is in force: a script injected into the page does not run.
        assert_eq!(
            page.eval(
                "const s = document.createElement('script'); s.textContent = 'window.injected = 1'; \
                 document.head.append(s); typeof window.injected"
            ),
            "undefined"
        );
        let violations = page.axe();
        let ids: Vec<&str> = violations.iter().map(|v| v.id.as_str()).collect();
        assert!(ids.contains(&"label"), "{violations:#?}");
        assert!(ids.contains(&"image-alt"), "{violations:#?}");
        let label = violations.iter().find(|v| v.id == "label").unwrap();
        assert_eq!(label.nodes, vec!["#nolabel"]);
        assert_eq!(label.impact, "critical");
        let alt = violations.iter().find(|v| v.id == "image-alt").unwrap();
        assert_eq!(alt.nodes, vec!["img"]);
        assert!(
            alt.to_string().starts_with("image-alt (critical): "),
            "{alt}"
        );
    });
}

#[test]
fn axe_finds_nothing_on_well_formed_pages() {
    with_site(|page, site| {
        for path in ["/", "/done?name=Ada"] {
            page.goto(&site.url(path));
            let violations = page.axe();
            assert!(
                violations.is_empty(),
                "{path}:\n{}",
                violations
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        assert_eq!(page.console_errors(), Vec::<String>::new());
    });
}
