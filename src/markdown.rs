//! Markdown to HTML: pulldown-cmark plus what an explainer needs on top —
//! heading ids with self-links, `@/` links between pages, safe external links,
//! per-page footnote ids, and shortcodes that place story data in a page.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::config::MarkdownConfig;
use crate::diagnostic::Diagnostic;

/// A heading of a rendered page, for tables of contents and anchor checks.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Source ids cited with `cite`, in order of first citation: `[n]` is index n-1.
    pub citations: Vec<String>,
}

/// What one piece of Markdown's shortcodes have placed so far.
#[derive(Default)]
struct Placed {
    /// Source ids cited with `cite`, in order of first citation.
    citations: Vec<String>,
    /// The blocks placed (`quote/id`, `event/id`): each carries its id, which
    /// a page may hold once.
    blocks: HashSet<String>,
}

/// A shortcode call such as `quote(id="x")`.
#[derive(Debug, PartialEq, Eq)]
pub struct ShortcodeCall {
    pub name: String,
    pub id: String,
}

/// What shortcodes can place. Implemented by the site, which knows the story and templates.
pub trait Shortcodes: Sync {
    /// Whether the shortcode makes a block (a figure) rather than inline
    /// text; `None` for a name that is no shortcode. By default the
    /// shortcodes the renderer's messages name: `quote` and `event` are
    /// blocks, `cite` is inline.
    fn is_block(&self, name: &str) -> Option<bool> {
        match name {
            "quote" | "event" => Some(true),
            "cite" => Some(false),
            _ => None,
        }
    }
    /// Renders a call; `citations` is the page's list so far (for numbering).
    /// An error message names what is wrong (an unknown id).
    fn render(&self, call: &ShortcodeCall, citations: &mut Vec<String>) -> Result<String, String>;
}

/// Where the site's pages and static files are, for links in Markdown.
pub trait SiteLinks: Sync {
    /// The link to the page at a content key (`timeline.md`), or why there is none.
    fn page(&self, key: &str) -> Result<String, String>;
    /// The link to a static file, by its path in `static/` (`docs/report.pdf`),
    /// fingerprinted as the build writes it.
    fn static_file(&self, path: &str) -> Option<String>;
}

/// A site with no pages and no static files, for rendering Markdown on its
/// own (benchmarks, tests).
pub struct NoLinks;

impl SiteLinks for NoLinks {
    fn page(&self, key: &str) -> Result<String, String> {
        Err(format!("there is no content/{key}"))
    }

    fn static_file(&self, _: &str) -> Option<String> {
        None
    }
}

/// What the renderer needs to know about the site.
pub struct Renderer<'a> {
    pub options: &'a MarkdownConfig,
    /// The site's base URL; links under it are not external.
    pub base_url: &'a str,
    pub links: &'a dyn SiteLinks,
    pub shortcodes: &'a dyn Shortcodes,
}

/// One piece of Markdown and where it came from, for error positions.
pub struct Input<'a> {
    /// The file, for messages.
    pub path: &'a Path,
    /// The whole file's text.
    pub file_text: &'a str,
    /// Where the Markdown starts inside the file.
    pub offset: usize,
    pub markdown: &'a str,
    /// Raw HTML is ours in pages; in data fields it is shown as text.
    pub allow_html: bool,
    /// Prefixed to footnote ids, so two pieces on one page never clash.
    pub id_prefix: &'a str,
    /// The link of the output folder holding the files beside this Markdown
    /// file. A relative link to one of those files (`chart.png`) is rewritten
    /// against it, so it works from the page's URL as it did beside the file.
    pub files_link: &'a str,
    /// Whether a relative path (decoded, without `#` or `?` part) names a file
    /// beside this Markdown file. Other relative links (`../other-page/`) are
    /// left as written, for the browser to resolve against the page's URL.
    pub is_file_beside: &'a dyn Fn(&str) -> bool,
}

impl Renderer<'_> {
    pub fn render(&self, input: &Input<'_>) -> Result<Rendered, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let mut placed = Placed::default();
        let source = self.expand_shortcodes(input, &mut placed, &mut errors);

        let mut options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_HEADING_ATTRIBUTES;
        if self.options.smart_punctuation {
            options |= Options::ENABLE_SMART_PUNCTUATION;
        }
        let mut events = PageEvents {
            renderer: self,
            input,
            parser: Parser::new_ext(&source, options),
            peeked: None,
            errors,
            headings: Vec::new(),
            used_ids: HashSet::new(),
            explicit_ids: Vec::new(),
            image_sources: Vec::new(),
            notes: Notes::default(),
        };
        let mut html = String::with_capacity(source.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, &mut events);
        let PageEvents {
            errors, headings, ..
        } = events;
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Rendered {
            html,
            headings,
            citations: placed.citations,
        })
    }

    /// Renders a field of story data (`file_text` is the data file, `markdown`
    /// the field at `offset`): raw HTML shows as text, footnote ids start with
    /// `item_id`, and relative links are read from `root_link`, the site's
    /// root, since a field shows on several pages.
    pub fn render_data_field(
        &self,
        path: &Path,
        file_text: &str,
        offset: usize,
        markdown: &str,
        item_id: &str,
        root_link: &str,
    ) -> Result<Rendered, Vec<Diagnostic>> {
        self.render(&Input {
            path,
            file_text,
            offset,
            markdown,
            allow_html: false,
            id_prefix: &format!("{item_id}-"),
            files_link: root_link,
            is_file_beside: &|_| true,
        })
    }

    /// Resolves `@/` links and refuses schemes that run code. A URL that
    /// needs no change, as most do, is borrowed as written.
    fn resolve_url<'u>(&self, url: &'u str, input: &Input<'_>) -> Result<Cow<'u, str>, String> {
        if let Some(target) = url.strip_prefix("@/") {
            let (key, fragment) = target
                .split_once('#')
                .map_or((target, None), |(k, f)| (k, Some(f)));
            let link = self
                .links
                .page(key)
                .map_err(|why| format!("the link @/{target} points to no page: {why}"))?;
            return Ok(match fragment {
                Some(fragment) => format!("{link}#{fragment}"),
                None => link,
            }
            .into());
        }
        if !is_safe_url(url) {
            return Err(format!(
                "the link {url:?} uses a scheme that is not allowed here"
            ));
        }
        let path_and_rest = || url.split_at(url.find(['#', '?']).unwrap_or(url.len()));
        if is_relative_path(url) {
            let path = percent_encoding::percent_decode_str(path_and_rest().0).decode_utf8_lossy();
            if (input.is_file_beside)(&path) {
                return Ok(format!("{}{url}", input.files_link).into());
            }
        } else if url.starts_with('/') && !url.starts_with("//") {
            // `/docs/report.pdf` for static/docs/report.pdf: under the base
            // path, with the name the build gives it.
            let (path, rest) = path_and_rest();
            let file = percent_encoding::percent_decode_str(&path[1..]).decode_utf8_lossy();
            if let Some(link) = self.links.static_file(&file) {
                return Ok(format!("{link}{rest}").into());
            }
        }
        Ok(Cow::Borrowed(url))
    }

    /// A link to another host, which may get `rel` and `target`.
    fn is_external(&self, url: &str) -> bool {
        (url.starts_with("https://") || url.starts_with("http://"))
            && !url.starts_with(self.base_url)
    }

    fn marks_external_links(&self) -> bool {
        !self.options.external_links_rel.is_empty() || self.options.external_links_new_tab
    }

    /// The opening tag of a link to another host, with the site's `rel`
    /// and `target`.
    fn external_link_tag(&self, url: &str, title: &str) -> String {
        let mut tag = String::from("<a href=\"");
        escape_href(&mut tag, url).expect("writing to a String");
        tag.push('"');
        if !title.is_empty() {
            tag.push_str(" title=\"");
            escape_html(&mut tag, title).expect("writing to a String");
            tag.push('"');
        }
        if !self.options.external_links_rel.is_empty() {
            tag.push_str(" rel=\"");
            escape_html(&mut tag, &self.options.external_links_rel.join(" "))
                .expect("writing to a String");
            tag.push('"');
        }
        if self.options.external_links_new_tab {
            tag.push_str(" target=\"_blank\"");
        }
        tag.push('>');
        tag
    }

    /// Replaces shortcode calls outside code with their HTML.
    fn expand_shortcodes<'t>(
        &self,
        input: &Input<'t>,
        placed: &mut Placed,
        errors: &mut Vec<Diagnostic>,
    ) -> Cow<'t, str> {
        let text = input.markdown;
        if !text.contains("{{") {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut in_fence: Option<&str> = None;
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let fence = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f));
            match (in_fence, fence) {
                (None, Some(f)) => in_fence = Some(f),
                (Some(open), Some(f)) if open == f => in_fence = None,
                _ => {}
            }
            if in_fence.is_some() || fence.is_some() || line.starts_with("    ") {
                out.push_str(line);
            } else {
                self.expand_line(input, line, line_start, &mut out, placed, errors);
            }
            line_start += line.len();
        }
        Cow::Owned(out)
    }

    fn expand_line(
        &self,
        input: &Input<'_>,
        line: &str,
        line_start: usize,
        out: &mut String,
        placed: &mut Placed,
        errors: &mut Vec<Diagnostic>,
    ) {
        let mut rest = line;
        let mut consumed = 0;
        while let Some(open) = rest.find("{{") {
            let before = &rest[..open];
            let in_code_span = line[..consumed + open].matches('`').count() % 2 == 1;
            let Some(close) = rest[open..].find("}}").map(|c| open + c + 2) else {
                // `{{ cite(id="x") }` would otherwise reach readers as text.
                if !in_code_span && looks_like_call(&rest[open + 2..]) {
                    let at = input.offset + line_start + consumed + open;
                    let message = "this shortcode is not closed: end it with `}}` on the same line (to show it as text, write {{/* ... */}})";
                    errors.push(
                        Diagnostic::error(input.path, message).at_offset(input.file_text, at),
                    );
                }
                break;
            };
            out.push_str(before);
            let call_text = &rest[open..close];
            let at = input.offset + line_start + consumed + open;
            if in_code_span {
                out.push_str(call_text);
            } else if let Some(literal) = call_text
                .strip_prefix("{{/*")
                .and_then(|t| t.strip_suffix("*/}}"))
            {
                out.push_str("{{");
                out.push_str(literal);
                out.push_str("}}");
            } else {
                let alone = line.trim() == call_text;
                match self.expand_call(call_text, alone, placed) {
                    Ok(html) => out.push_str(&html),
                    Err(message) => {
                        errors.push(
                            Diagnostic::error(input.path, message).at_offset(input.file_text, at),
                        );
                    }
                }
            }
            consumed += close;
            rest = &rest[close..];
        }
        out.push_str(rest);
    }

    fn expand_call(
        &self,
        call_text: &str,
        alone: bool,
        placed: &mut Placed,
    ) -> Result<String, String> {
        let call = parse_call(call_text)?;
        let is_block = self.shortcodes.is_block(&call.name).ok_or_else(|| {
            format!(
                "unknown shortcode `{}`: use quote, event or cite",
                call.name
            )
        })?;
        if is_block && !alone {
            return Err(format!(
                "`{}` places a block: put it alone on its own line, with blank lines around it",
                call.name
            ));
        }
        if is_block && !placed.blocks.insert(format!("{}/{}", call.name, call.id)) {
            return Err(format!(
                "the {} {:?} is already placed on this page, and its id may be there only once: link to it instead",
                call.name, call.id
            ));
        }
        let html = self.shortcodes.render(&call, &mut placed.citations)?;
        // An HTML block ends at a blank line, so a block shortcode's markup
        // must have none, and needs one after it: without, the line after
        // the shortcode would be part of the block, and its Markdown shown
        // as written.
        Ok(if is_block {
            let lines: Vec<&str> = html.lines().filter(|l| !l.trim().is_empty()).collect();
            lines.join("\n") + "\n"
        } else {
            html.replace('\n', " ")
        })
    }
}

/// Reads `{{ name(id="value") }}`.
pub fn parse_call(text: &str) -> Result<ShortcodeCall, String> {
    let usage = || {
        // The example is of the shortcode written, if its name can be read.
        let example = match text
            .trim_start_matches('{')
            .split(['(', ' ', '}'])
            .find(|s| !s.is_empty())
        {
            Some(name @ ("quote" | "event")) => format!("{name}(id=\"{name}-id\")"),
            _ => "cite(id=\"source-id\")".to_string(),
        };
        format!("cannot read the shortcode {text}: write it as {{{{ {example} }}}}")
    };
    let inner = text
        .strip_prefix("{{")
        .and_then(|t| t.strip_suffix("}}"))
        .ok_or_else(usage)?
        .trim();
    let (name, args) = inner.split_once('(').ok_or_else(usage)?;
    let args = args.trim_end().strip_suffix(')').ok_or_else(usage)?.trim();
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(usage());
    }
    let (key, value) = args.split_once('=').ok_or_else(usage)?;
    if key.trim() != "id" {
        return Err(format!(
            "the shortcode `{name}` takes one argument, id=\"…\"; found `{}`",
            key.trim()
        ));
    }
    let value = value.trim();
    let id = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .ok_or_else(usage)?;
    Ok(ShortcodeCall {
        name: name.to_string(),
        id: id.to_string(),
    })
}

/// Plain text (a quote, a title) with the typographer's punctuation that
/// `smart_punctuation` gives Markdown: straight quotes curled, `--` and
/// `---` as dashes, `...` as an ellipsis. Nothing else changes: the text goes
/// through pulldown-cmark, the same pass as page text, with every other
/// character that Markdown reads escaped, so `*`, `<` or `1.` stay as written.
pub fn smart_punctuation(text: &str) -> String {
    if !(text.contains(['\'', '"']) || text.contains("--") || text.contains("...")) {
        return text.to_string();
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            escaped.push('\n');
        }
        // Indentation would make a code block, and a line's first `-` or
        // digits and `.`, before a space, a list: escape what could start one.
        let line = line.trim_start_matches([' ', '\t']);
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let is_rule = line.bytes().all(|b| b == b'-' || b == b' ');
        for (i, c) in line.char_indices() {
            let is_marker = (i == 0 && c == '-' || i == digits && digits > 0 && c == '.')
                && (is_rule || line[i + 1..].starts_with([' ', '\t']) || i + 1 == line.len());
            if c.is_ascii_punctuation() && (is_marker || !matches!(c, '\'' | '"' | '-' | '.')) {
                escaped.push('\\');
            }
            escaped.push(c);
        }
    }
    let mut typeset = String::with_capacity(text.len() + 16);
    for event in Parser::new_ext(&escaped, Options::ENABLE_SMART_PUNCTUATION) {
        match event {
            Event::Text(t) => typeset.push_str(&t),
            Event::SoftBreak | Event::HardBreak => typeset.push('\n'),
            Event::Start(Tag::Paragraph) if !typeset.is_empty() => typeset.push_str("\n\n"),
            _ => {}
        }
    }
    typeset
}

/// Whether text after `{{` starts like a shortcode call: a name and `(`.
fn looks_like_call(text: &str) -> bool {
    let text = text.trim_start();
    let name_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    name_len > 0 && text[name_len..].trim_start().starts_with('(')
}

fn prefixed<'a>(prefix: &str, label: &str) -> CowStr<'a> {
    format!("{prefix}fn-{label}").into()
}

/// `chart.png` or `files/report.pdf`: a path relative to the Markdown file.
fn is_relative_path(url: &str) -> bool {
    !url.is_empty() && !url.starts_with(['/', '#', '?']) && !url.contains(':')
}

/// Allows relative links, fragments, and the schemes a reader expects.
pub fn is_safe_url(url: &str) -> bool {
    let scheme_end = url.find(':');
    let first_separator = url.find(['/', '?', '#']);
    match (scheme_end, first_separator) {
        (Some(colon), sep) if sep.is_none_or(|s| colon < s) => {
            let scheme = &url[..colon];
            ["http", "https", "mailto", "tel"]
                .iter()
                .any(|allowed| scheme.eq_ignore_ascii_case(allowed))
        }
        _ => true,
    }
}

fn locate(input: &Input<'_>, dest: &str, message: String) -> Diagnostic {
    locate_nth(input, dest, 0, message)
}

/// Like [`locate`], at the `nth` place (from 0) `dest` is written, or the
/// last if there are fewer.
fn locate_nth(input: &Input<'_>, dest: &str, nth: usize, message: String) -> Diagnostic {
    // Searched in the file from where the Markdown starts, not in the
    // Markdown: a data field's text starts after its quotes, and it and a
    // page's body may differ from what is written (escapes, shortcodes).
    let from = input.offset;
    let rest = input.file_text.get(from..).unwrap_or_default();
    let mut found = rest.match_indices(dest).map(|(i, _)| i);
    let found = found.nth(nth).or_else(|| rest.rfind(dest));
    Diagnostic::error(input.path, message)
        .at_offset(input.file_text, from + found.unwrap_or_default())
}

/// A page's events on their way to HTML: links resolved and checked,
/// footnote ids prefixed, raw HTML kept only where it is allowed, and each
/// heading replaced by one piece of HTML (see [`heading_html`]). One adapter
/// rather than a chain of them, since every event of every page passes here.
struct PageEvents<'r, 'e> {
    renderer: &'r Renderer<'r>,
    input: &'r Input<'r>,
    parser: Parser<'e>,
    /// The event after an image, read early for the image's alt text.
    peeked: Option<Event<'e>>,
    errors: Vec<Diagnostic>,
    headings: Vec<Heading>,
    used_ids: HashSet<String>,
    /// The `{#id}`s written so far, in order, to find the heading that
    /// repeats one.
    explicit_ids: Vec<String>,
    /// The images' sources so far, to find the one without alt text when
    /// a page shows the same image twice.
    image_sources: Vec<String>,
    notes: Notes,
}

/// Footnotes, gathered to be listed at the end of the piece, each with a
/// link back to where it is cited: pulldown-cmark writes a note where its
/// text is written, which is often mid-page.
#[derive(Default)]
struct Notes {
    /// Labels (prefixed, `fn-1`) in the order they are first cited: their numbers.
    cited: Vec<String>,
    /// Each note's label and HTML, as written.
    written: Vec<(String, String)>,
    listed: bool,
}

impl Notes {
    /// The reference to a note, numbered; the first carries the id the
    /// note's link back leads to.
    fn reference(&mut self, label: &str) -> String {
        let (number, first) = match self.cited.iter().position(|c| c == label) {
            Some(i) => (i + 1, false),
            None => {
                self.cited.push(label.to_string());
                (self.cited.len(), true)
            }
        };
        let id = if first {
            format!(" id=\"{label}-ref\"")
        } else {
            String::new()
        };
        format!("<sup class=\"footnote-reference\"{id}><a href=\"#{label}\">{number}</a></sup>")
    }

    /// The list of notes, once, in the order they are cited (notes never
    /// cited last).
    fn list(&mut self) -> Option<String> {
        if self.listed || self.written.is_empty() {
            return None;
        }
        self.listed = true;
        let place = |label: &str| {
            self.cited
                .iter()
                .position(|c| c == label)
                .unwrap_or(usize::MAX)
        };
        self.written.sort_by_key(|(label, _)| place(label));
        // As little markup as will do: every element costs the minifier
        // more than its bytes, on every page with a note.
        let mut html = String::from("<ol class=\"footnotes\" aria-label=\"Notes\">");
        for (label, text) in &self.written {
            let back = if self.cited.contains(label) {
                format!(" <a href=\"#{label}-ref\" aria-label=\"Back to the text\">↩</a>")
            } else {
                String::new()
            };
            // The link back ends the note's last paragraph, not a line of its own.
            let text = text.trim_end();
            let (body, end) = text
                .strip_suffix("</p>")
                .map_or((text, ""), |b| (b, "</p>"));
            html.push_str(&format!("<li id=\"{label}\">{body}{back}{end}</li>"));
        }
        html.push_str("</ol>");
        Some(html)
    }
}

impl<'e> Iterator for PageEvents<'_, 'e> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        // Links are resolved before a heading is rendered, so a link inside
        // a heading is too.
        let Some(mut event) = self.next_from_parser() else {
            return self.notes.list().map(|html| Event::Html(html.into()));
        };
        if needs_resolving(&event) {
            self.resolve(&mut event);
        }
        if let Event::Start(Tag::FootnoteDefinition(label)) = &event {
            self.gather_note(label.to_string());
            return self.next();
        }
        let Event::Start(Tag::Heading {
            level, id, classes, ..
        }) = event
        else {
            return Some(event);
        };
        let mut inner = Vec::new();
        while let Some(mut event) = self.next_from_parser() {
            if matches!(event, Event::End(TagEnd::Heading(_))) {
                break;
            }
            if needs_resolving(&event) {
                self.resolve(&mut event);
            }
            inner.push(event);
        }
        if let Some(id) = &id {
            self.explicit_ids.push(id.to_string());
            if self.used_ids.contains(id.as_ref()) {
                self.errors.push(self.repeated_id(id));
            }
        }
        let self_link = self.renderer.options.heading_links;
        let (html, heading) =
            heading_html(level, id, &classes, inner, self_link, &mut self.used_ids);
        self.headings.push(heading);
        Some(Event::Html(html.into()))
    }
}

/// Whether [`PageEvents::resolve`] may change the event (keep the two in
/// step): checked before the call, as most events are text and ends of tags
/// that pass unchanged, and calling for each cost 0.4% of a build's work.
#[inline]
fn needs_resolving(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::FootnoteDefinition(_))
            | Event::FootnoteReference(_)
            | Event::Html(_)
            | Event::InlineHtml(_)
    )
}

impl<'e> PageEvents<'_, 'e> {
    /// Reads a note's text up to its end, to list it with the others.
    fn gather_note(&mut self, label: String) {
        let mut inner = Vec::new();
        while let Some(mut event) = self.next_from_parser() {
            if matches!(event, Event::End(TagEnd::FootnoteDefinition)) {
                break;
            }
            if needs_resolving(&event) {
                self.resolve(&mut event);
            }
            inner.push(event);
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, inner.into_iter());
        self.notes.written.push((label, html));
    }

    /// A heading's `{#id}` that an earlier heading has: the id would
    /// silently become another, and links to it lead to the first.
    fn repeated_id(&self, id: &str) -> Diagnostic {
        let input = self.input;
        // The heading being read is the nth to write `#id` (whole, on a
        // heading line: `[link](#id)` and `{#id-2}` are not it).
        let nth = self
            .explicit_ids
            .iter()
            .filter(|written| *written == id)
            .count();
        let written = format!("#{id}");
        let rest = input.file_text.get(input.offset..).unwrap_or_default();
        let at = rest
            .match_indices(&written)
            .map(|(i, _)| i)
            .filter(|&i| {
                let line_start = rest[..i].rfind('\n').map_or(0, |n| n + 1);
                let after = rest[i + written.len()..].chars().next();
                rest[line_start..].trim_start().starts_with('#')
                    && after.is_none_or(|c| c == '}' || c.is_whitespace())
            })
            .nth(nth.saturating_sub(1))
            .map_or(input.offset, |i| input.offset + i + 1);
        Diagnostic::error(
            input.path,
            format!(
                "the heading id {id:?} is used twice on this page: give one of the headings another"
            ),
        )
        .at_offset(input.file_text, at)
    }

    fn next_from_parser(&mut self) -> Option<Event<'e>> {
        self.peeked.take().or_else(|| self.parser.next())
    }

    /// Rewrites the events that need it (those [`needs_resolving`] names), in
    /// place: moving an event (about 80 bytes) in and out costs more than
    /// looking at it.
    fn resolve(&mut self, event: &mut Event<'e>) {
        let (renderer, input) = (self.renderer, self.input);
        match event {
            // An email autolink (`<a@b.org>`) is left to pulldown-cmark,
            // which writes it as a `mailto:` link.
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) if *link_type != LinkType::Email => {
                // pulldown-cmark writes `<a href title>` as we would; only a
                // link that needs our `rel` or `target` gets a tag of ours,
                // which pulldown-cmark's `</a>` closes all the same.
                match renderer.resolve_url(dest_url, input) {
                    Ok(url) if renderer.is_external(&url) && renderer.marks_external_links() => {
                        *event = Event::Html(renderer.external_link_tag(&url, title).into());
                    }
                    Ok(Cow::Borrowed(_)) => {}
                    Ok(Cow::Owned(url)) => *dest_url = url.into(),
                    Err(message) => {
                        self.errors.push(locate(input, dest_url, message));
                        *dest_url = CowStr::Borrowed("");
                    }
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.peeked = self.parser.next();
                let has_alt = matches!(&self.peeked, Some(Event::Text(t)) if !t.trim().is_empty());
                // As text: CowStr's Debug would show `Borrowed("…")`.
                let source: &str = dest_url;
                if !has_alt {
                    let earlier = self.image_sources.iter().filter(|s| *s == source).count();
                    self.errors.push(locate_nth(
                        input,
                        source,
                        earlier,
                        format!("the image {source:?} has no alt text: describe it between the brackets, ![like this]({source})"),
                    ));
                }
                self.image_sources.push(source.to_string());
                match renderer.resolve_url(dest_url, input) {
                    Ok(Cow::Borrowed(_)) => {}
                    Ok(Cow::Owned(url)) => *dest_url = url.into(),
                    Err(message) => {
                        self.errors.push(locate(input, dest_url, message));
                        *dest_url = CowStr::Borrowed("");
                    }
                }
            }
            Event::FootnoteReference(label) => {
                let label = prefixed(input.id_prefix, label);
                *event = Event::InlineHtml(self.notes.reference(&label).into());
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                *label = prefixed(input.id_prefix, label);
            }
            Event::Html(html) | Event::InlineHtml(html) if !input.allow_html => {
                *event = Event::Text(std::mem::replace(html, CowStr::Borrowed("")));
            }
            _ => {}
        }
    }
}

/// Renders one heading with a unique id. With `self_link`, its text is the
/// link to itself, as in mdBook: the lightest markup, named by the heading's
/// own words. A heading that already holds a link (or raw HTML, which may)
/// cannot be wrapped in another, so it gets a separate `#` link after its text.
fn heading_html(
    level: HeadingLevel,
    explicit_id: Option<CowStr<'_>>,
    classes: &[CowStr<'_>],
    inner: Vec<Event<'_>>,
    self_link: bool,
    used_ids: &mut HashSet<String>,
) -> (String, Heading) {
    let title: String = inner
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let base = explicit_id
        .map(|id| id.to_string())
        .unwrap_or_else(|| crate::content::slugify(&title));
    let base = if base.is_empty() {
        "section".to_string()
    } else {
        base
    };
    let mut id = base.clone();
    let mut n = 1;
    while !used_ids.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    // Links reach here resolved by `PageEvents`, some of them as `Html`.
    let holds_link = inner.iter().any(|e| {
        matches!(
            e,
            Event::Start(Tag::Link { .. })
                | Event::Html(_)
                | Event::InlineHtml(_)
                | Event::FootnoteReference(_)
        )
    });
    let level_number = level as u8;
    let mut html = format!("<h{level_number} id=\"");
    escape_html(&mut html, &id).expect("writing to a String");
    html.push('"');
    if !classes.is_empty() {
        html.push_str(" class=\"");
        escape_html(&mut html, &classes.join(" ")).expect("writing to a String");
        html.push('"');
    }
    html.push('>');
    if !self_link || title.trim().is_empty() {
        // No words to name a link by (`##` alone, or only an image): the
        // heading keeps its id and gets no self-link.
        pulldown_cmark::html::push_html(&mut html, inner.into_iter());
    } else if holds_link {
        pulldown_cmark::html::push_html(&mut html, inner.into_iter());
        html.push_str(" <a class=\"heading-anchor\" href=\"#");
        escape_href(&mut html, &id).expect("writing to a String");
        html.push_str("\" aria-label=\"Link to this section: ");
        escape_html(&mut html, &title).expect("writing to a String");
        html.push_str("\"><span aria-hidden=\"true\">#</span></a>");
    } else {
        html.push_str("<a href=\"#");
        escape_href(&mut html, &id).expect("writing to a String");
        html.push_str("\">");
        pulldown_cmark::html::push_html(&mut html, inner.into_iter());
        html.push_str("</a>");
    }
    let _ = writeln!(html, "</h{level_number}>");
    (
        html,
        Heading {
            level: level_number,
            id,
            title,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_punctuation_curls_quotes_dashes_and_dots() {
        assert_eq!(
            smart_punctuation(r#"He said "it's done" -- and left... 'soon'---maybe"#),
            "He said “it’s done” – and left… ‘soon’—maybe"
        );
        assert_eq!(smart_punctuation("No quotes here"), "No quotes here");
        assert_eq!(smart_punctuation("1999... was a year"), "1999… was a year");
        assert_eq!(smart_punctuation("-- a dash first"), "– a dash first");
        assert_eq!(smart_punctuation("\u{a0}'kept'"), "\u{a0}‘kept’");
    }

    #[test]
    fn smart_punctuation_leaves_markdown_syntax_as_written() {
        for text in [
            r"*not emphasis* _nor_ `code` <b>html</b> &amp; [a](b) \ # x",
            "- not a list",
            "1. nor a numbered one",
            "2) nor this",
            "> nor a quote",
            "***",
            "+ nor this",
            "# not a heading",
            "=====",
            "<https://example.org>",
        ] {
            assert_eq!(smart_punctuation(text), text, "{text:?}");
        }
        // Indentation would make a code block; a page shows it collapsed anyway.
        assert_eq!(smart_punctuation("    'indented'"), "‘indented’");
        assert_eq!(smart_punctuation("one\ntwo"), "one\ntwo");
        assert_eq!(smart_punctuation("one\n\ntwo"), "one\n\ntwo");
    }

    /// Whatever the text, only quotes, dashes and dots change: undoing them
    /// gives the text back (trimmed), for many generated lines.
    #[test]
    fn smart_punctuation_changes_nothing_else() {
        let mut rng = fastrand::Rng::with_seed(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let len = rng.usize(..24);
            let text: String = (0..len).map(|_| rng.char(' '..='~')).collect();
            let undone = smart_punctuation(&text)
                .replace(['’', '‘'], "'")
                .replace(['“', '”'], "\"")
                .replace('—', "---")
                .replace('–', "--")
                .replace('…', "...");
            // Text that needs no typesetting is returned as it is; text
            // that goes through Markdown loses its outer spaces.
            let typeset = text.contains(['\'', '"']) || text.contains("--") || text.contains("...");
            let expected = if typeset {
                text.trim_matches(' ')
            } else {
                &text
            };
            assert_eq!(undone, expected, "{text:?}");
        }
    }

    struct NoShortcodes;
    impl Shortcodes for NoShortcodes {
        fn is_block(&self, name: &str) -> Option<bool> {
            match name {
                "quote" => Some(true),
                "cite" => Some(false),
                _ => None,
            }
        }
        fn render(
            &self,
            call: &ShortcodeCall,
            citations: &mut Vec<String>,
        ) -> Result<String, String> {
            if call.id == "missing" {
                return Err(format!("unknown id {:?}", call.id));
            }
            citations.push(call.id.clone());
            Ok(format!("<figure>\n\n{}\n</figure>", call.id))
        }
    }

    fn render(markdown: &str) -> Result<Rendered, Vec<Diagnostic>> {
        render_with(&MarkdownConfig::default(), markdown)
    }

    fn render_with(options: &MarkdownConfig, markdown: &str) -> Result<Rendered, Vec<Diagnostic>> {
        struct TestLinks;
        impl SiteLinks for TestLinks {
            fn page(&self, key: &str) -> Result<String, String> {
                match key {
                    "timeline.md" => Ok("/base/timeline/".to_string()),
                    _ => Err(format!("there is no content/{key}")),
                }
            }
            fn static_file(&self, path: &str) -> Option<String> {
                (path == "docs/report.pdf").then(|| "/base/docs/report.1a2b3c4d.pdf".to_string())
            }
        }
        let renderer = Renderer {
            options,
            base_url: "https://example.org/base/",
            links: &TestLinks,
            shortcodes: &NoShortcodes,
        };
        renderer.render(&Input {
            path: Path::new("content/a.md"),
            file_text: markdown,
            offset: 0,
            markdown,
            allow_html: true,
            id_prefix: "",
            files_link: "/base/docs/",
            is_file_beside: &|path| path == "chart.png" || path.starts_with("files/"),
        })
    }

    #[test]
    fn relative_links_resolve_beside_the_markdown_file() {
        let r = render(
            "![Chart](chart.png) [PDF](files/a.pdf#page=2) [top](#top) [abs](/x/) [sibling](../b/)",
        )
        .unwrap();
        assert!(
            render("Text ![](chart.png)").is_err(),
            "an image needs alt text"
        );
        assert!(
            r.html.contains("src=\"/base/docs/chart.png\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"/base/docs/files/a.pdf#page=2\""));
        // Not a file beside the Markdown: the browser resolves it from the page.
        assert!(r.html.contains("href=\"../b/\""), "{}", r.html);
        assert!(r.html.contains("href=\"#top\"") && r.html.contains("href=\"/x/\""));
    }

    #[test]
    fn headings_get_unique_ids_and_self_links() {
        let r = render("# Hello *world*\n\n## Hello world\n\n## Custom {#mine}\n").unwrap();
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["hello-world", "hello-world-1", "mine"]);
        assert!(
            r.html.contains(
                "<h1 id=\"hello-world\"><a href=\"#hello-world\">Hello <em>world</em></a></h1>"
            ),
            "{}",
            r.html
        );
    }

    #[test]
    fn a_heading_id_written_twice_is_an_error_at_the_second() {
        let errors =
            render("## A {#dup}\n\n[to](#dup)\n\n## B {#dup}\n\n[to](#dup)\n").unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let shown = errors[0].to_string();
        assert!(
            shown.starts_with("content/a.md:5:8: error: the heading id \"dup\" is used twice"),
            "{shown}"
        );
        // Taken by an earlier heading's own words, too.
        assert!(render("## Dup\n\n## Other {#dup}\n").is_err());
        // Each repeat at its own heading, and `{#dx}` is not `{#d}`.
        let errors = render("## A {#d}\n\n## B {#d}\n\n## D {#dx}\n\n## C {#d}\n").unwrap_err();
        let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(3), Some(7)]);
        assert!(
            render("## Dup {#dup}\n\n## Dup\n").is_ok(),
            "ids made from words step aside"
        );
    }

    #[test]
    fn without_heading_links_headings_keep_their_ids_and_link_nowhere() {
        let options = MarkdownConfig {
            heading_links: false,
            ..MarkdownConfig::default()
        };
        let r = render_with(&options, "## Hello *world*\n\n## See [it](#top)\n").unwrap();
        assert_eq!(
            r.html,
            "<h2 id=\"hello-world\">Hello <em>world</em></h2>\n\
             <h2 id=\"see-it\">See <a href=\"#top\">it</a></h2>\n"
        );
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["hello-world", "see-it"]);
    }

    #[test]
    fn a_heading_holding_a_link_gets_a_separate_self_link_and_its_link_resolved() {
        // Links inside headings go through the same checks as any other.
        let r = render("## See [the timeline](@/timeline.md)\n").unwrap();
        assert!(
            r.html.contains(
                "<h2 id=\"see-the-timeline\">See <a href=\"/base/timeline/\">the timeline</a> \
                 <a class=\"heading-anchor\" href=\"#see-the-timeline\" \
                 aria-label=\"Link to this section: See the timeline\">"
            ),
            "{}",
            r.html
        );
        let errors = render("## See [gone](@/gone.md)\n").unwrap_err();
        assert!(errors[0].to_string().contains("@/gone.md"), "{errors:?}");
        let footnote = render("## Pay[^1]\n\n[^1]: Per year.\n").unwrap();
        assert!(
            footnote.html.contains("class=\"heading-anchor\""),
            "{}",
            footnote.html
        );
    }

    #[test]
    fn a_heading_without_words_gets_no_empty_self_link() {
        // An empty link would be announced as nothing, and fail the checks.
        let r = render("##\n\n## ![Logo](logo.png)\n").unwrap();
        assert_eq!(r.headings.len(), 2);
        assert!(!r.html.contains("href=\"#section"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"section\"></h2>"), "{}", r.html);
        assert!(
            r.html.contains("<img src=\"logo.png\" alt=\"Logo\" />"),
            "{}",
            r.html
        );
    }

    #[test]
    fn at_links_resolve_and_unknown_ones_are_located() {
        let r = render("See [the timeline](@/timeline.md#july).").unwrap();
        assert!(
            r.html.contains("<a href=\"/base/timeline/#july\">"),
            "{}",
            r.html
        );
        let errors = render("Intro\n\nSee [x](@/nope.md).").unwrap_err();
        assert_eq!((errors[0].line, errors[0].column), (Some(3), Some(9)));
    }

    #[test]
    fn external_links_get_rel_and_scripts_are_refused() {
        let r = render("[a](https://other.org/) [b](https://example.org/base/x/)").unwrap();
        assert!(
            r.html
                .contains("<a href=\"https://other.org/\" rel=\"noopener noreferrer\">")
        );
        assert!(r.html.contains("<a href=\"https://example.org/base/x/\">"));
        assert!(render("[x](javascript:alert(1))").is_err());
        assert!(render("[x](JavaScript:alert(1))").is_err());
        assert!(render("[x](MAILTO:a@example.org)").is_ok());
        let titled = render("[a](https://other.org/ \"The <other> site\")").unwrap();
        assert!(
            titled.html.contains(
                "<a href=\"https://other.org/\" title=\"The &lt;other&gt; site\" \
                 rel=\"noopener noreferrer\">a</a>"
            ),
            "{}",
            titled.html
        );
        let plain = MarkdownConfig {
            external_links_rel: Vec::new(),
            ..MarkdownConfig::default()
        };
        let r = render_with(&plain, "[a](https://other.org/?q=1&r=\"2\")").unwrap();
        assert_eq!(
            r.html,
            "<p><a href=\"https://other.org/?q=1&amp;r=%222%22\">a</a></p>\n"
        );
    }

    #[test]
    fn email_autolinks_are_mailto_links() {
        let r = render("Write to <press@example.org>.").unwrap();
        assert!(
            r.html
                .contains("<a href=\"mailto:press@example.org\">press@example.org</a>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn shortcodes_expand_outside_code_only() {
        let r = render("{{ quote(id=\"q\") }}\n\nText {{ cite(id='s') }}.\n\n```\n{{ cite(id=\"s\") }}\n```\n\n`{{ cite(id=\"s\") }}` and {{/* cite(id=\"x\") */}}").unwrap();
        assert!(r.html.contains("<figure>\nq\n</figure>"), "{}", r.html);
        assert_eq!(r.citations, ["q", "s"]);
        assert!(
            r.html.contains("<code>{{ cite(id=\"s\") }}\n</code>"),
            "{}",
            r.html
        );
        // Smart punctuation still curls the quotes of the literal text.
        assert!(
            r.html
                .contains("<code>{{ cite(id=\"s\") }}</code> and {{ cite(id=“x”) }}"),
            "{}",
            r.html
        );
    }

    #[test]
    fn markdown_right_after_a_block_shortcode_is_markdown() {
        let r =
            render("{{ quote(id=\"q\") }}\nSee [the timeline](@/timeline.md), *then*.\n").unwrap();
        assert!(
            r.html
                .contains("<a href=\"/base/timeline/\">the timeline</a>, <em>then</em>"),
            "{}",
            r.html
        );
        let errors = render("{{ quote(id=\"q\") }}\n[gone](@/gone.md)\n").unwrap_err();
        assert_eq!((errors[0].line, errors[0].column), (Some(2), Some(8)));
    }

    #[test]
    fn a_block_is_placed_once_a_page_and_a_source_cited_often() {
        let errors =
            render("{{ quote(id=\"q\") }}\n\nSee {{ cite(id=\"s\") }} {{ cite(id=\"s\") }}.\n\n{{ quote(id=\"q\") }}\n")
                .unwrap_err();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 1, "{shown:?}");
        assert!(
            shown[0].starts_with("content/a.md:5:1: error: the quote \"q\" is already placed"),
            "{shown:?}"
        );
    }

    #[test]
    fn shortcode_errors_are_located() {
        let errors = render("Line one\n\nA {{ cite(id=\"missing\") }} and {{ nope(id=\"x\") }}\n\nInline {{ quote(id=\"q\") }} here").unwrap_err();
        let places: Vec<_> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(
            places,
            [(Some(3), Some(3)), (Some(3), Some(32)), (Some(5), Some(8))]
        );
    }

    #[test]
    fn a_shortcode_written_wrong_is_shown_written_right() {
        let usage = |text: &str| parse_call(text).unwrap_err();
        assert!(
            usage("{{ quote(id=judd) }}").ends_with("write it as {{ quote(id=\"quote-id\") }}")
        );
        assert!(usage("{{event(id=a b)}}").ends_with("write it as {{ event(id=\"event-id\") }}"));
        assert!(usage("{{ cite(source) }}").ends_with("write it as {{ cite(id=\"source-id\") }}"));
        assert!(usage("{{ (id=\"x\") }}").ends_with("write it as {{ cite(id=\"source-id\") }}"));
    }

    #[test]
    fn a_shortcode_left_open_is_an_error_not_text() {
        let errors = render("Intro\n\nSee {{ cite(id=\"s\") }.\n").unwrap_err();
        assert_eq!((errors[0].line, errors[0].column), (Some(3), Some(5)));
        assert!(errors[0].message.contains("not closed"), "{errors:?}");
        // Braces that are not a call, or are code, stay text.
        let r = render("Code `{{ cite(id=\"s\") }` stays.\n\nSo do {{ braces").unwrap();
        assert!(
            r.html.contains("<code>{{ cite(id=\"s\") }</code>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("So do {{ braces"), "{}", r.html);
    }

    #[test]
    fn images_need_alt_text() {
        let r = render("![A chart of hires by month](chart.png)").unwrap();
        assert!(
            r.html.contains("alt=\"A chart of hires by month\""),
            "{}",
            r.html
        );
        let errors =
            render("Intro\n\n![](chart.png) and ![ ](files/b.png)\n\n![Fine](files/c.png)")
                .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].column), (Some(3), Some(5)));
        for (error, link) in errors.iter().zip(["chart.png", "files/b.png"]) {
            let expected = format!("the image {link:?} has no alt text");
            assert!(error.message.starts_with(&expected), "{errors:?}");
        }
        // The same image, shown again without alt text: that use, not the first.
        let errors = render("![A chart](chart.png)\n\nAgain:\n\n![](chart.png)").unwrap_err();
        assert_eq!(
            (errors[0].line, errors[0].column),
            (Some(5), Some(5)),
            "{errors:?}"
        );
    }

    #[test]
    fn a_link_to_a_static_file_gets_the_name_the_build_gives_it() {
        let r =
            render("[The rates](/docs/report.pdf#page=2), [elsewhere](/docs/other.pdf)").unwrap();
        assert!(
            r.html
                .contains("href=\"/base/docs/report.1a2b3c4d.pdf#page=2\""),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("href=\"/docs/other.pdf\""),
            "left for the checks: {}",
            r.html
        );
    }

    #[test]
    fn footnotes_are_prefixed() {
        let r = render("Claim[^1].\n\n[^1]: Note.").unwrap();
        assert!(r.html.contains("href=\"#fn-1\""), "{}", r.html);
        assert!(r.html.contains("id=\"fn-1\""));
    }

    #[test]
    fn footnotes_are_listed_at_the_end_in_citing_order_with_links_back() {
        let r = render(
            "Claim[^1], again[^1], another[^b].\n\n[^b]: The *second* note.\n\n[^1]: The first.\n\nThe last paragraph.",
        )
        .unwrap();
        let (text, notes) = r
            .html
            .split_once("<ol class=\"footnotes\" aria-label=\"Notes\">")
            .expect(&r.html);
        assert!(
            text.ends_with("<p>The last paragraph.</p>\n"),
            "notes wait for the end: {}",
            r.html
        );
        assert_eq!(
            text.matches("id=\"fn-1-ref\"").count(),
            1,
            "one id, on the first citation"
        );
        assert!(text.contains("<a href=\"#fn-1\">1</a></sup>, again<sup class=\"footnote-reference\"><a href=\"#fn-1\">1</a>"), "{text}");
        assert!(text.contains("<a href=\"#fn-b\">2</a>"), "{text}");
        let first = notes
            .find("<li id=\"fn-1\"><p>The first. <a href=\"#fn-1-ref\"")
            .expect(notes);
        let second = notes
            .find("<li id=\"fn-b\"><p>The <em>second</em> note.")
            .expect(notes);
        assert!(first < second, "{notes}");
    }

    #[test]
    fn data_fields_show_html_as_text() {
        let options = MarkdownConfig::default();
        let renderer = Renderer {
            options: &options,
            base_url: "https://e.org/",
            links: &NoLinks,
            shortcodes: &NoShortcodes,
        };
        let text = "<script>alert(1)</script>\n\nHi <b>x</b>";
        let r = renderer
            .render(&Input {
                path: Path::new("d.toml"),
                file_text: text,
                offset: 0,
                markdown: text,
                allow_html: false,
                id_prefix: "",
                files_link: "/",
                is_file_beside: &|_| true,
            })
            .unwrap();
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;b&gt;"));
    }
}
