//! `broadside serve`: pages with the right types, live reload, errors shown
//! and recovered from, no file outside the build, and many clients at once.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::fixture::SiteTest;

struct Server {
    child: Child,
    url: String,
    built_into: std::path::PathBuf,
}

impl Drop for Server {
    /// Stops the server as a user does, so that it removes its build
    /// folder (a killed one cannot: the tests left hundreds in /tmp).
    fn drop(&mut self) {
        let terminated = cfg!(unix)
            && Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status()
                .is_ok_and(|s| s.success());
        if !terminated {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn serve(site: &SiteTest) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_broadside"))
        .args(["serve", "--port", "0"])
        .current_dir(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Serving the site at ")
        .and_then(|r| r.split(' ').next())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_string();
    // Where it built, or, when the first build failed, what to do.
    let second = lines.next().unwrap().unwrap();
    let built_into = second
        .strip_prefix("Built into ")
        .unwrap_or_default()
        .into();
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        url,
        built_into,
    }
}

fn site() -> SiteTest {
    SiteTest::new()
        .page("_index.md", "title = \"Home\"", "Welcome home.")
        .page("a.md", "title = \"A\"", "First version.")
        .page("b.md", "title = \"B\"", "[A](@/a.md)")
        .file(
            "themes/default/static/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
}

fn get(url: &str) -> (u16, String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut response = agent.get(url).call().unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    (status, content_type, body)
}

/// Reads server-sent events into a channel: (event name, data). Returns once
/// the stream has had time to connect, so an edit made next is not missed.
fn events(url: &str) -> mpsc::Receiver<(String, String)> {
    let (tx, rx) = mpsc::channel();
    let stream_url = format!("{url}__broadside/events");
    std::thread::spawn(move || {
        let response = ureq::get(&stream_url).call().unwrap();
        let reader = BufReader::new(response.into_body().into_reader());
        let (mut event, mut data) = (String::new(), Vec::new());
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if let Some(d) = line.strip_prefix("data:") {
                data.push(d.trim_start().to_string());
            } else if line.is_empty() && !event.is_empty() {
                if tx
                    .send((std::mem::take(&mut event), data.join("\n")))
                    .is_err()
                {
                    return;
                }
                data.clear();
            }
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    rx
}

fn next_event(rx: &mpsc::Receiver<(String, String)>, name: &str) -> String {
    loop {
        let (event, data) = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no {name} event"));
        if event == name {
            return data;
        }
    }
}

#[test]
fn serves_pages_and_assets_with_their_types() {
    let site = site();
    let server = serve(&site);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "binds to loopback: {}",
        server.url
    );
    let (status, content_type, body) = get(&format!("{}a/", server.url));
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/html; charset=utf-8")
    );
    assert!(body.contains("First version."));
    assert!(
        body.contains("/__broadside/events"),
        "the reload script is injected"
    );
    let css = crate::fixture::links(&body)
        .into_iter()
        .find(|l| l.ends_with(".css"))
        .unwrap();
    let (status, content_type, _) = get(&format!("{}{}", server.url, css.trim_start_matches('/')));
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/css; charset=utf-8")
    );
    assert_eq!(
        get(&format!("{}sitemap.xml", server.url)).1,
        "text/xml; charset=utf-8"
    );

    let (status, _, body) = get(&format!("{}a", server.url));
    assert_eq!(status, 301, "a folder without its slash redirects");
    assert!(body.is_empty());
    let (status, content_type, _) = get(&format!("{}nope/", server.url));
    assert_eq!(
        (status, content_type.as_str()),
        (404, "text/html; charset=utf-8")
    );

    let head = ureq::head(&format!("{}a/", server.url)).call().unwrap();
    assert_eq!(head.headers().get("cache-control").unwrap(), "no-store");
    // Links point at the preview, not at the configured base_url.
    assert!(get(&format!("{}b/", server.url)).2.contains("href=/a/"));
}

#[test]
fn edits_reload_pages_and_errors_show_then_clear() {
    let site = site();
    let server = serve(&site);
    let rx = events(&server.url);

    let site = site.page("a.md", "title = \"A\"", "Second version.");
    next_event(&rx, "reload");
    assert!(
        get(&format!("{}a/", server.url))
            .2
            .contains("Second version.")
    );

    let site = site.page("a.md", "title = \"A\"\nweight = heavy", "Broken version.");
    let report = next_event(&rx, "error-report");
    assert!(report.contains("content/a.md:3:"), "{report}");
    assert!(
        get(&format!("{}a/", server.url))
            .2
            .contains("Second version."),
        "the last good build stays"
    );

    let _site = site.page("a.md", "title = \"A\"", "Fixed version.");
    next_event(&rx, "ok");
    next_event(&rx, "reload");
    assert!(
        get(&format!("{}a/", server.url))
            .2
            .contains("Fixed version.")
    );
}

#[test]
fn a_changed_title_rerenders_the_pages_that_list_it() {
    let site = site();
    let server = serve(&site);
    let rx = events(&server.url);
    let _site = site.page("a.md", "title = \"A renamed\"", "First version.");
    next_event(&rx, "reload");
    assert!(
        get(&format!("{}b/", server.url)).2.contains("A renamed"),
        "the nav on other pages shows the new title"
    );
}

fn raw_get(url: &str, path: &str) -> String {
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    get_as_host(url, path, address)
}

fn get_as_host(url: &str, path: &str, host: &str) -> String {
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding)
/// must not read the preview through a visitor's browser.
#[test]
fn a_request_for_another_host_name_is_refused() {
    let site = site();
    let server = serve(&site);
    let port = server.url.trim_end_matches('/').rsplit(':').next().unwrap();
    let refused = get_as_host(&server.url, "/a/", &format!("evil.example:{port}"));
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    assert!(!refused.contains("First version"), "{refused}");
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let page = get_as_host(&server.url, "/a/", &host);
        assert!(page.starts_with("HTTP/1.1 200"), "{host}: {page}");
        assert!(page.contains("First version"), "{host}");
    }
}

#[test]
fn no_request_reaches_outside_the_build() {
    let site = site().file("secret.txt", "TOP SECRET");
    let server = serve(&site);
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        site.root().join("secret.txt"),
        server.built_into.join("leak.txt"),
    )
    .unwrap();
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/a/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        &format!("/{}", site.root().join("secret.txt").display()),
        "//etc/passwd",
        "/leak.txt",
    ] {
        let response = raw_get(&server.url, path);
        let status = response.split(' ').nth(1).unwrap_or_default();
        assert!(
            status == "400" || status == "404",
            "{path} answered {status}"
        );
        assert!(
            !response.contains("TOP SECRET") && !response.contains("root:"),
            "{path} leaked a file"
        );
    }
}

#[test]
fn two_hundred_concurrent_requests() {
    let site = site();
    let server = serve(&site);
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let url = format!("{}{}", server.url, ["", "a/", "b/", "sitemap.xml"][i % 4]);
            std::thread::spawn(move || get(&url).0)
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let failed: Vec<(usize, u16)> = statuses
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, s)| *s != 200)
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_or_terminate_stops_and_removes_the_build_folder() {
    for signal in ["-INT", "-TERM"] {
        let site = site();
        let mut server = serve(&site);
        assert!(server.built_into.is_dir());
        let status = Command::new("kill")
            .args([signal, &server.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = server.child.wait().unwrap();
        assert!(exit.success(), "{signal}: {exit:?}");
        assert!(
            !server.built_into.parent().unwrap().exists(),
            "{signal}: the temporary folder is gone"
        );
    }
}

#[test]
fn before_the_first_good_build_every_address_shows_the_error_and_waits() {
    let site = site().page("a.md", "title = \"A\"\nweight = heavy", "Broken.");
    let server = serve(&site);
    let (status, content_type, body) = get(&format!("{}a/", server.url));
    assert_eq!(
        (status, content_type.as_str()),
        (404, "text/html; charset=utf-8")
    );
    assert!(body.contains("The site has not built yet"), "{body}");
    assert!(
        body.contains("/__broadside/events"),
        "it reloads once built: {body}"
    );
    let rx = events(&server.url);
    assert!(next_event(&rx, "error-report").contains("content/a.md:3:"));

    let _site = site.page("a.md", "title = \"A\"", "Fixed.");
    next_event(&rx, "reload");
    assert!(get(&format!("{}a/", server.url)).2.contains("Fixed."));
}

#[test]
fn serving_a_folder_without_site_toml_is_refused() {
    let run = SiteTest::new().run(&["serve", "--root", "nowhere", "--port", "0"]);
    assert!(!run.output.status.success());
    assert!(
        run.stderr()
            .contains("there is no site.toml in nowhere: run this in your site's folder"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = site();
    site.run(&["serve", "--port", &port])
        .fails_with(&["--port 0"]);
}

/// Regression: the build reads every input, and the watcher took those reads
/// for edits, so each rebuild set off the next one forever.
#[test]
fn an_edit_rebuilds_once() {
    let site = site();
    let server = serve(&site);
    let rx = events(&server.url);
    let _site = site.page("a.md", "title = \"A\"", "Once.");
    next_event(&rx, "reload");
    let more: Vec<String> = std::iter::from_fn(|| rx.recv_timeout(Duration::from_secs(2)).ok())
        .map(|(event, _)| event)
        .filter(|event| event == "reload")
        .collect();
    assert!(
        more.is_empty(),
        "the build kept rebuilding: {} more reloads",
        more.len()
    );
}

#[test]
fn a_deleted_page_leaves_the_preview_and_its_listings() {
    let site = site().page("c.md", "title = \"Page C\"", "Soon gone.");
    let server = serve(&site);
    let rx = events(&server.url);
    assert_eq!(get(&format!("{}c/", server.url)).0, 200);
    std::fs::remove_file(site.root().join("content/c.md")).unwrap();
    next_event(&rx, "reload");
    assert_eq!(get(&format!("{}c/", server.url)).0, 404);
    assert!(!get(&format!("{}a/", server.url)).2.contains("Page C"));
}

#[test]
fn after_a_failed_rebuild_the_next_one_starts_from_the_files() {
    let site = site();
    let server = serve(&site);
    let rx = events(&server.url);
    // A draft is left out, so the link to it from b.md breaks the build.
    let site = site.page("a.md", "title = \"A\"\ndraft = true", "First version.");
    let report = next_event(&rx, "error-report");
    assert!(report.contains("content/b.md"), "{report}");
    // Once the link goes, the preview matches the files: no page a.
    let _site = site.page("b.md", "title = \"B\"", "No link.");
    next_event(&rx, "ok");
    next_event(&rx, "reload");
    assert_eq!(get(&format!("{}a/", server.url)).0, 404);
}

#[test]
fn a_heading_renamed_breaks_links_to_it_from_other_pages() {
    let site = site()
        .page("a.md", "title = \"A\"", "## Target\n\nText.")
        .page("b.md", "title = \"B\"", "[to the target](@/a.md#target)");
    let server = serve(&site);
    let rx = events(&server.url);
    let _site = site.page("a.md", "title = \"A\"", "## Renamed\n\nText.");
    let report = next_event(&rx, "error-report");
    assert!(
        report.contains("content/b.md") && report.contains("#target"),
        "{report}"
    );
}
