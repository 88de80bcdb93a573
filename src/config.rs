//! site.toml: strict parsing into a raw type, then a validated [`Config`].

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{self, Diagnostic, Result};
use crate::fs;

pub const CONFIG_FILE: &str = "site.toml";

/// site.toml as written. Unknown keys are errors: a typo must not be ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    base_url: toml::Spanned<String>,
    #[serde(default = "default_language", deserialize_with = "language_tag")]
    language: String,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "default_output_dir")]
    output_dir: PathBuf,
    #[serde(default = "yes")]
    generate_feed: bool,
    #[serde(default = "yes")]
    generate_sitemap: bool,
    #[serde(default = "yes")]
    generate_robots_txt: bool,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    story: StoryPages,
    #[serde(default)]
    extra: toml::Table,
}

fn default_language() -> String {
    "en".into()
}

/// A language tag as `lang` attributes and feeds take it (`en`, `es-419`,
/// `pt-BR`): screen readers choose their voice by it.
fn language_tag<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<String, D::Error> {
    let tag = String::deserialize(deserializer)?;
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or_default();
    let well_formed = (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !well_formed {
        let advice = match tag_for(&tag) {
            Some(suggested) => format!(": write {suggested:?}"),
            None => String::new(),
        };
        return Err(serde::de::Error::custom(format!(
            "language must be a language tag such as \"en\", \"es\" or \"pt-BR\", found {tag:?}{advice}"
        )));
    }
    Ok(tag)
}

/// The tag meant by a language's name, in English or in itself, for the
/// languages most spoken in the US, or by a locale written with `_`.
fn tag_for(written: &str) -> Option<String> {
    const NAMES: [(&str, &[&str]); 12] = [
        ("en", &["english"]),
        ("es", &["spanish", "español", "espanol"]),
        ("zh", &["chinese", "中文"]),
        ("tl", &["tagalog", "filipino"]),
        ("vi", &["vietnamese", "tiếng việt"]),
        ("ar", &["arabic", "العربية"]),
        ("fr", &["french", "français", "francais"]),
        ("ko", &["korean", "한국어"]),
        ("ru", &["russian", "русский"]),
        ("ht", &["haitian creole", "kreyòl", "kreyol"]),
        ("pt", &["portuguese", "português", "portugues"]),
        ("de", &["german", "deutsch"]),
    ];
    let name = written.trim().to_lowercase();
    if let Some((tag, _)) = NAMES
        .iter()
        .find(|(_, names)| names.contains(&name.as_str()))
    {
        return Some(tag.to_string());
    }
    let dashed = written.trim().replace('_', "-");
    let locale = dashed.split('-').all(|s| !s.is_empty() && s.len() <= 8)
        && dashed
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    (locale && dashed != written && (2..=3).contains(&dashed.find('-')?)).then_some(dashed)
}

fn default_theme() -> String {
    "default".into()
}
fn default_output_dir() -> PathBuf {
    "public".into()
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    pub smart_punctuation: bool,
    /// `rel` values added to links that leave the site.
    pub external_links_rel: Vec<String>,
    pub external_links_new_tab: bool,
    /// Whether each heading links to itself (its `#id`), for readers who
    /// share a section. Off, headings keep their ids and only the ids.
    pub heading_links: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: true,
            external_links_rel: vec!["noopener".into(), "noreferrer".into()],
            external_links_new_tab: false,
            heading_links: true,
        }
    }
}

/// Which content pages show the story's timeline, quotes, sources and
/// corrections log; shortcodes, citations and "updated" notes link there.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoryPages {
    pub timeline_page: String,
    pub quotes_page: String,
    pub sources_page: String,
    pub corrections_page: String,
}

impl StoryPages {
    /// Each page as a key under content/ (`timeline.md`), however it was
    /// written: `@/timeline.md`, `/timeline.md` or `content/timeline.md`.
    fn into_keys(self) -> StoryPages {
        let key = |page: String| {
            let page = page.trim_start_matches("@/").trim_start_matches('/');
            page.strip_prefix("content/").unwrap_or(page).to_string()
        };
        StoryPages {
            timeline_page: key(self.timeline_page),
            quotes_page: key(self.quotes_page),
            sources_page: key(self.sources_page),
            corrections_page: key(self.corrections_page),
        }
    }
}

impl Default for StoryPages {
    fn default() -> Self {
        StoryPages {
            timeline_page: "timeline.md".into(),
            quotes_page: "quotes.md".into(),
            sources_page: "sources.md".into(),
            corrections_page: "about.md".into(),
        }
    }
}

/// The validated site settings.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Always ends with `/`.
    pub base_url: String,
    /// The path part of `base_url`: `/` or `/explainer/`. Every link starts with it.
    pub base_path: String,
    pub language: String,
    pub theme: String,
    #[serde(skip)]
    pub output_dir: PathBuf,
    /// `atom.xml`: the dated pages, newest first.
    pub generate_feed: bool,
    pub generate_sitemap: bool,
    /// `robots.txt`, allowing everything and naming the sitemap if there is one.
    pub generate_robots_txt: bool,
    pub markdown: MarkdownConfig,
    pub story: StoryPages,
    pub extra: toml::Table,
    /// site.toml as written, to point at a setting the site cannot use.
    #[serde(skip)]
    source: String,
}

/// Refuses a folder that is not a site, most likely the wrong one.
pub fn require_site_toml(root: &Path) -> Result<()> {
    if root.join(CONFIG_FILE).exists() {
        return Ok(());
    }
    let folder = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let message = format!(
        "there is no site.toml in {}: run this in your site's folder, pass --root DIR, or start a site with `broadside init DIR`",
        folder.display()
    );
    Err(Diagnostic::error(CONFIG_FILE, message).into())
}

impl Config {
    /// Reads and validates `site.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config> {
        require_site_toml(root)?;
        let path = Path::new(CONFIG_FILE);
        let text = fs::read_text(&root.join(path), path)?;
        Config::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Config> {
        let path = Path::new(CONFIG_FILE);
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| diagnostic::from_toml(path, text, 0, &e))?;
        let base_url = normalize_base_url(raw.base_url.get_ref()).map_err(|message| {
            Diagnostic::error(path, message).at_offset(text, raw.base_url.span().start)
        })?;
        Ok(Config {
            base_path: base_path_of(&base_url),
            base_url,
            title: raw.title,
            description: raw.description,
            language: raw.language,
            theme: raw.theme,
            output_dir: raw.output_dir,
            generate_feed: raw.generate_feed,
            generate_sitemap: raw.generate_sitemap,
            generate_robots_txt: raw.generate_robots_txt,
            markdown: raw.markdown,
            story: raw.story.into_keys(),
            extra: raw.extra,
            source: text.to_string(),
        })
    }

    /// An error about the setting `key` (`theme`, `story.timeline_page`) at
    /// the line of site.toml that sets it; a default has no line to show.
    pub fn setting_error(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let error = Diagnostic::error(CONFIG_FILE, message);
        match diagnostic::toml_key_offset(&self.source, key) {
            Some(at) => error.at_offset(&self.source, at),
            None => error,
        }
    }

    /// Points every generated URL at another address (the preview server, `--base-url`).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        self.base_url = normalize_base_url(url)?;
        self.base_path = base_path_of(&self.base_url);
        Ok(())
    }

    /// The link to a site path such as `timeline/`: base path + path.
    pub fn link(&self, site_path: &str) -> String {
        format!("{}{}", self.base_path, site_path.trim_start_matches('/'))
    }

    /// The absolute URL of a site path, for canonical links, feeds and sitemaps.
    pub fn permalink(&self, site_path: &str) -> String {
        format!("{}{}", self.base_url, site_path.trim_start_matches('/'))
    }
}

fn normalize_base_url(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url must start with https:// or http://, found {url:?}"))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || rest.contains(['?', '#', ' ', '"', '\'', '<', '>', '\\']) {
        return Err(format!(
            "base_url must be a plain address such as https://example.org/ or https://example.org/explainer/, found {url:?}"
        ));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

fn base_path_of(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_path() {
        let c = Config::parse("title = 'T'\nbase_url = 'https://example.org/explainer'").unwrap();
        assert_eq!(c.base_url, "https://example.org/explainer/");
        assert_eq!(c.base_path, "/explainer/");
        assert_eq!(c.link("/timeline/"), "/explainer/timeline/");
        assert_eq!(
            c.permalink("timeline/"),
            "https://example.org/explainer/timeline/"
        );
    }

    #[test]
    fn unknown_key_is_located() {
        let err =
            Config::parse("title = 'T'\nbase_url = 'https://e.org'\ntheem = 'x'\n").unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!((d.line, d.column), (Some(3), Some(1)));
        assert!(d.message.contains("theem"), "{}", d.message);
    }

    #[test]
    fn the_language_is_a_language_tag() {
        let parse = |language: &str| {
            Config::parse(&format!(
                "title = 'T'\nbase_url = 'https://e.org'\nlanguage = '{language}'\n"
            ))
        };
        for good in ["en", "es", "pt-BR", "es-419", "zh-Hant-TW"] {
            assert_eq!(parse(good).unwrap().language, good);
        }
        for (bad, advice) in [
            ("English", Some("write \"en\"")),
            ("español", Some("write \"es\"")),
            ("en_US", Some("write \"en-US\"")),
            ("english!!", None),
            ("", None),
            ("e", None),
            ("en-", None),
        ] {
            let err = parse(bad).unwrap_err();
            let d = &err.diagnostics()[0];
            assert_eq!(d.line, Some(3), "{bad}");
            assert!(
                d.message.contains("language must be a language tag"),
                "{bad}: {}",
                d.message
            );
            match advice {
                Some(advice) => assert!(d.message.ends_with(advice), "{bad}: {}", d.message),
                None => assert!(!d.message.contains("write"), "{bad}: {}", d.message),
            }
        }
    }

    #[test]
    fn story_pages_are_keys_however_written() {
        let config = Config::parse(
            "title = 'T'\nbase_url = 'https://e.org'\n[story]\ntimeline_page = 'content/timeline.md'\nquotes_page = '@/quotes.md'\nsources_page = '/sources.md'\n",
        )
        .unwrap();
        assert_eq!(config.story.timeline_page, "timeline.md");
        assert_eq!(config.story.quotes_page, "quotes.md");
        assert_eq!(config.story.sources_page, "sources.md");
        assert_eq!(config.story.corrections_page, "about.md");
    }

    #[test]
    fn bad_base_url_is_located() {
        let err = Config::parse("title = 'T'\nbase_url = 'example.org'\n").unwrap_err();
        assert_eq!(err.diagnostics()[0].line, Some(2));
    }
}
