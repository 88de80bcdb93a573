//! Checks on the rendered site: internal links and `#anchors` resolve, assets
//! referenced from HTML and CSS exist, images have alt text, links have text,
//! and ids are unique within a page. `build` and `check` both run them.

mod html;

use std::borrow::Cow;
use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
// Every page's ids and every output path pass through these maps; the keys
// are our own, so the std hasher's defence against crafted keys buys nothing
// and costs more than the rest of the lookup.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use self::html::Token;
use crate::content::{Page, front_matter};
use crate::diagnostic::{Diagnostic, Result};
use crate::output::Sink;
use crate::site::Site;

/// What one HTML file offers (ids) and asks for (links), with its own problems.
#[derive(Debug, Default)]
struct HtmlFacts {
    ids: HashSet<String>,
    links: Vec<String>,
    problems: Vec<Problem>,
}

/// A problem in one HTML file, and what to look for in the page's source to
/// locate it.
#[derive(Debug)]
struct Problem {
    message: String,
    /// The attribute value it is about (an id, a link, an image's `src`).
    written: String,
    /// Which of the places `written` appears it is at.
    at: Occurrence,
    /// How the mistake looks in Markdown, looked for in the page first:
    /// `[](` for a link without text, whose address alone may be that of a
    /// good link before it.
    in_markdown: Option<&'static str>,
}

/// Which of several places the same text is written a problem is at: an
/// image without alt text may share its `src` with one that has it.
#[derive(Debug, Clone, Copy)]
enum Occurrence {
    /// The nth, from 0, in the order of the page (or the last, if fewer).
    Nth(usize),
    /// The last: the second use of an id is the mistake.
    Last,
}

impl Problem {
    fn new(message: String, written: &str) -> Problem {
        Problem {
            message,
            written: written.to_string(),
            at: Occurrence::Nth(0),
            in_markdown: None,
        }
    }

    /// A problem with an image, after the `earlier` images of the page.
    fn after_images(message: String, src: &str, earlier: &[String]) -> Problem {
        // However each is written (`map.png`, `/a/map.png`), the same file.
        let file = |src: &str| src.rsplit('/').next().unwrap_or_default().to_string();
        let uses = earlier.iter().filter(|e| file(e) == file(src)).count();
        Problem {
            at: Occurrence::Nth(uses),
            ..Problem::new(message, src)
        }
    }
}

#[cfg(test)]
impl PartialEq<&str> for Problem {
    fn eq(&self, other: &&str) -> bool {
        self.message == *other
    }
}

/// A sink that records what the checks need and passes files on to `inner`
/// (the staging folder), or nowhere for `check`.
pub struct LinkChecker<'a> {
    inner: Option<&'a dyn Sink>,
    /// The site's base URL. Links that leave the site are not kept: checking
    /// them would need the network.
    base_url: String,
    recorded: Mutex<Recorded>,
}

/// Every file emitted, and what the checks read in each page and stylesheet.
#[derive(Default)]
struct Recorded {
    files: HashSet<PathBuf>,
    html: HashMap<PathBuf, HtmlFacts>,
    css: HashMap<PathBuf, Vec<String>>,
}

impl<'a> LinkChecker<'a> {
    pub fn new(inner: Option<&'a dyn Sink>, base_url: &str) -> Self {
        LinkChecker {
            inner,
            base_url: base_url.to_string(),
            recorded: Mutex::default(),
        }
    }

    /// Runs the checks over everything emitted.
    pub fn verify(self, site: &Site) -> Vec<Diagnostic> {
        check_recorded(&self.recorded.into_inner().unwrap_or_default(), site)
    }

    /// Runs the checks over everything emitted so far, and keeps it: the
    /// preview server re-renders single pages into the same checker, and
    /// what they link to may be anywhere in the site.
    pub fn verify_again(&self, site: &Site) -> Vec<Diagnostic> {
        check_recorded(
            &self.recorded.lock().expect("no panic holding the lock"),
            site,
        )
    }

    /// The checker with what it has recorded, passing files on to nothing.
    pub fn detach(self) -> LinkChecker<'static> {
        LinkChecker {
            inner: None,
            base_url: self.base_url,
            recorded: self.recorded,
        }
    }

    /// Notes the file at `path`, and what the checks need from it if it is
    /// a page or a stylesheet: read before taking the lock, one lock a file.
    fn record(&self, path: &Path, bytes: Option<&[u8]>) {
        let (html, css) = match (path.extension().and_then(|e| e.to_str()), bytes) {
            (Some("html"), Some(bytes)) => (Some(scan_html(bytes, &self.base_url)), None),
            (Some("css"), Some(bytes)) => (None, Some(css_urls(&String::from_utf8_lossy(bytes)))),
            _ => (None, None),
        };
        let mut recorded = self.recorded.lock().expect("no panic holding the lock");
        recorded.files.insert(path.to_path_buf());
        if let Some(facts) = html {
            recorded.html.insert(path.to_path_buf(), facts);
        }
        if let Some(urls) = css {
            recorded.css.insert(path.to_path_buf(), urls);
        }
    }
}

/// The checks over what `recorded` holds; each problem is located in the
/// page's source file where we can find it there.
fn check_recorded(recorded: &Recorded, site: &Site) -> Vec<Diagnostic> {
    let Recorded { files, html, css } = recorded;
    // Pages by their URL path (`a/b/`), which is their output file less
    // `index.html`: borrowed, as this pass is on the build's critical path.
    let pages: HashMap<&str, &Page> = site
        .content
        .pages
        .iter()
        .map(|p| (p.path.as_str(), p))
        .collect();
    let page_at = |output: &Path| {
        let path = output.to_str()?.strip_suffix("index.html")?;
        pages.get(path).copied()
    };
    let mut outputs: Vec<&PathBuf> = html.keys().collect();
    // For messages in the same order every time. Comparing paths as bytes
    // is several times cheaper than component by component.
    outputs.par_sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    let mut diagnostics: Vec<Diagnostic> = outputs
        .par_iter()
        .with_max_len(crate::PAGES_PER_TASK)
        .flat_map_iter(|output| check_page(site, output, html, files, page_at(output)))
        .collect();
    // A problem in a template shows on every page it renders: say it once.
    let mut seen = HashSet::default();
    diagnostics.retain(|d| seen.insert((d.path.clone(), d.line, d.column, d.message.clone())));
    let base_path = &site.config.base_path;
    let base_url = &site.config.base_url;
    let mut stylesheets: Vec<(&PathBuf, &Vec<String>)> = css.iter().collect();
    stylesheets.sort();
    for (sheet, urls) in stylesheets {
        for url in urls {
            if let Some(Target::Internal { file, .. }) =
                Target::parse(url, sheet, base_path, base_url)
                && resolve(files, &file).is_none()
            {
                let source = site.static_source(sheet).unwrap_or_else(|| sheet.clone());
                let message =
                    format!("the stylesheet refers to {url:?}, which is not in the output");
                // At the reference in the stylesheet as written (the output is minified).
                let text = std::fs::read_to_string(site.root.join(&source)).unwrap_or_default();
                let error = Diagnostic::error(source, message);
                diagnostics.push(match text.find(url.as_str()) {
                    Some(at) => error.at_offset(&text, at),
                    None => error,
                });
            }
        }
    }
    diagnostics
}

impl Sink for LinkChecker<'_> {
    fn skipped(&self, path: &Path) {
        self.record(path, None);
    }

    fn emit(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.record(path, Some(bytes));
        match self.inner {
            Some(inner) => inner.emit(path, bytes),
            None => Ok(()),
        }
    }

    fn copy(&self, from: &Path, path: &Path) -> Result<()> {
        if path.extension().is_some_and(|e| e == "css" || e == "html") {
            let bytes = std::fs::read(from).map_err(|e| crate::Error::io(from, e))?;
            self.record(path, Some(&bytes));
        } else {
            self.record(path, None);
        }
        match self.inner {
            Some(inner) => inner.copy(from, path),
            None => Ok(()),
        }
    }
}

/// The problems of one rendered page, located in its Markdown where we can
/// find them there.
fn check_page(
    site: &Site,
    output: &Path,
    html: &HashMap<PathBuf, HtmlFacts>,
    files: &HashSet<PathBuf>,
    page: Option<&Page>,
) -> Vec<Diagnostic> {
    let facts = &html[output];
    let base_path = &site.config.base_path;
    let base_url = &site.config.base_url;
    let source = page.map_or(output, |p| p.source.as_path());
    // The page's text is read only if it has a problem to locate.
    let text = OnceCell::new();
    let page_text = || -> &str {
        text.get_or_init(|| {
            page.and_then(|p| p.read_text(&site.root).ok())
                .unwrap_or_default()
        })
    };
    // `in_page` ends a problem's message: it names the page even when the
    // problem is shown at a template. A link's message needs no name, so
    // a template's broken link is said once for all its pages.
    let locate_written = |needle: &str, at: Occurrence, message: String, in_page: &str| {
        let text = page_text();
        // Where it may be written: the page's Markdown, the story data its
        // shortcodes and templates show, and the templates.
        let places: Vec<(&Path, &str)> = std::iter::once((source, text))
            .chain(
                site.story
                    .files()
                    .map(|f| (f.path.as_path(), f.text.as_str())),
            )
            .chain(
                site.templates()
                    .sources()
                    .map(|(name, t)| (Path::new(name), t)),
            )
            .collect();
        // Links are rewritten on the way out (`@/`, relative paths): look
        // everywhere for the whole link, as written before anywhere in the
        // text; then for its last part, in the page first, if that is not so
        // short as to be found by chance (`b` of `/b/` in `<body>`).
        let last_part = needle
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|part| part.len() >= 4 && *part != needle);
        let (page_place, other_places) = places.split_at(1);
        let searches = std::iter::once((needle, &places[..])).chain(
            last_part
                .into_iter()
                .flat_map(|part| [(part, page_place), (part, other_places)]),
        );
        let message = format!("{message}{in_page}");
        searches
            .flat_map(|(written, places)| {
                [
                    (written, Match::AsWritten, places),
                    (written, Match::Anywhere, places),
                ]
            })
            .find_map(|(written, how, places)| {
                places.iter().find_map(|&(path, text)| {
                    let offset = find_in_body(text, written, how, at)?;
                    Some(Diagnostic::error(path, message.clone()).at_offset(text, offset))
                })
            })
            .unwrap_or_else(|| Diagnostic::error(source, message))
    };
    let mut diagnostics = Vec::new();
    let mut markdown_forms: Option<Vec<usize>> = None;
    for problem in &facts.problems {
        // An id used twice because a heading's words make one the theme
        // uses (`## Main`): the heading is the one to change.
        if let Occurrence::Last = problem.at
            && let Some(at) = heading_with_template_id(site, page_text(), &problem.written)
        {
            let id = &problem.written;
            let message = format!(
                "this heading's id {id:?} is also used by the theme's templates: give the heading its own, as `## Title {{#another-id}}`"
            );
            diagnostics.push(Diagnostic::error(source, message).at_offset(page_text(), at));
            continue;
        }
        if let Some(form) = problem.in_markdown {
            let text = page_text();
            let body = front_matter::body_offset(text);
            // Where the page writes the form (`[](` but not `![](`), each
            // place taken by one problem, in order.
            let places = markdown_forms.get_or_insert_with(|| {
                text[body..]
                    .match_indices(form)
                    .map(|(i, _)| body + i)
                    .filter(|&i| !text[..i].ends_with('!'))
                    .collect()
            });
            // With the address as written, if it was not rewritten
            // (`[](https://…)`); an address written elsewhere in the page is
            // raw HTML's, found below; else the next place in order.
            let exact = format!("{form}{}", problem.written);
            let taken = match places.iter().position(|&i| text[i..].starts_with(&exact)) {
                Some(n) => Some(places.remove(n)),
                None if text[body..].contains(problem.written.as_str()) => None,
                None if !places.is_empty() => Some(places.remove(0)),
                None => None,
            };
            if let Some(at) = taken {
                let diagnostic = Diagnostic::error(source, problem.message.clone());
                diagnostics.push(diagnostic.at_offset(text, at));
                continue;
            }
        }
        diagnostics.push(locate_written(
            &problem.written,
            problem.at,
            problem.message.clone(),
            &format!(" (in {})", output.display()),
        ));
    }
    let locate =
        |needle: &str, message: String| locate_written(needle, Occurrence::Nth(0), message, "");
    for link in &facts.links {
        let Some(target) = Target::parse(link, output, base_path, base_url) else {
            continue;
        };
        // What to look for in the sources: the anchor if there is one, as
        // written there, before the Markdown writer percent-encoded it.
        let needle = || {
            percent_decode(
                link.rsplit_once('#')
                    .map_or(link.as_str(), |(_, f)| f)
                    .to_string(),
            )
        };
        match target {
            Target::OutsideBase => diagnostics.push(locate(
                link,
                format!(
                    "the link {link:?} leaves the site's base path {base_path}: it breaks when the site is served there; for a page of this site write an @/ link to its file (@/timeline.md), for a page outside it the full address ({}{link})",
                    base_url.strip_suffix(base_path.as_str()).unwrap_or(base_url).trim_end_matches('/'),
                ),
            )),
            Target::Internal { file, fragment } => {
                let Some(file) = resolve(files, &file) else {
                    diagnostics.push(locate(&needle(), format!("the link {link:?} points to no page or file of this site")));
                    continue;
                };
                if let Some(fragment) = fragment
                    && let Some(target_facts) = html.get(&file)
                    && !target_facts.ids.contains(&fragment)
                {
                    let suggestion = closest_id(&target_facts.ids, &fragment)
                        .map(|id| format!(": did you mean #{id}?"))
                        .unwrap_or_default();
                    diagnostics.push(locate(
                        &needle(),
                        format!("the link {link:?} points to #{fragment}, which {} does not have{suggestion}", file.display()),
                    ));
                }
            }
        }
    }
    diagnostics
}

/// The id a mistyped anchor most likely meant: the one its words would
/// make (`#quién-paga` for `quien-paga`), or one spelt nearly the same.
fn closest_id<'a>(ids: &'a HashSet<String>, fragment: &str) -> Option<&'a str> {
    let slug = crate::content::slugify(fragment);
    // Story items' anchors carry their kind: `#quote-judd`, not `#judd`.
    for candidate in ["", "quote-", "event-", "source-"].map(|kind| format!("{kind}{slug}")) {
        if let Some(id) = ids.get(&candidate) {
            return Some(id);
        }
    }
    crate::diagnostic::closest(fragment, ids.iter().map(String::as_str), 0.85)
}

/// Where a link leads, for the links we can check without the network.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file of this site, relative to the output folder.
    Internal {
        file: PathBuf,
        fragment: Option<String>,
    },
    /// An absolute path that is not under the base path.
    OutsideBase,
}

impl Target {
    fn parse(link: &str, from: &Path, base_path: &str, base_url: &str) -> Option<Target> {
        if leads_elsewhere(link, base_url) {
            return None;
        }
        let link = link.trim();
        let (path, fragment) = match link.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (link, None),
        };
        let path = path.split('?').next().unwrap_or_default();
        let fragment = fragment.map(|f| percent_decode(f.to_string()));
        let site_path = if let Some(rest) = path.strip_prefix(base_url) {
            rest.to_string()
        } else if path.is_empty() {
            // `#fragment` alone: this page.
            from.to_string_lossy().replace('\\', "/")
        } else if path.starts_with('/') {
            match path.strip_prefix(base_path) {
                Some(rest) => rest.to_string(),
                None if format!("{path}/") == base_path => String::new(),
                None => return Some(Target::OutsideBase),
            }
        } else {
            let dir = from
                .parent()
                .map(|d| d.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            crate::content::join_url_path(&dir, path)
        };
        Some(Target::Internal {
            file: PathBuf::from(percent_decode(site_path)),
            fragment,
        })
    }
}

/// Whether a link leaves the site for a place the checks cannot see without
/// the network: another host, or a scheme such as `mailto:`.
fn leads_elsewhere(link: &str, base_url: &str) -> bool {
    let link = link.trim();
    let path = &link[..memchr::memchr2(b'#', b'?', link.as_bytes()).unwrap_or(link.len())];
    !path.starts_with(base_url) && (path.contains(':') || path.starts_with("//"))
}

/// `%20` and the like decoded. Most links have none, and keep their text:
/// a search for `%` is cheaper than decoding.
fn percent_decode(text: String) -> String {
    if !text.contains('%') {
        return text;
    }
    percent_encoding::percent_decode_str(&text)
        .decode_utf8_lossy()
        .into_owned()
}

/// A URL path as a static host serves it: `a/` and `a` are `a/index.html`.
fn resolve(files: &HashSet<PathBuf>, path: &Path) -> Option<PathBuf> {
    let as_text = path.to_string_lossy();
    if as_text.is_empty() || as_text.ends_with('/') {
        let index = path.join("index.html");
        return files.contains(&index).then_some(index);
    }
    if files.contains(path) {
        return Some(path.to_path_buf());
    }
    let index = path.join("index.html");
    files.contains(&index).then_some(index)
}

/// Where a Markdown heading of `text` starts that gets an id a template
/// also writes: what a page's duplicate id most often comes from.
fn heading_with_template_id(site: &Site, text: &str, id: &str) -> Option<usize> {
    let written = [
        format!("id=\"{id}\""),
        format!("id='{id}'"),
        format!("id={id} "),
    ];
    let in_a_template = site
        .templates()
        .sources()
        .any(|(_, template)| written.iter().any(|w| template.contains(w.as_str())));
    in_a_template.then(|| heading_with_id(text, id)).flatten()
}

/// Where a Markdown heading that gets the id `id` starts, from its words or
/// from a `{#id}`: what a duplicate id with a template's element comes from.
fn heading_with_id(text: &str, id: &str) -> Option<usize> {
    // After the front matter, whose `# comments` are no headings.
    let mut offset = front_matter::body_offset(text);
    for line in text[offset..].split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let title = line.trim_start();
        if !title.starts_with('#') {
            continue;
        }
        let title = title.trim_start_matches('#').trim();
        let matches = match title.rsplit_once("{#") {
            Some((_, explicit)) => explicit.trim_end_matches('}').trim() == id,
            None => crate::content::slugify(title) == id,
        };
        if matches {
            return Some(start + (line.len() - line.trim_start().len()));
        }
    }
    None
}

/// How [`find_in_body`] looks for a problem's text.
#[derive(Clone, Copy)]
enum Match {
    /// Where a link's target is written (after `(` in Markdown, `=` in
    /// HTML, `#` for an anchor) and ends, so that a short one such as `x`
    /// is not found inside an earlier word.
    AsWritten,
    /// Anywhere, if it is long enough not to match by chance: no place is
    /// better than a wrong one.
    Anywhere,
}

/// Finds where a problem's text appears in a page's Markdown (after its
/// front matter), a data file or a template, at the place `at` names.
fn find_in_body(text: &str, needle: &str, how: Match, at: Occurrence) -> Option<usize> {
    if needle.is_empty() || text.is_empty() {
        return None;
    }
    let body_start = front_matter::body_offset(text);
    let body = &text[body_start..];
    let ends_a_link = |c: char| c.is_whitespace() || ")\"'>}#?".contains(c);
    // Where `written` is found, as offsets `skip` bytes into each match.
    let found_at = |written: &str, whole: bool, skip: usize| -> Vec<usize> {
        body.match_indices(written)
            .map(|(i, _)| i)
            .filter(|&i| {
                !whole
                    || body[i + written.len()..]
                        .chars()
                        .next()
                        .is_none_or(ends_a_link)
            })
            .map(|i| i + skip)
            .collect()
    };
    let written_after = |befores: &[&str]| -> Vec<usize> {
        befores
            .iter()
            .flat_map(|before| found_at(&format!("{before}{needle}"), true, before.len()))
            .collect()
    };
    let mut found: Vec<usize> = match how {
        // As an HTML attribute first: a link left as written in the output
        // was not rewritten, and a Markdown link to a file beside the page
        // is (`map.png` becomes `/page/map.png`), where `<img src=map.png>`
        // is not.
        Match::AsWritten => Some(written_after(&["=\"", "='", "="]))
            .filter(|found| !found.is_empty())
            .unwrap_or_else(|| written_after(&["(", "<", "#"])),
        Match::Anywhere if needle.len() >= 4 => found_at(needle, false, 0),
        Match::Anywhere => Vec::new(),
    };
    found.sort_unstable();
    found.dedup();
    let offset = match at {
        Occurrence::Nth(n) => found.get(n).or(found.last()),
        Occurrence::Last => found.last(),
    };
    offset.map(|i| body_start + i)
}

/// The attributes of one start tag that the checks read.
#[derive(Default)]
struct TagAttributes<'a> {
    id: Option<Cow<'a, str>>,
    name: Option<Cow<'a, str>>,
    href: Option<Cow<'a, str>>,
    src: Option<Cow<'a, str>>,
    alt: Option<Cow<'a, str>>,
    rel: Option<Cow<'a, str>>,
    /// An `aria-label`, `aria-labelledby` or `title` that is not blank: a name for a link.
    labelled: bool,
}

impl<'a> TagAttributes<'a> {
    fn read(attributes: &[html::Attribute<'a>]) -> Self {
        let mut read = TagAttributes::default();
        for &(name, value) in attributes {
            let is = |wanted: &str| name.eq_ignore_ascii_case(wanted.as_bytes());
            let slot = if is("id") {
                &mut read.id
            } else if is("href") {
                &mut read.href
            } else if is("src") {
                &mut read.src
            } else if is("alt") {
                &mut read.alt
            } else if is("rel") {
                &mut read.rel
            } else if is("name") {
                &mut read.name
            } else if is("aria-label") || is("aria-labelledby") || is("title") {
                read.labelled |= !html::decode(value).trim().is_empty();
                continue;
            } else {
                continue;
            };
            // HTML keeps the first of two same-named attributes.
            slot.get_or_insert_with(|| html::decode(value));
        }
        read
    }

    /// `<link rel=canonical>` and friends name absolute URLs of the live site, not files to check.
    fn is_metadata_link(&self) -> bool {
        self.rel.as_deref().is_some_and(|rel| {
            rel.split_whitespace().any(|r| {
                matches!(
                    r,
                    "canonical" | "alternate" | "preconnect" | "dns-prefetch" | "me"
                )
            }) && !rel.contains("stylesheet")
        }) && self.href.as_deref().is_some_and(|h| h.starts_with("http"))
    }
}

/// Reads ids, links and accessibility problems out of one HTML document.
fn scan_html(bytes: &[u8], base_url: &str) -> HtmlFacts {
    let mut facts = HtmlFacts::default();
    // The open link, if any: (its href, whether it has a name a screen reader can announce).
    let mut open_link: Option<(String, bool)> = None;
    // The images so far: an image without alt text may share its file with
    // one that has it, and is located at its own use.
    let mut images: Vec<String> = Vec::new();
    let mut tokens = html::Tokens::new(bytes);
    while let Some(token) = tokens.next() {
        match token {
            // Most tags (`p`, `li`, `em`) have no attributes, and then only
            // `a` and `img` have anything to check.
            Token::StartTag(tag)
                if tokens.attributes().is_empty() && !tag.is("a") && !tag.is("img") => {}
            Token::StartTag(tag) => {
                let attributes = TagAttributes::read(tokens.attributes());
                if let Some(id) = &attributes.id
                    && !facts.ids.insert(id.to_string())
                {
                    facts.problems.push(Problem {
                        at: Occurrence::Last,
                        ..Problem::new(format!("the id {id:?} is used twice on this page"), id)
                    });
                }
                if tag.is("a")
                    && let Some(name) = &attributes.name
                {
                    facts.ids.insert(name.to_string());
                }
                let metadata = tag.is("link") && attributes.is_metadata_link();
                for (key, link) in [("href", &attributes.href), ("src", &attributes.src)] {
                    let Some(link) = link else { continue };
                    if link.trim().is_empty() {
                        let message = format!(
                            "a <{}> has an empty {key}",
                            String::from_utf8_lossy(tag.name).to_ascii_lowercase()
                        );
                        facts.problems.push(Problem::new(message, ""));
                        continue;
                    }
                    let is_metadata = metadata && key == "href";
                    if !is_metadata && !leads_elsewhere(link, base_url) {
                        facts.links.push(link.to_string());
                    }
                }
                if tag.is("img") {
                    let src = attributes.src.as_deref().unwrap_or_default();
                    if attributes.alt.is_none() {
                        let message = format!(
                            "the image {src:?} has no alt text: describe it, or write alt=\"\" if it is decoration"
                        );
                        facts
                            .problems
                            .push(Problem::after_images(message, src, &images));
                    }
                    images.push(src.to_string());
                    if let Some((_, named)) = open_link.as_mut()
                        && attributes.alt.is_some_and(|a| !a.trim().is_empty())
                    {
                        *named = true;
                    }
                } else if tag.is("a") && !tag.self_closing {
                    let href = attributes.href.unwrap_or_default().into_owned();
                    open_link = Some((href, attributes.labelled));
                }
            }
            Token::Text(text) => {
                if let Some((_, named)) = open_link.as_mut()
                    && text.iter().any(|b| !b.is_ascii_whitespace())
                {
                    *named = true;
                }
            }
            Token::EndTag(name) if name.eq_ignore_ascii_case(b"a") => {
                if let Some((href, false)) = open_link.take() {
                    let message = format!(
                        "the link to {href:?} has no text: a screen reader would announce nothing"
                    );
                    facts.problems.push(Problem {
                        in_markdown: Some("[]("),
                        ..Problem::new(message, &href)
                    });
                }
            }
            Token::EndTag(_) => {}
        }
    }
    facts
}

/// `url(...)` references in a stylesheet.
fn css_urls(css: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = css;
    while let Some(start) = rest.find("url(") {
        rest = &rest[start + 4..];
        let Some(end) = rest.find(')') else { break };
        let url = rest[..end].trim().trim_matches(['"', '\'']).to_string();
        if !url.starts_with("data:") && !url.is_empty() {
            urls.push(url);
        }
        rest = &rest[end..];
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_ids_links_and_problems() {
        let facts = scan_html(
            b"<h1 id=a>T</h1><p id=a><a href=/x/#y>ok</a><a href=/z/></a><a href=/w/ aria-label=W></a><img src=p.png><a href=''>e</a>\
              <a href=https://e.org/sub/v/>in</a><a href=https://other.org/>out</a><a href=mailto:a@e.org>mail</a><a href=//cdn.org/>cdn</a>",
            "https://e.org/sub/",
        );
        assert!(facts.ids.contains("a"));
        assert_eq!(
            facts.links,
            ["/x/#y", "/z/", "/w/", "p.png", "https://e.org/sub/v/"],
            "links elsewhere are not kept"
        );
        assert_eq!(facts.problems.len(), 4, "{:?}", facts.problems);
    }

    #[test]
    fn reads_attributes_as_html_does() {
        let facts = scan_html(
            b"<img src=a.png alt=\"\"><a href=\"/x?a=1&amp;b\" href=/y/ title=' '></a><a name=n>t</a><script>let a = '<a href=/js/>';</script><link rel=canonical href=https://e.org/>",
            "https://e.org/",
        );
        assert!(facts.ids.contains("n"));
        assert_eq!(facts.links, ["a.png", "/x?a=1&b"]);
        assert_eq!(
            facts.problems,
            ["the link to \"/x?a=1&b\" has no text: a screen reader would announce nothing"]
        );
    }

    #[test]
    fn bare_tags_and_upper_case_names_are_read() {
        let facts = scan_html(
            b"<P ID=top><A>\n</A><IMG><Img SRC=b.png ALT=B><A HREF=/c/ TITLE=C></A><A Name=n>n</A>",
            "https://e.org/",
        );
        let mut ids: Vec<&str> = facts.ids.iter().map(String::as_str).collect();
        ids.sort();
        assert_eq!(ids, ["n", "top"]);
        assert_eq!(facts.links, ["b.png", "/c/"]);
        assert_eq!(
            facts.problems,
            [
                "the link to \"\" has no text: a screen reader would announce nothing",
                "the image \"\" has no alt text: describe it, or write alt=\"\" if it is decoration",
            ]
        );
    }

    #[test]
    fn an_a_name_is_a_target_and_may_repeat_an_id() {
        let facts = scan_html(
            b"<p id=m><p id=c><a name=z>z</a><a name=c>c</a><p id=m><p id=caf\xc3\xa9>",
            "https://e.org/",
        );
        let mut ids: Vec<&str> = facts.ids.iter().map(String::as_str).collect();
        ids.sort();
        assert_eq!(ids, ["c", "caf\u{e9}", "m", "z"]);
        assert_eq!(facts.problems, ["the id \"m\" is used twice on this page"]);
    }

    #[test]
    fn targets_resolve_like_a_static_host() {
        let from = Path::new("a/index.html");
        let t = |link| Target::parse(link, from, "/sub/", "https://e.org/sub/");
        assert_eq!(
            t("/sub/b/#c"),
            Some(Target::Internal {
                file: "b/".into(),
                fragment: Some("c".into())
            })
        );
        assert_eq!(
            t("../c.png"),
            Some(Target::Internal {
                file: "c.png".into(),
                fragment: None
            })
        );
        assert_eq!(
            t("#top"),
            Some(Target::Internal {
                file: "a/index.html".into(),
                fragment: Some("top".into())
            })
        );
        assert_eq!(
            t("https://e.org/sub/d/"),
            Some(Target::Internal {
                file: "d/".into(),
                fragment: None
            })
        );
        assert_eq!(t("/elsewhere/"), Some(Target::OutsideBase));
        assert_eq!(
            t("/sub"),
            Some(Target::Internal {
                file: "".into(),
                fragment: None
            })
        );
        assert_eq!(
            t("/sub/caf%C3%A9%20bar/?q=a:b#x%20y"),
            Some(Target::Internal {
                file: "caf\u{e9} bar/".into(),
                fragment: Some("x y".into())
            }),
            "decoded, and a `:` in the query is no scheme"
        );
        assert_eq!(t("https://other.org/"), None);
        assert_eq!(t("mailto:a@b.c"), None);
        assert_eq!(t("//cdn.org/x#a:b"), None);
    }

    #[test]
    fn finds_css_urls() {
        assert_eq!(
            css_urls("a{background:url( 'x.png' )}b{src:url(data:x)}"),
            ["x.png"]
        );
    }
}
