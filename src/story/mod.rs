//! The story's structured data: sources, a timeline of events, quotes and a
//! corrections log, read from `content/data/*.toml` and checked so that every
//! event and quote cites sources that exist.

pub mod date;
mod parse;
pub mod view;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use date::FuzzyDate;

use crate::content::{CONTENT_DIR, DATA_DIR};
use crate::diagnostic::{self, Diagnostic, Diagnostics, Result};
use crate::fs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Report,
    Statement,
    Statute,
    Blog,
    Opinion,
    Video,
    Social,
    Document,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: Spanned<String>,
    pub title: String,
    pub outlet: String,
    pub kind: SourceKind,
    pub published: FuzzyDate,
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    pub reliability: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub id: Spanned<String>,
    pub title: String,
    pub summary: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: Spanned<String>,
    pub date: FuzzyDate,
    #[serde(default)]
    pub end: Option<FuzzyDate>,
    /// Breaks ties between events whose dates cover the same range.
    #[serde(default)]
    pub order: i64,
    pub phase: Spanned<String>,
    pub title: String,
    pub body: Spanned<String>,
    pub sources: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Critical,
    Supportive,
    Official,
    Neutral,
}

impl Stance {
    pub const ALL: [Stance; 4] = [
        Stance::Critical,
        Stance::Supportive,
        Stance::Official,
        Stance::Neutral,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Stance::Critical => "critical",
            Stance::Supportive => "supportive",
            Stance::Official => "official",
            Stance::Neutral => "neutral",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stance::Critical => "Critical",
            Stance::Supportive => "Supportive",
            Stance::Official => "Official",
            Stance::Neutral => "Neutral",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    pub id: Spanned<String>,
    pub text: String,
    pub speaker: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub place: String,
    pub stance: Stance,
    pub date: FuzzyDate,
    #[serde(default)]
    pub end: Option<FuzzyDate>,
    #[serde(default)]
    pub context: Option<Spanned<String>>,
    pub sources: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub variant: Vec<Variant>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub text: String,
    pub source: Spanned<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CorrectionKind {
    Correction,
    Update,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub date: FuzzyDate,
    pub kind: CorrectionKind,
    #[serde(default)]
    pub page: Option<Spanned<String>>,
    pub text: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    #[serde(default)]
    source: Vec<Source>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimelineFile {
    #[serde(default)]
    phase: Vec<Phase>,
    #[serde(default)]
    event: Vec<Event>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuotesFile {
    #[serde(default)]
    quote: Vec<Quote>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrectionsFile {
    #[serde(default)]
    entry: Vec<Correction>,
}

/// A data file's text, kept so later checks can point into it.
#[derive(Debug, Default)]
pub struct DataFile {
    pub path: PathBuf,
    pub text: String,
}

impl DataFile {
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, message).at_offset(&self.text, offset)
    }

    /// Where the value of `key` is written in the entry (`[[…]]`) that holds
    /// `offset`, for a field kept without its place.
    fn value_in_entry(&self, offset: usize, key: &str) -> Option<usize> {
        let header = self.text[..offset]
            .match_indices("\n[")
            .last()
            .map_or(0, |(i, _)| i + 1);
        let mut at = header;
        for line in self.text[at..].split_inclusive('\n') {
            let trimmed = line.trim_start();
            if at > header && trimmed.starts_with('[') {
                return None;
            }
            if let Some(value) = trimmed
                .strip_prefix(key)
                .and_then(|rest| rest.trim_start().strip_prefix('='))
            {
                let value_at = line.len() - value.trim_start().len();
                return Some(at + value_at);
            }
            at += line.len();
        }
        None
    }
}

/// The whole story, validated; events in timeline order.
#[derive(Debug, Default)]
pub struct Story {
    pub sources: Vec<Source>,
    pub phases: Vec<Phase>,
    pub events: Vec<Event>,
    pub quotes: Vec<Quote>,
    pub corrections: Vec<Correction>,
    pub sources_file: DataFile,
    pub timeline_file: DataFile,
    pub quotes_file: DataFile,
    pub corrections_file: DataFile,
}

impl Story {
    /// The data files, as read.
    pub fn files(&self) -> impl Iterator<Item = &DataFile> {
        [
            &self.sources_file,
            &self.timeline_file,
            &self.quotes_file,
            &self.corrections_file,
        ]
        .into_iter()
    }

    /// Gives the plain-text fields readers see (titles, quotes, names, notes) the
    /// typographer's punctuation that Markdown fields get with
    /// `smart_punctuation`, so a quote typed with `'` reads like the event
    /// beside it. Only quotes, dashes and dots change, never a word.
    pub fn smarten_punctuation(&mut self) {
        let titles = self
            .sources
            .iter_mut()
            .flat_map(|s| [&mut s.title, &mut s.outlet]);
        let titles = titles.chain(self.phases.iter_mut().map(|p| &mut p.title));
        let titles = titles.chain(self.events.iter_mut().map(|e| &mut e.title));
        let quotes = self.quotes.iter_mut().flat_map(|q| {
            let variants = q
                .variant
                .iter_mut()
                .flat_map(|v| [&mut v.text, &mut v.note]);
            [
                &mut q.text,
                &mut q.speaker,
                &mut q.role,
                &mut q.organisation,
                &mut q.place,
            ]
            .into_iter()
            .chain(variants)
        });
        for text in titles.chain(quotes) {
            *text = crate::markdown::smart_punctuation(text);
        }
    }

    /// Reads the data files that exist under `content/data/` and validates them together.
    /// `page_exists` answers whether a content key (`timeline.md`) is a page.
    pub fn load(root: &Path, page_exists: &dyn Fn(&str) -> bool) -> Result<Story> {
        let mut diagnostics = Diagnostics::default();
        let (sources_file, sources) =
            read_data::<SourcesFile>(root, "sources.toml", &mut diagnostics);
        let (timeline_file, timeline) =
            read_data::<TimelineFile>(root, "timeline.toml", &mut diagnostics);
        let (quotes_file, quotes) = read_data::<QuotesFile>(root, "quotes.toml", &mut diagnostics);
        let (corrections_file, corrections) =
            read_data::<CorrectionsFile>(root, "corrections.toml", &mut diagnostics);
        diagnostics.finish()?;

        let mut story = Story {
            sources: sources.source,
            phases: timeline.phase,
            events: timeline.event,
            quotes: quotes.quote,
            corrections: corrections.entry,
            sources_file,
            timeline_file,
            quotes_file,
            corrections_file,
        };
        story.validate(page_exists)?;
        story.events.sort_by_key(|e| {
            let last = e.end.unwrap_or(e.date).last_day();
            (e.date.first_day(), last, e.order)
        });
        // Newest first. The file lists them newest last, so of two on one
        // day the later in the file goes first.
        story.corrections.reverse();
        story
            .corrections
            .sort_by_key(|c| std::cmp::Reverse(c.date.first_day()));
        Ok(story)
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty() && self.events.is_empty() && self.quotes.is_empty()
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.numbered_source(id).map(|(_, source)| source)
    }

    /// Each source with its number: its place in sources.toml, from 1, as
    /// the sources page and every citation show it.
    pub fn numbered_sources(&self) -> impl Iterator<Item = (usize, &Source)> {
        (1..).zip(&self.sources)
    }

    pub fn numbered_source(&self, id: &str) -> Option<(usize, &Source)> {
        self.numbered_sources().find(|(_, s)| *s.id.get_ref() == id)
    }

    pub fn quote(&self, id: &str) -> Option<&Quote> {
        self.quotes.iter().find(|q| *q.id.get_ref() == id)
    }

    pub fn event(&self, id: &str) -> Option<&Event> {
        self.events.iter().find(|e| *e.id.get_ref() == id)
    }

    fn validate(&self, page_exists: &dyn Fn(&str) -> bool) -> Result<()> {
        let mut d = Diagnostics::default();
        let sources = unique_ids(
            &self.sources_file,
            self.sources.iter().map(|s| &s.id),
            &mut d,
        );
        let phases = unique_ids(
            &self.timeline_file,
            self.phases.iter().map(|p| &p.id),
            &mut d,
        );
        unique_ids(
            &self.timeline_file,
            self.events.iter().map(|e| &e.id),
            &mut d,
        );
        unique_ids(&self.quotes_file, self.quotes.iter().map(|q| &q.id), &mut d);

        for source in &self.sources {
            if let Some(url) = &source.url
                && !(url.get_ref().starts_with("https://") || url.get_ref().starts_with("http://"))
            {
                d.push(self.sources_file.error_at(
                    url.span().start,
                    "a source url must start with https:// or http://",
                ));
            }
        }
        for event in &self.events {
            if !phases.contains(event.phase.get_ref().as_str()) {
                d.push(self.timeline_file.error_at(
                    event.phase.span().start,
                    format!(
                        "unknown phase {:?}: the phases are {}",
                        event.phase.get_ref(),
                        list(&phases)
                    ),
                ));
            }
            check_range(
                &self.timeline_file,
                &event.id,
                event.date,
                event.end,
                &mut d,
            );
            check_citations(
                &self.timeline_file,
                "event",
                &event.id,
                &event.sources,
                &sources,
                &mut d,
            );
        }
        for quote in &self.quotes {
            check_range(&self.quotes_file, &quote.id, quote.date, quote.end, &mut d);
            check_citations(
                &self.quotes_file,
                "quote",
                &quote.id,
                &quote.sources,
                &sources,
                &mut d,
            );
            for variant in &quote.variant {
                check_source(&self.quotes_file, &variant.source, &sources, &mut d);
            }
        }
        for correction in &self.corrections {
            if !matches!(correction.date, FuzzyDate::Day(_)) {
                let entry = correction.text.span().start;
                let at = self.corrections_file.value_in_entry(entry, "date");
                d.push(self.corrections_file.error_at(
                    at.unwrap_or(entry),
                    format!(
                        "a correction is dated to the day it was made, as date = \"2025-07-04\", not \"{}\"",
                        correction.date.machine()
                    ),
                ));
            }
            if let Some(page) = &correction.page
                && !page_exists(page.get_ref().trim_start_matches("@/"))
            {
                d.push(self.corrections_file.error_at(
                    page.span().start,
                    format!(
                        "no page content/{} for this entry",
                        page.get_ref().trim_start_matches("@/")
                    ),
                ));
            }
        }
        d.finish().map(drop)
    }
}

fn read_data<T: DeserializeOwned + Default>(
    root: &Path,
    name: &str,
    diagnostics: &mut Diagnostics,
) -> (DataFile, T) {
    let path = Path::new(CONTENT_DIR).join(DATA_DIR).join(name);
    let full = root.join(&path);
    if !full.exists() {
        return (
            DataFile {
                path,
                text: String::new(),
            },
            T::default(),
        );
    }
    let text = match fs::read_text(&full, &path) {
        Ok(text) => text,
        Err(e) => {
            diagnostics.take::<()>(Err(e));
            return (
                DataFile {
                    path,
                    text: String::new(),
                },
                T::default(),
            );
        }
    };
    let value = parse::file(&text).unwrap_or_else(|errors| {
        for e in errors {
            diagnostics.push(diagnostic::from_toml(&path, &text, 0, &e));
        }
        T::default()
    });
    (DataFile { path, text }, value)
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Checks ids are well formed and unique; returns them.
fn unique_ids<'a>(
    file: &DataFile,
    ids: impl Iterator<Item = &'a Spanned<String>>,
    d: &mut Diagnostics,
) -> HashSet<&'a str> {
    let mut seen: HashMap<&str, &Spanned<String>> = HashMap::new();
    for id in ids {
        if !is_valid_id(id.get_ref()) {
            d.push(file.error_at(
                id.span().start,
                format!(
                    "the id {:?} may use only lowercase letters, digits and hyphens",
                    id.get_ref()
                ),
            ));
        }
        if let Some(first) = seen.insert(id.get_ref(), id) {
            let first_line = Diagnostic::error("", "")
                .at_offset(&file.text, first.span().start)
                .line;
            d.push(file.error_at(
                id.span().start,
                format!(
                    "duplicate id {:?}: it is already used on line {}",
                    id.get_ref(),
                    first_line.unwrap_or_default()
                ),
            ));
        }
    }
    seen.into_keys().collect()
}

fn check_citations(
    file: &DataFile,
    what: &str,
    id: &Spanned<String>,
    cited: &Spanned<Vec<Spanned<String>>>,
    sources: &HashSet<&str>,
    d: &mut Diagnostics,
) {
    if cited.get_ref().is_empty() {
        d.push(file.error_at(
            cited.span().start,
            format!(
                "the {what} {:?} cites no source: every {what} needs at least one",
                id.get_ref()
            ),
        ));
    }
    for source in cited.get_ref() {
        check_source(file, source, sources, d);
    }
}

fn check_source(
    file: &DataFile,
    source: &Spanned<String>,
    sources: &HashSet<&str>,
    d: &mut Diagnostics,
) {
    if !sources.contains(source.get_ref().as_str()) {
        d.push(file.error_at(
            source.span().start,
            format!(
                "unknown source id {:?}: define it in content/data/sources.toml (known: {})",
                source.get_ref(),
                list(sources)
            ),
        ));
    }
}

fn check_range(
    file: &DataFile,
    id: &Spanned<String>,
    start: FuzzyDate,
    end: Option<FuzzyDate>,
    d: &mut Diagnostics,
) {
    if let Some(end) = end
        && end.last_day() < start.first_day()
    {
        let at = file.value_in_entry(id.span().start, "end");
        d.push(file.error_at(
            at.unwrap_or(id.span().start),
            format!("{:?} ends ({end}) before it starts ({start})", id.get_ref()),
        ));
    }
}

fn list(ids: &HashSet<&str>) -> String {
    let mut ids: Vec<&str> = ids.iter().copied().collect();
    ids.sort_unstable();
    if ids.is_empty() {
        "none yet".into()
    } else {
        ids.join(", ")
    }
}
