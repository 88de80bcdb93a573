//! The preview server: serves a build of the site from a private temporary
//! folder, rebuilds on every change (re-rendering only what changed where it
//! can), and tells open pages to reload or show the error.

use std::collections::HashSet;
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::check::LinkChecker;
use crate::content::CONTENT_DIR;
use crate::diagnostic::{Diagnostics, Error, Result, render_diagnostics};
use crate::output::{Sink, Staging};
use crate::site::{BuildOptions, Prepared, Site};

/// Where live-reload events are served.
pub const EVENTS_PATH: &str = "/__broadside/events";

/// The script every previewed page gets: reload on change, swap stylesheets
/// on a CSS change, and show build errors over the page.
const RELOAD_SCRIPT: &str = r#"<script>(function(){
var es=new EventSource("/__broadside/events"),box;
function overlay(text){if(!box){box=document.createElement("div");box.setAttribute("role","alert");box.id="broadside-error";box.style.cssText="position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;background:#2b0b0b;color:#fff;font:14px/1.4 ui-monospace,monospace;padding:1rem;border-top:4px solid #ff6b6b;white-space:pre-wrap";document.body.appendChild(box);}box.textContent="Build failed: the preview shows the last good build.\n\n"+text;}
es.addEventListener("reload",function(){location.reload();});
es.addEventListener("error-report",function(e){overlay(e.data);});
es.addEventListener("ok",function(){if(box){box.remove();box=null;}});
es.addEventListener("css",function(){fetch(location.href,{cache:"no-store"}).then(function(r){return r.text();}).then(function(html){
var fresh=new DOMParser().parseFromString(html,"text/html").querySelectorAll("link[rel=stylesheet]");
var old=document.querySelectorAll("link[rel=stylesheet]");
fresh.forEach(function(l,i){if(old[i]){old[i].href=l.href;}else{document.head.appendChild(l);}});});});
})();</script>"#;

/// What the preview server was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
}

/// A running preview: the address, and the folder it serves (removed on drop).
pub struct Preview {
    pub address: SocketAddr,
    pub state: Arc<State>,
    server: Arc<Server>,
    _dir: tempfile::TempDir,
}

/// What the HTTP threads share with the rebuild loop.
pub struct State {
    /// The folder being served.
    pub output: PathBuf,
    /// Held for writing while a rebuild swaps the folder.
    swap: RwLock<()>,
    clients: Mutex<Vec<Sender<String>>>,
    /// The last build error, shown to pages that connect while it stands.
    error: Mutex<Option<String>>,
}

impl State {
    /// Whether a build has succeeded since the server started: every build
    /// marks its output, and a failed first one leaves the folder empty.
    fn has_built(&self) -> bool {
        self.output.join(crate::output::OUTPUT_MARK).exists()
    }

    fn broadcast(&self, event: &str, data: &str) {
        let message = sse_message(event, data);
        self.clients
            .lock()
            .expect("no panic holding the lock")
            .retain(|client| client.send(message.clone()).is_ok());
    }
}

fn sse_message(event: &str, data: &str) -> String {
    let mut message = format!("event: {event}\n");
    for line in data.lines() {
        message.push_str(&format!("data: {line}\n"));
    }
    if data.is_empty() {
        message.push_str("data:\n");
    }
    message.push('\n');
    message
}

/// The site as last built, kept to re-render single pages.
pub struct Session {
    site: Site,
    prepared: Prepared,
    /// What every output file links to and offers, to check a re-rendered
    /// page's links and the links of every other page into it.
    checker: LinkChecker<'static>,
}

impl Preview {
    /// Builds the site once and starts serving it. Fails on a port in use or a broken site.
    pub fn start(options: &ServeOptions) -> Result<(Preview, Option<Session>)> {
        let server = Server::http(SocketAddr::new(options.bind, options.port)).map_err(|e| {
            Error::Usage(format!(
                "cannot listen on {}:{}: {e}. Another program may be using the port: pick another with --port, or --port 0 for any free one",
                options.bind, options.port
            ))
        })?;
        let address = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| Error::Usage("the server has no IP address".into()))?;
        let dir = tempfile::Builder::new()
            .prefix("broadside-serve-")
            .tempdir()
            .map_err(|e| Error::io(&std::env::temp_dir(), e))?;
        let state = Arc::new(State {
            output: dir.path().join("site"),
            swap: RwLock::new(()),
            clients: Mutex::default(),
            error: Mutex::default(),
        });
        let preview = Preview {
            address,
            state,
            server: Arc::new(server),
            _dir: dir,
        };
        let session = match preview.full_build(options) {
            Ok(session) => Some(session),
            Err(e) => {
                *preview
                    .state
                    .error
                    .lock()
                    .expect("no panic holding the lock") = Some(e.to_string());
                eprintln!("{e}");
                std::fs::create_dir_all(&preview.state.output)
                    .map_err(|e| Error::io(&preview.state.output, e))?;
                None
            }
        };
        preview.spawn_http();
        Ok((preview, session))
    }

    pub fn has_built(&self) -> bool {
        self.state.has_built()
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    fn build_options(&self, options: &ServeOptions) -> BuildOptions {
        BuildOptions {
            root: options.root.clone(),
            output_dir: Some(self.state.output.clone()),
            base_url: Some(self.url()),
            drafts: options.drafts,
            inject_script: Some(RELOAD_SCRIPT.to_string()),
            skip_minify: false,
        }
    }

    /// Loads and renders everything into a staging folder, then swaps it in.
    fn full_build(&self, options: &ServeOptions) -> Result<Session> {
        let site = Site::load(&self.build_options(options))?;
        let prepared = site.prepare(None)?;
        let staging = Staging::new(&self.state.output)?;
        let checker = LinkChecker::new(Some(&staging), &site.config.base_url);
        site.write(&prepared, &checker)?;
        let mut diagnostics = Diagnostics::default();
        diagnostics.extend(site.warnings.iter().cloned());
        diagnostics.extend(prepared.warnings.iter().cloned());
        diagnostics.extend(checker.verify_again(&site));
        for warning in diagnostics.finish()? {
            eprintln!("{warning}\n");
        }
        let checker = checker.detach();
        let _swapping = self.state.swap.write().expect("no panic holding the lock");
        staging.commit()?;
        Ok(Session {
            site,
            prepared,
            checker,
        })
    }

    /// Re-renders after edits to existing Markdown pages only. Returns `None`
    /// when the edit needs a full build (a page moved, appeared or went).
    fn incremental(&self, session: &mut Session, keys: &[String]) -> Result<Option<usize>> {
        let content = session.site.root.join(crate::content::CONTENT_DIR);
        if keys.iter().any(|key| !content.join(key).is_file()) {
            return Ok(None);
        }
        let Some(indices) = keys
            .iter()
            .map(|k| session.site.content.index_of(k))
            .collect::<Option<Vec<usize>>>()
        else {
            return Ok(None);
        };
        let before: Vec<String> = indices
            .iter()
            .map(|&i| session.prepared.page_fingerprint(&session.site, i))
            .collect();
        for key in keys {
            if session
                .site
                .content
                .reload(&session.site.root, key)?
                .is_none()
            {
                return Ok(None);
            }
        }
        let changed: HashSet<usize> = indices.iter().copied().collect();
        let prepared = session.site.prepare(Some((&session.prepared, &changed)))?;
        let listing_changed = indices
            .iter()
            .zip(&before)
            .any(|(&i, old)| prepared.page_fingerprint(&session.site, i) != *old);
        let sink = LiveSink {
            root: &self.state.output,
            checker: &session.checker,
        };
        let rendered = if listing_changed {
            // Titles, dates or citations show on other pages: render every page again (their Markdown is reused).
            session.site.write(&prepared, &sink)?;
            session.site.content.pages.len()
        } else {
            session.site.write_pages(&prepared, &indices, &sink)?;
            indices.len()
        };
        session.prepared = prepared;
        let mut diagnostics = Diagnostics::default();
        diagnostics.extend(session.checker.verify_again(&session.site));
        diagnostics.finish()?;
        Ok(Some(rendered))
    }

    fn spawn_http(&self) {
        let server = self.server.clone();
        let state = self.state.clone();
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let state = state.clone();
                std::thread::spawn(move || {
                    // A client that hangs up mid-response is not our problem to report.
                    let _ = handle(request, &state);
                });
            }
        });
    }

    /// Rebuilds on every change under the site folder until the process ends.
    pub fn watch(&self, options: &ServeOptions, mut session: Option<Session>) -> Result<()> {
        let (tx, rx) = mpsc::channel();
        let mut debouncer =
            notify_debouncer_full::new_debouncer(Duration::from_millis(150), None, tx).map_err(
                |e| Error::Usage(format!("cannot watch {}: {e}", options.root.display())),
            )?;
        debouncer
            .watch(&options.root, notify::RecursiveMode::Recursive)
            .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", options.root.display())))?;
        let root = options
            .root
            .canonicalize()
            .map_err(|e| Error::io(&options.root, e))?;
        for result in rx {
            let Ok(events) = result else { continue };
            let changed: Vec<PathBuf> = events
                .iter()
                .filter(|e| is_edit(&e.kind))
                .flat_map(|e| e.paths.iter())
                .filter_map(|p| relevant(&root, p))
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            if !changed.is_empty() {
                session = self.rebuild(options, session, &changed);
            }
        }
        Ok(())
    }

    /// One rebuild after a batch of changes; reports to the terminal and the pages.
    fn rebuild(
        &self,
        options: &ServeOptions,
        session: Option<Session>,
        changed: &[PathBuf],
    ) -> Option<Session> {
        let started = Instant::now();
        let kind = ChangeKind::of(changed);
        let mut session = session;
        let mut outcome = None;
        // An incremental rebuild writes pages as it renders them, so some may
        // be served before its problem is found.
        let mut served = "the last good build";
        if let (ChangeKind::Pages(keys), Some(current)) = (&kind, session.as_mut()) {
            match self.incremental(current, keys) {
                Ok(Some(pages)) => {
                    outcome = Some(Ok(format!(
                        "{pages} page{}",
                        if pages == 1 { "" } else { "s" }
                    )))
                }
                Ok(None) => {}
                Err(e) => {
                    served = "the pages as rendered; the next change rebuilds everything";
                    outcome = Some(Err(e));
                }
            }
        }
        let outcome = outcome.unwrap_or_else(|| {
            self.full_build(options).map(|fresh| {
                let pages = fresh.site.content.pages.len();
                session = Some(fresh);
                format!("everything ({pages} pages)")
            })
        });
        let elapsed = started.elapsed().as_millis();
        match outcome {
            Ok(what) => {
                println!(
                    "Changed {}: rebuilt {what} in {elapsed} ms",
                    describe(changed)
                );
                *self.state.error.lock().expect("no panic holding the lock") = None;
                self.state.broadcast("ok", "");
                let event = if matches!(kind, ChangeKind::Stylesheets) {
                    "css"
                } else {
                    "reload"
                };
                self.state.broadcast(event, "");
            }
            Err(e) => {
                // What failed may have left the kept site half-updated: the
                // next change builds everything again.
                session = None;
                let report = match &e {
                    Error::Site(d) => render_diagnostics(d),
                    other => other.to_string(),
                };
                eprintln!("{report}\n(serving {served})");
                *self.state.error.lock().expect("no panic holding the lock") = Some(report.clone());
                self.state.broadcast("error-report", &report);
            }
        }
        session
    }
}

/// What a batch of changes needs.
#[derive(Debug, PartialEq, Eq)]
enum ChangeKind {
    /// Only existing Markdown pages (content keys): re-render those.
    Pages(Vec<String>),
    /// Only stylesheets: rebuild, and pages swap their CSS without reloading.
    Stylesheets,
    Everything,
}

impl ChangeKind {
    fn of(changed: &[PathBuf]) -> ChangeKind {
        let content = Path::new(CONTENT_DIR);
        let pages: Option<Vec<String>> = changed
            .iter()
            .map(|p| {
                let key = p.strip_prefix(content).ok()?;
                let is_page = key.extension().is_some_and(|e| e == "md")
                    && !key.starts_with(crate::content::DATA_DIR);
                is_page.then(|| key.to_string_lossy().replace('\\', "/"))
            })
            .collect();
        if let Some(pages) = pages {
            return ChangeKind::Pages(pages);
        }
        if changed
            .iter()
            .all(|p| p.extension().is_some_and(|e| e == "css"))
        {
            return ChangeKind::Stylesheets;
        }
        ChangeKind::Everything
    }
}

/// Whether a file-system event changes a file's content or existence. Reads
/// (and the access times they update) are not edits: the build itself reads
/// every input, and must not set off another build.
fn is_edit(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// The site-relative path of a change worth a rebuild, or `None` for editor
/// droppings, hidden files and anything outside the site's inputs.
fn relevant(root: &Path, path: &Path) -> Option<PathBuf> {
    let path = path.strip_prefix(root).ok()?;
    let name = path.file_name()?.to_str()?;
    if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name == "4913" {
        return None;
    }
    let first = path.components().next()?.as_os_str().to_str()?;
    matches!(
        first,
        "site.toml" | "content" | "themes" | "templates" | "static"
    )
    .then(|| path.to_path_buf())
}

fn describe(changed: &[PathBuf]) -> String {
    match changed {
        [one] => one.display().to_string(),
        many => format!("{} files", many.len()),
    }
}

/// Writes single pages straight into the served folder, each file replaced
/// atomically, and records them for the checks.
struct LiveSink<'a> {
    root: &'a Path,
    checker: &'a LinkChecker<'static>,
}

impl Sink for LiveSink<'_> {
    fn skipped(&self, path: &Path) {
        self.checker.skipped(path);
    }

    fn emit(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.checker.emit(path, bytes)?;
        let target = self.root.join(path);
        let temporary = target.with_extension("broadside-tmp");
        crate::fs::write(&temporary, bytes)?;
        crate::fs::rename(&temporary, &target)
    }

    fn copy(&self, from: &Path, path: &Path) -> Result<()> {
        let bytes = std::fs::read(from).map_err(|e| Error::io(from, e))?;
        self.emit(path, &bytes)
    }
}

/// Answers one request: the event stream, or a file of the served folder.
fn handle(request: Request, state: &State) -> io::Result<()> {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return request.respond(text_response(405, "Only GET and HEAD are supported"));
    }
    if let Some(host) = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str())
        && !names_this_machine(host)
    {
        let message = format!(
            "The preview answers to localhost and IP addresses, not to {host:?}: open it at the address `broadside serve` printed"
        );
        return request.respond(text_response(403, &message));
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == EVENTS_PATH {
        return serve_events(request, state);
    }
    match resolve_request(&state.output, path) {
        Resolved::File(file) => {
            let _reading = state.swap.read().expect("no panic holding the lock");
            match std::fs::File::open(&file) {
                Ok(f) => {
                    let response = Response::from_file(f)
                        .with_header(header("Content-Type", &content_type(&file)))
                        .with_header(header("Cache-Control", "no-store"));
                    request.respond(response)
                }
                Err(_) => not_found(request, state),
            }
        }
        Resolved::Redirect(location) => request.respond(
            Response::empty(StatusCode(301))
                .with_header(header("Location", &location))
                .with_header(header("Cache-Control", "no-store")),
        ),
        Resolved::NotFound => not_found(request, state),
        Resolved::BadRequest => request.respond(text_response(400, "Bad request")),
    }
}

/// Whether a request's `Host` names the server by an IP address or as
/// `localhost`. A web page elsewhere can point a name of its own at
/// 127.0.0.1 (DNS rebinding) and read the preview, drafts and all, through
/// a visitor's browser; it cannot make that browser send one of these.
fn names_this_machine(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        // `[::1]:8000`
        Some(bracketed) => match bracketed.split_once(']') {
            Some((address, port)) if port.is_empty() || port.starts_with(':') => address,
            _ => return false,
        },
        None => host.rsplit_once(':').map_or(host, |(name, _port)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost") || name.parse::<IpAddr>().is_ok()
}

/// Shown for every address until the first build succeeds: the error shows
/// over it, and it reloads once the site builds.
const NOT_BUILT_PAGE: &str = "<!doctype html><html lang=en><meta charset=utf-8><title>Not built yet</title><body><p>The site has not built yet. Fix the error shown below (and in the terminal): this page reloads when it builds.</p>";

fn not_found(request: Request, state: &State) -> io::Result<()> {
    let page = if state.has_built() {
        std::fs::read(state.output.join("404.html")).unwrap_or_else(|_| b"Not found".to_vec())
    } else {
        format!("{NOT_BUILT_PAGE}{RELOAD_SCRIPT}").into_bytes()
    };
    request.respond(
        Response::from_data(page)
            .with_status_code(404)
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store")),
    )
}

fn text_response(status: u16, text: &str) -> Response<io::Cursor<Vec<u8>>> {
    Response::from_string(text)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn content_type(file: &Path) -> String {
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    match mime.type_() {
        mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
        _ if mime.subtype() == "javascript"
            || mime.subtype() == "json"
            || mime.subtype() == "xml" =>
        {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    }
}

/// What a request path maps to inside the served folder.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    File(PathBuf),
    Redirect(String),
    NotFound,
    BadRequest,
}

/// Maps a URL path to a file inside `root`, refusing anything that could
/// reach outside it: `..`, encoded separators, backslashes, NUL, and
/// symbolic links that point elsewhere.
fn resolve_request(root: &Path, url_path: &str) -> Resolved {
    let Ok(decoded) = percent_encoding::percent_decode_str(url_path).decode_utf8() else {
        return Resolved::BadRequest;
    };
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return Resolved::BadRequest;
    }
    // Encoded slashes would let one segment hide several.
    if url_path.to_ascii_lowercase().contains("%2f")
        || url_path.to_ascii_lowercase().contains("%5c")
    {
        return Resolved::BadRequest;
    }
    let relative = Path::new(decoded.trim_start_matches('/'));
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Resolved::BadRequest;
    }
    let candidate = root.join(relative);
    let Ok(real_root) = root.canonicalize() else {
        return Resolved::NotFound;
    };
    let Ok(real) = candidate.canonicalize() else {
        return Resolved::NotFound;
    };
    if !real.starts_with(&real_root) {
        return Resolved::NotFound;
    }
    if real.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Redirect(format!("{url_path}/"));
        }
        let index = real.join("index.html");
        return if index.is_file() {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    Resolved::File(real)
}

/// A server-sent event stream, written straight to the socket and flushed
/// after every event (a buffered response body would hold events back).
fn serve_events(request: Request, state: &State) -> io::Result<()> {
    let (tx, rx) = mpsc::channel();
    if let Some(error) = state
        .error
        .lock()
        .expect("no panic holding the lock")
        .as_ref()
    {
        let _ = tx.send(sse_message("error-report", error));
    }
    state
        .clients
        .lock()
        .expect("no panic holding the lock")
        .push(tx);
    let mut writer = request.into_writer();
    writer.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n: connected\n\n",
    )?;
    writer.flush()?;
    loop {
        // A comment every 15 s keeps the connection alive through proxies;
        // a write error means the page went away.
        let message = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(message) => message,
            Err(mpsc::RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        };
        writer.write_all(message.as_bytes())?;
        writer.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_and_localhost_name_this_machine() {
        for host in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LOCALHOST",
            "preview.localhost:80",
            "[::1]:1111",
            "192.168.1.20:1111",
            "localhost.",
        ] {
            assert!(names_this_machine(host), "{host}");
        }
        for host in [
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "[::1].evil.example",
            "",
        ] {
            assert!(!names_this_machine(host), "{host}");
        }
    }

    #[test]
    fn requests_never_leave_the_served_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/index.html"), "a").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();

        assert_eq!(
            resolve_request(&root, "/a/"),
            Resolved::File(root.canonicalize().unwrap().join("a/index.html"))
        );
        assert_eq!(
            resolve_request(&root, "/a"),
            Resolved::Redirect("/a/".into())
        );
        for bad in [
            "/../secret.txt",
            "/a/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/..%2fsecret.txt",
            "/a\\..\\..\\secret.txt",
            "//etc/passwd",
            "/%00",
        ] {
            let resolved = resolve_request(&root, bad);
            assert!(
                matches!(resolved, Resolved::BadRequest | Resolved::NotFound),
                "{bad}: {resolved:?}"
            );
        }
        #[cfg(unix)]
        assert_eq!(resolve_request(&root, "/link.txt"), Resolved::NotFound);
    }

    #[test]
    fn changes_are_sorted_by_what_they_need() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            ChangeKind::of(&[p("content/a.md")]),
            ChangeKind::Pages(vec!["a.md".into()])
        );
        assert_eq!(
            ChangeKind::of(&[p("themes/default/static/style.css")]),
            ChangeKind::Stylesheets
        );
        assert_eq!(
            ChangeKind::of(&[p("content/a.md"), p("site.toml")]),
            ChangeKind::Everything
        );
        assert_eq!(
            ChangeKind::of(&[p("content/data/quotes.toml")]),
            ChangeKind::Everything
        );
        let root = Path::new("/site");
        assert_eq!(relevant(root, Path::new("/site/content/.a.md.swp")), None);
        assert_eq!(relevant(root, Path::new("/site/public/index.html")), None);
        assert_eq!(
            relevant(root, Path::new("/site/content/a.md")),
            Some(p("content/a.md"))
        );
    }

    #[test]
    fn reading_files_is_not_an_edit() {
        use notify::EventKind;
        use notify::event::{AccessKind, AccessMode, DataChange, MetadataKind, ModifyKind};
        assert!(!is_edit(&EventKind::Access(AccessKind::Open(
            AccessMode::Read
        ))));
        assert!(!is_edit(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!is_edit(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
        assert!(is_edit(&EventKind::Modify(ModifyKind::Data(
            DataChange::Content
        ))));
    }

    #[test]
    fn events_are_framed_line_by_line() {
        assert_eq!(
            sse_message("error-report", "a\nb"),
            "event: error-report\ndata: a\ndata: b\n\n"
        );
    }
}
