//! Fuzzes the Markdown pipeline: shortcode expansion, pulldown-cmark with
//! Broadside's link, image, heading and footnote handling, then the HTML
//! minifier the build runs on every page.
//!
//! The first byte chooses options (bit 0: raw HTML allowed, as in pages;
//! clear, as in data fields; bit 1: smart punctuation off; bit 2: external
//! links open a new tab; bit 3: a footnote id prefix; bit 4: the rest is a
//! whole page whose body follows `+++` front matter). The rest, if UTF-8, is
//! the Markdown.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run markdown -- -dict=dicts/markdown.dict`

#![no_main]

use std::collections::HashSet;
use std::path::Path;

use broadside::config::MarkdownConfig;
use broadside::content::front_matter;
use broadside::markdown::{Input, Renderer, ShortcodeCall, Shortcodes};
use broadside::output::minify_html;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

/// Pages that exist, for `@/` links.
const PAGES: [&str; 6] = [
    "_index.md",
    "timeline.md",
    "quotes.md",
    "sources.md",
    "explainer.md",
    "about.md",
];

/// Fixed HTML for `quote`, `event` and `cite`, shaped like the theme's
/// partials (blank lines and all); the id `missing` is unknown.
struct FixedShortcodes;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Shortcodes for FixedShortcodes {
    fn render(&self, call: &ShortcodeCall, citations: &mut Vec<String>) -> Result<String, String> {
        if call.id == "missing" || call.id.is_empty() {
            return Err(format!("unknown {} id {:?} (known: a, b)", call.name, call.id));
        }
        let id = escape(&call.id);
        match call.name.as_str() {
            "quote" => Ok(format!(
                "<figure class=\"quote\" id=\"quote-{id}\">\n\n  <blockquote>\n    <p>Words of {id}</p>\n  </blockquote>\n\n  <figcaption>Someone, <time datetime=\"2025-07\">July 2025</time></figcaption>\n</figure>\n"
            )),
            "event" => Ok(format!(
                "<article class=\"event\" id=\"event-{id}\">\n  <h3>Event {id}</h3>\n\n  <p>What happened.</p>\n  <script>document.body.dataset.event = \"{id}\";</script>\n</article>"
            )),
            "cite" => {
                let n = match citations.iter().position(|c| *c == call.id) {
                    Some(i) => i + 1,
                    None => {
                        citations.push(call.id.clone());
                        citations.len()
                    }
                };
                Ok(format!(
                    "<sup class=\"cite\">\n<a href=\"/base/sources/#source-{id}\">[{n}]</a>\n</sup>"
                ))
            }
            other => Err(format!("unknown shortcode {other}")),
        }
    }
}

fn render(flags: u8, text: &str) {
    let path = Path::new("content/x.md");
    let (markdown, offset) = if flags & 16 != 0 {
        match front_matter::split(path, text) {
            Ok(split) => (split.body, split.body_offset),
            Err(error) => {
                common::render_error(&error);
                return;
            }
        }
    } else {
        (text, 0)
    };
    let options = MarkdownConfig {
        smart_punctuation: flags & 2 == 0,
        external_links_new_tab: flags & 4 != 0,
        ..MarkdownConfig::default()
    };
    let resolve = |key: &str| {
        PAGES
            .contains(&key)
            .then(|| format!("/base/{}/", key.trim_end_matches(".md")))
    };
    let renderer = Renderer {
        options: &options,
        base_url: "https://example.org/base/",
        resolve_page: &resolve,
        shortcodes: &FixedShortcodes,
    };
    let result = renderer.render(&Input {
        path,
        file_text: text,
        offset,
        markdown,
        allow_html: flags & 1 != 0,
        id_prefix: if flags & 8 != 0 { "event-x-" } else { "" },
        files_link: "/",
        is_file_beside: &|_| true,
    });
    let rendered = match result {
        Ok(rendered) => rendered,
        Err(diagnostics) => {
            common::render_diagnostics(&diagnostics);
            return;
        }
    };
    let mut ids = HashSet::new();
    for heading in &rendered.headings {
        assert!(!heading.id.is_empty(), "a heading without an id");
        assert!(ids.insert(&heading.id), "two headings share the id {:?}", heading.id);
    }
    if flags & 1 == 0 {
        // Data fields never pass raw HTML through: only shortcodes make tags.
        assert!(
            !rendered.html.contains("<script>")
                || markdown.contains("{{"),
            "raw <script> in a data field: {:?}",
            rendered.html
        );
    }
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>x</title>\
         <style>body{{margin:0}}</style></head><body><main>{}</main>\
         <script>document.documentElement.className = \"js\";</script></body></html>",
        rendered.html
    );
    if trips_minify_html_debug_assertion(&page) {
        return;
    }
    let minified = minify_html(&page);
    assert!(!minified.is_empty());
}

/// minify-html 0.18.1 debug-asserts that the end tag after `<style>`,
/// `<script>`, `<title>` or `<textarea>` text has that name, and cargo-fuzz
/// builds with debug assertions. Release builds (what users run) never check
/// it: the regression test `raw_html_with_a_misspelt_style_end_tag_builds`
/// covers the case, and here it would stop every run on the same finding.
fn trips_minify_html_debug_assertion(page: &str) -> bool {
    let lower = page.to_ascii_lowercase();
    ["style", "script", "title", "textarea"].iter().any(|name| {
        lower.match_indices(&format!("</{name}")).any(|(at, end)| {
            lower[at + end.len()..]
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':')
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let text = text.to_string();
    common::on_big_stack(move || render(flags, &text));
});
