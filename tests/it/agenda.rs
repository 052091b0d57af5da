//! `marac agenda`: packs per BCU, formats, redaction, and the HTML pack in a
//! real headless browser.

use std::path::Path;

use crate::util::{data, run};

fn agenda(extra: &[&str], key: &Path) -> crate::util::Run {
    let mut args = vec![
        "agenda",
        "scan/week.csv",
        "--as-of",
        "2026-11-20",
        "--meeting",
        "2026-11-27",
        "--persons",
        "scan/persons.csv",
        "--key",
        key.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn markdown_pack_of_one_bcu() {
    let dir = tempfile::tempdir().unwrap();
    let r = agenda(&["--bcu", "Central North BCU"], &dir.path().join("k"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(
        "**OFFICIAL-SENSITIVE**\n\n# Community MARAC: Central North BCU (CN), 2026-11-27\n"
    ));
    assert!(r.stdout.contains("Boroughs: Camden, Islington."));
    assert!(r.stdout.contains("## New referrals (1)"));
    assert!(
        r.stdout.contains("name Ann Lee"),
        "unredacted packs name the subject"
    );
    // The case reference is the keyed hash: CN- and 8 hex digits, stable for the same key.
    let refs: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("### Case "))
        .collect();
    assert_eq!(refs.len(), 1);
    assert!(
        refs[0].starts_with("CN-") && refs[0][3..11].chars().all(|c| c.is_ascii_hexdigit()),
        "{}",
        refs[0]
    );
    let again = agenda(&["--bcu", "cn"], &dir.path().join("k"));
    assert_eq!(
        again.stdout, r.stdout,
        "same key, same references, same bytes"
    );
    let other = agenda(&["--bcu", "cn"], &dir.path().join("k2"));
    assert_ne!(
        other.stdout, r.stdout,
        "another local secret gives other references"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let m = std::fs::metadata(dir.path().join("k"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(m & 0o777, 0o600, "the secret is owner-only");
    }
}

#[test]
fn all_bcus_write_one_json_pack_each() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("packs");
    let r = agenda(
        &[
            "--bcu",
            "all",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
        &dir.path().join("k"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        13,
        "12 Met BCUs and the City of London: {files:?}"
    );
    assert!(files.contains(&"marac-pack-CN-2026-11-27.json".to_string()));
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("marac-pack-CN-2026-11-27.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(v["schema"], "marac-pack/1");
    assert_eq!(v["meeting"]["bcu"], "Central North");
    assert_eq!(v["cases"][0]["section"], "new_referral");
    assert_eq!(v["cases"][0]["chronology"].as_array().unwrap().len(), 3);
    let r = agenda(&["--bcu", "all"], &dir.path().join("k"));
    assert_eq!(r.code, 2, "--bcu all needs --out");
}

#[test]
fn redacted_html_pack_holds_no_identifying_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    let r = agenda(
        &[
            "--bcu",
            "all",
            "--format",
            "html",
            "--redact",
            "--out",
            out.to_str().unwrap(),
        ],
        &dir.path().join("k"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let input = std::fs::read_to_string(data("scan/week.csv")).unwrap();
    let mut secrets = Vec::new();
    for line in input.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        // victim_ref, first, last, dob, suspect names, summary.
        for i in [5usize, 6, 7, 8, 9, 10] {
            if f.get(i).is_some_and(|s| s.len() > 2) {
                secrets.push(f[i].to_string());
            }
        }
        if let Some(s) = f.last().filter(|s| s.len() > 3) {
            secrets.push(s.trim_matches('"').to_string());
        }
    }
    assert!(secrets.iter().any(|s| s == "Lee"));
    for entry in std::fs::read_dir(&out).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "redacted pack contains {s:?}");
        }
    }
}

/// Hosts Chromium itself talks to (time, component updates, accounts) even
/// with background networking off: not requests of the page.
const BROWSER_HOSTS: &[&str] = &[
    "google.com",
    "googleapis.com",
    "gstatic.com",
    "googleusercontent.com",
];

/// A proxy that records the first line of every request it receives.
struct RecordingProxy {
    port: u16,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RecordingProxy {
    fn start() -> RecordingProxy {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (l2, s2) = (lines.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            // Bounded: stops when asked, or after 60 s whatever happens.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while !s2.load(std::sync::atomic::Ordering::SeqCst)
                && std::time::Instant::now() < deadline
            {
                match listener.accept() {
                    Ok((mut c, _)) => {
                        let _ = c.set_nonblocking(false);
                        let _ = c.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                        let mut buf = [0u8; 512];
                        let n = c.read(&mut buf).unwrap_or(0);
                        let first = String::from_utf8_lossy(&buf[..n])
                            .lines()
                            .next()
                            .unwrap_or("")
                            .to_string();
                        l2.lock().unwrap().push(first);
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
                }
            }
        });
        RecordingProxy {
            port,
            lines,
            stop,
            thread: Some(thread),
        }
    }

    /// Requests that were not Chromium's own background traffic.
    fn page_requests(mut self) -> Vec<String> {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let lines = self.lines.lock().unwrap().clone();
        lines
            .into_iter()
            .filter(|l| {
                let target = l.split_whitespace().nth(1).unwrap_or("");
                let host = target
                    .trim_start_matches("http://")
                    .trim_start_matches("https://")
                    .split(['/', ':'])
                    .next()
                    .unwrap_or("");
                !BROWSER_HOSTS
                    .iter()
                    .any(|h| host == *h || host.ends_with(&format!(".{h}")))
            })
            .collect()
    }
}

fn headless(
    browser: &Path,
    profile: &Path,
    port: u16,
    actions: &[&str],
    page: &Path,
) -> std::process::Output {
    std::process::Command::new(browser)
        .args(crate::browser::HEADLESS)
        .args([
            &format!("--user-data-dir={}", profile.display()),
            &format!("--proxy-server=http://127.0.0.1:{port}"),
            "--proxy-bypass-list=<-loopback>",
        ])
        .args(actions)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap()
}

/// Pixels of a screenshot by what they show.
#[derive(Debug, Default)]
struct MapPixels {
    /// The fill of the BCU's boroughs (#f6f1e1).
    borough: usize,
    /// The fill of neighbouring boroughs (#e2e2e2).
    neighbour: usize,
    /// Near black: outlines, text.
    dark: usize,
}

/// Counts a PNG's pixels by kind, and its distinct colours.
fn map_pixels(path: &Path) -> (MapPixels, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        other => panic!("screenshot colour type {other:?}"),
    };
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let mut counts = MapPixels::default();
    let mut colours = std::collections::BTreeSet::new();
    for px in buf[..info.buffer_size()].chunks(step) {
        let rgb = (px[0], px[1], px[2]);
        colours.insert(rgb);
        match rgb {
            (246, 241, 225) => counts.borough += 1,
            (226, 226, 226) => counts.neighbour += 1,
            (r, g, b) if r < 60 && g < 60 && b < 60 => counts.dark += 1,
            _ => {}
        }
    }
    (counts, colours.len())
}

/// The HTML pack opened by headless Chromium: it renders (PDF and DOM), the
/// map is drawn, and no request leaves the page: every request goes through
/// a proxy we run, and none but the browser's own background traffic
/// arrives. A control page with an external image proves the proxy sees
/// page requests.
#[test]
fn html_pack_renders_in_a_real_browser_without_requests() {
    let Some(browser) = crate::browser::chromium_or_skip("the HTML pack browser test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    let r = agenda(
        &[
            "--bcu",
            "CN",
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
        ],
        &dir.path().join("k"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = out.join("marac-pack-CN-2026-11-27.html");
    let profile = dir.path().join("profile");

    let proxy = RecordingProxy::start();
    let pdf = dir.path().join("pack.pdf");
    let printed = headless(
        &browser,
        &profile,
        proxy.port,
        &[&format!("--print-to-pdf={}", pdf.display())],
        &html,
    );
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        bytes.starts_with(b"%PDF") && bytes.len() > 5_000,
        "printed to PDF"
    );
    let dom = headless(&browser, &profile, proxy.port, &["--dump-dom"], &html);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<svg") && dom.contains("id=\"map\""),
        "the map is in the rendered page"
    );
    assert!(
        dom.contains("class=\"borough\""),
        "borough outlines are drawn"
    );
    assert!(dom.contains("class=\"borough-label\""), "and named");
    assert!(dom.contains("OFFICIAL-SENSITIVE"));
    // A screenshot of the whole pack (a window taller than the page; the
    // headless screenshot of the page opened at #map comes out white): the
    // map is drawn, not blank: the BCU's boroughs in their fill (a colour
    // nothing else in the pack has), the neighbours in grey, outlines,
    // names and the key in many shades.
    let shot = dir.path().join("map.png");
    let taken = headless(
        &browser,
        &profile,
        proxy.port,
        &[
            "--hide-scrollbars",
            "--window-size=1000,4000",
            &format!("--screenshot={}", shot.display()),
        ],
        &html,
    );
    assert!(
        taken.status.success(),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    let (pixels, distinct) = map_pixels(&shot);
    assert!(
        pixels.borough > 50_000,
        "the BCU's boroughs fill the screenshot: {} pixels",
        pixels.borough
    );
    assert!(
        pixels.neighbour > 20_000,
        "neighbours: {}",
        pixels.neighbour
    );
    assert!(pixels.dark > 2_000, "outlines and text: {}", pixels.dark);
    assert!(distinct > 50, "{distinct} colours");
    assert_eq!(
        proxy.page_requests(),
        Vec::<String>::new(),
        "requests left the page"
    );

    // Control: a page that does load an external image is seen.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><img src=\"http://marac-canary.example/x.png\">",
    )
    .unwrap();
    let proxy = RecordingProxy::start();
    let _ = headless(&browser, &profile, proxy.port, &["--dump-dom"], &control);
    let seen = proxy.page_requests();
    assert!(
        seen.iter().any(|l| l.contains("marac-canary.example")),
        "the proxy sees page requests: {seen:?}"
    );
}
