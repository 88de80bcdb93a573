//! Fuzzes the story data loader: the input is split on NUL bytes into
//! content/data/{sources,timeline,quotes,corrections}.toml (a file exists only
//! if its part does), written into a site folder and loaded with
//! `Story::load`. A story that loads is turned into the views templates get,
//! with every Markdown field rendered as the site renders it. Every line of
//! the input is also parsed as a `FuzzyDate`.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run story -- -dict=dicts/toml.dict`

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use broadside::config::MarkdownConfig;
use broadside::markdown::{Renderer, ShortcodeCall, Shortcodes};
use broadside::story::view::{Links, StoryView};
use broadside::story::{DataFile, FuzzyDate, Story};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const FILES: [&str; 4] = [
    "sources.toml",
    "timeline.toml",
    "quotes.toml",
    "corrections.toml",
];

/// Pages that exist, for `page = "@/…"` in corrections.
const PAGES: [&str; 4] = ["timeline.md", "quotes.md", "sources.md", "explainer.md"];

fn site_root() -> &'static Path {
    static ROOT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, root) = ROOT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("content/data")).expect("content/data");
        (dir, root)
    });
    root
}

/// Data fields show shortcodes' HTML as the site does: none are placeable
/// in data except `cite`, which the site resolves to a numbered link.
struct DataShortcodes;

impl Shortcodes for DataShortcodes {
    fn render(&self, call: &ShortcodeCall, citations: &mut Vec<String>) -> Result<String, String> {
        match call.name.as_str() {
            "cite" if call.id.starts_with("nbc") => {
                citations.push(call.id.clone());
                Ok(format!("<sup><a href=\"#source-x\">[{}]</a></sup>", citations.len()))
            }
            "cite" => Err(format!("unknown source id {:?}", call.id)),
            _ => Err("a quote cannot be placed inside story data".into()),
        }
    }
}

fn fuzz_dates(text: &str) {
    let mut previous: Option<FuzzyDate> = None;
    for line in text.lines().take(64) {
        match line.parse::<FuzzyDate>() {
            Ok(date) => {
                let (first, last) = (date.first_day(), date.last_day());
                assert!(first <= last, "{line:?}: {first} > {last}");
                let _ = date.words();
                let _ = date.range_words(None);
                let _ = date.machine();
                let _ = date.year();
                // What a date displays as reads back as the same date.
                let shown = date.to_string();
                assert_eq!(shown.parse::<FuzzyDate>(), Ok(date), "{line:?} shown as {shown:?}");
                if let Some(start) = previous {
                    let _ = start.range_words(Some(date));
                    let _ = date.range_words(Some(start));
                }
                previous = Some(date);
            }
            Err(message) => assert!(!message.is_empty()),
        }
    }
}

fn load(data: Vec<u8>) {
    let root = site_root();
    let parts: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    for (i, name) in FILES.iter().enumerate() {
        let path = root.join("content/data").join(name);
        match parts.get(i) {
            Some(part) => std::fs::write(&path, part).expect("write a data file"),
            None => match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => panic!("cannot remove {}: {e}", path.display()),
            },
        }
    }

    for part in &parts {
        fuzz_dates(&String::from_utf8_lossy(part));
    }

    let page_exists = |key: &str| PAGES.contains(&key);
    let story = match Story::load(root, &page_exists) {
        Ok(story) => story,
        Err(error) => {
            common::render_error(&error);
            return;
        }
    };
    // Sorted as the timeline shows them.
    for pair in story.events.windows(2) {
        assert!(pair[0].date.first_day() <= pair[1].date.first_day());
    }
    for event in &story.events {
        if let Some(end) = event.end {
            assert!(event.date.first_day() <= end.last_day());
        }
    }

    // Render every Markdown field as the site does.
    let options = MarkdownConfig::default();
    let resolve = |key: &str| PAGES.contains(&key).then(|| format!("/base/{key}/"));
    let renderer = Renderer {
        options: &options,
        base_url: "https://example.org/base/",
        resolve_page: &resolve,
        shortcodes: &DataShortcodes,
    };
    let render_data = |file: &DataFile, offset: usize, text: &str, prefix: &str| -> String {
        match renderer.render_data_field(&file.path, &file.text, offset, text, prefix, "/base/") {
            Ok(rendered) => rendered.html,
            Err(found) => {
                common::render_diagnostics(&found);
                String::new()
            }
        }
    };
    let links = Links {
        timeline: "/base/timeline/".into(),
        quotes: "/base/quotes/".into(),
        sources: "/base/sources/".into(),
        markdown: &render_data,
    };
    let events = story.events.iter().map(|e| links.event(&story, e)).collect();
    let quotes = story.quotes.iter().map(|q| links.quote(&story, q)).collect();
    let page = |key: &str| {
        PAGES
            .contains(&key)
            .then(|| (key.to_string(), format!("/base/{key}/")))
    };
    let citations = vec![(
        "Explainer".to_string(),
        "/base/explainer/".to_string(),
        story.sources.iter().map(|s| s.id.get_ref().clone()).collect(),
    )];
    let view = StoryView::new(&story, &links, events, quotes, &citations, &page);
    let _ = format!("{view:?}");
}

fuzz_target!(|data: &[u8]| {
    let data = data.to_vec();
    common::on_big_stack(move || load(data));
});
