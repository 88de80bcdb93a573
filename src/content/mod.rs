//! content/: Markdown pages and sections, their URLs, and the files beside them.

pub mod front_matter;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
// Keys are the site's own paths: the std hasher's defence against crafted
// keys buys nothing here and costs more than the lookups.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use walkdir::WalkDir;
use xxhash_rust::xxh3::xxh3_64;

pub use front_matter::FrontMatter;

use crate::diagnostic::{Diagnostic, Diagnostics, Result};
use crate::fs;

pub const CONTENT_DIR: &str = "content";
/// Story data lives here; it is read by `story`, not copied.
pub const DATA_DIR: &str = "data";
/// The files of `DATA_DIR` that `story` reads.
pub const DATA_FILES: [&str; 4] = [
    "timeline.toml",
    "quotes.toml",
    "sources.toml",
    "corrections.toml",
];

/// One Markdown file: a page, or a section's `_index.md`.
#[derive(Debug)]
pub struct Page {
    /// The file, relative to the site root (`content/timeline.md`).
    pub source: PathBuf,
    /// The file relative to `content/`, with `/`: what `@/` links name.
    pub key: String,
    pub is_section: bool,
    pub front: FrontMatter,
    /// Where the front matter and the body start in the file.
    pub front_offset: usize,
    pub body_offset: usize,
    /// Whether the body holds `{{`, the opening of a shortcode.
    pub has_shortcodes: bool,
    /// A hash of the file as loaded. Bodies are read again when a page is
    /// rendered rather than held for the whole build (on a large site they
    /// are most of its memory), and this tells whether the file changed
    /// in between.
    text_hash: u64,
    /// The URL path below the base, `timeline/`; empty for the home page.
    pub path: String,
    /// The key of the section whose folder holds this file, if any.
    pub parent: Option<String>,
}

impl Page {
    /// Reads the whole file again, as it was when the site was loaded.
    pub fn read_text(&self, root: &Path) -> Result<String> {
        let text = fs::read_text(&root.join(&self.source), &self.source)?;
        if xxh3_64(text.as_bytes()) != self.text_hash {
            return Err(Diagnostic::error(
                &self.source,
                "the file changed while the site was building: build again",
            )
            .into());
        }
        Ok(text)
    }

    /// The output folder that receives the files beside this page's source.
    pub fn files_dir(&self) -> String {
        url_dir_of(&self.key).to_string_lossy().replace('\\', "/")
    }

    /// Where the page is written inside the output folder.
    pub fn output_file(&self) -> PathBuf {
        Path::new(&self.path).join("index.html")
    }
}

/// A file beside the pages, copied as it is.
#[derive(Debug)]
pub struct Asset {
    pub source: PathBuf,
    /// Relative to the output folder.
    pub output: PathBuf,
}

#[derive(Debug, Default)]
pub struct Content {
    /// Sorted by key, so every build is the same.
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// Files skipped on the way (symbolic links out of the site).
    pub warnings: Vec<Diagnostic>,
    by_key: HashMap<String, usize>,
    /// The keys of the drafts left out.
    drafts: HashSet<String>,
    /// Where each asset is written, to tell a link to one of them.
    asset_outputs: HashSet<PathBuf>,
}

impl Content {
    /// Reads every page under `root/content`. Drafts are left out unless `drafts`.
    pub fn load(root: &Path, drafts: bool) -> Result<Content> {
        let content_dir = root.join(CONTENT_DIR);
        let mut diagnostics = Diagnostics::default();
        let mut markdown = Vec::new();
        let mut assets = Vec::new();
        if content_dir.is_dir() {
            unknown_data_files(root, &content_dir.join(DATA_DIR), &mut diagnostics);
            walk(
                root,
                &content_dir,
                &mut markdown,
                &mut assets,
                &mut diagnostics,
            );
        }

        let loaded: Vec<Result<Page>> = markdown
            .par_iter()
            .with_max_len(crate::PAGES_PER_TASK)
            .map(|key| load_page(root, key))
            .collect();
        let mut pages = Vec::with_capacity(loaded.len());
        let mut left_out = HashSet::default();
        for page in loaded.into_iter().filter_map(|page| diagnostics.take(page)) {
            if page.front.draft && !drafts {
                left_out.insert(page.key);
            } else {
                pages.push(page);
            }
        }
        pages.sort_by(|a, b| a.key.cmp(&b.key));
        assign_parents(&mut pages);
        check_unique_paths(root, &pages, &mut diagnostics);
        let warnings = diagnostics.finish()?;

        let by_key = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.key.clone(), i))
            .collect();
        let asset_outputs = assets.iter().map(|a| a.output.clone()).collect();
        Ok(Content {
            pages,
            assets,
            warnings,
            by_key,
            drafts: left_out,
            asset_outputs,
        })
    }

    /// Whether `key` is a draft this build leaves out.
    pub fn is_draft(&self, key: &str) -> bool {
        self.drafts.contains(key)
    }

    pub fn get(&self, key: &str) -> Option<&Page> {
        self.by_key.get(key).map(|&i| &self.pages[i])
    }

    /// Whether a file beside the pages is written to `output` (a URL path below the base).
    pub fn has_asset(&self, output: &str) -> bool {
        self.asset_outputs.contains(Path::new(output))
    }

    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }

    /// Reads one page again after an edit. Returns its index, or `None` when
    /// the edit moved the page (a new file, a new URL, a draft flag flipped),
    /// which only a full load handles.
    pub fn reload(&mut self, root: &Path, key: &str) -> Result<Option<usize>> {
        let Some(index) = self.index_of(key) else {
            return Ok(None);
        };
        let mut page = load_page(root, key)?;
        let old = &self.pages[index];
        if page.path != old.path || page.front.draft != old.front.draft {
            return Ok(None);
        }
        page.parent = old.parent.clone();
        self.pages[index] = page;
        Ok(Some(index))
    }
}

fn walk(
    root: &Path,
    content_dir: &Path,
    markdown: &mut Vec<String>,
    assets: &mut Vec<Asset>,
    diagnostics: &mut Diagnostics,
) {
    let walker = WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden(e.file_name()) && !is_data_dir(content_dir, e.path()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().map(|p| relative(root, p)).unwrap_or_default();
                diagnostics.push(Diagnostic::error(path, format!("cannot read: {e}")));
                continue;
            }
        };
        let rel_to_content = relative(content_dir, entry.path());
        let key = rel_to_content.to_string_lossy().replace('\\', "/");
        let file_type = entry.file_type();
        if file_type.is_symlink() {
            if !fs::links_to_file_inside(root, entry.path()) {
                diagnostics.push(fs::skipped_link(
                    entry.path(),
                    &relative(root, entry.path()),
                ));
                continue;
            }
        } else if !file_type.is_file() {
            continue;
        }
        if key.ends_with(".md") {
            markdown.push(key);
        } else if !is_editor_leftover(&key) {
            assets.push(Asset {
                source: entry.path().to_path_buf(),
                output: url_dir_of(&key).join(entry.file_name()),
            });
        }
    }
}

/// Files in the data folder that the story does not read (a misspelt
/// `timline.toml`, notes): nothing of them is published, which the person
/// who put them there should hear.
fn unknown_data_files(root: &Path, data_dir: &Path, diagnostics: &mut Diagnostics) {
    let Ok(entries) = std::fs::read_dir(data_dir) else {
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            !DATA_FILES.contains(&name.as_str())
                && !name.starts_with('.')
                && !is_editor_leftover(name)
        })
        .collect();
    names.sort();
    for name in names {
        let meant = crate::diagnostic::closest(&name, DATA_FILES, 0.8)
            .map(|known| format!(": did you mean {known}?"))
            .unwrap_or_default();
        diagnostics.push(Diagnostic::warning(
            relative(root, &data_dir.join(&name)),
            format!(
                "not read and not published: the story's data files are {}{meant}",
                DATA_FILES.join(", ")
            ),
        ));
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

fn is_data_dir(content_dir: &Path, path: &Path) -> bool {
    path.parent() == Some(content_dir) && path.file_name() == Some(DATA_DIR.as_ref())
}

fn is_editor_leftover(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        // Emacs's autosave, `#timeline.toml#`.
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
}

fn relative(base: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}

fn load_page(root: &Path, key: &str) -> Result<Page> {
    let source = Path::new(CONTENT_DIR).join(key);
    let text = fs::read_text(&root.join(&source), &source)?;
    let split = front_matter::split(&source, &text)?;
    let front = front_matter::parse(&source, &text, &split)?;
    let (front_offset, body_offset) = (split.front_matter_offset, split.body_offset);
    let file_name = key.rsplit('/').next().unwrap_or(key);
    let is_section = file_name == "_index.md";
    let path = url_path(key, front.slug.as_ref().map(|s| s.get_ref().as_str()));
    // A file system refuses longer names, at the end of the build.
    const LONGEST_NAME: usize = 255;
    if let Some(part) = path.split('/').find(|part| part.len() > LONGEST_NAME) {
        let (what, at) = match &front.slug {
            Some(slug) => ("slug", front_offset + slug.span().start),
            None => ("file name", 0),
        };
        let opening: String = part.chars().take(30).collect();
        let message = format!(
            "the URL part \"{opening}…\" is {} bytes long, more than file systems allow in a name ({LONGEST_NAME}): shorten the {what}",
            part.len()
        );
        return Err(Diagnostic::error(&source, message)
            .at_offset(&text, at)
            .into());
    }
    Ok(Page {
        source,
        key: key.to_string(),
        is_section,
        front,
        front_offset,
        body_offset,
        has_shortcodes: text[body_offset..].contains("{{"),
        text_hash: xxh3_64(text.as_bytes()),
        path,
        parent: None,
    })
}

/// A URL part or an id made of `text`: lowercase ASCII letters, digits and
/// hyphens. Letters lose their accents (`Qué` gives `que`), as the slug
/// crate transliterates; emoji and other symbols are dropped rather than
/// spelt out in English (`money-with-wings`), unless nothing else is left.
pub fn slugify(text: &str) -> String {
    // Most text is ASCII, where the slug crate does the same on its own.
    if text.is_ascii() {
        return slug::slugify(text);
    }
    // An accent typed as a separate combining mark (`e` + U+0301, as macOS
    // writes file names) belongs to its letter.
    let is_combining_mark = |c: char| matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}');
    let letters: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || is_combining_mark(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    match slug::slugify(letters) {
        slug if slug.is_empty() => slug::slugify(text),
        slug => slug,
    }
}

/// The URL path of a content file: `a/b.md` -> `a/b/`, `a/_index.md` and
/// `a/index.md` -> `a/`, `_index.md` -> `` (the home page). `slug` replaces
/// the last part.
pub fn url_path(key: &str, slug: Option<&str>) -> String {
    let mut parts: Vec<String> = key.split('/').map(str::to_string).collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.strip_suffix(".md").unwrap_or(&file);
    if stem != "_index" && stem != "index" {
        parts.push(stem.to_string());
    }
    if let (Some(slug), Some(last)) = (slug, parts.last_mut()) {
        *last = slug.to_string();
    }
    let mut path = String::new();
    for part in parts {
        path.push_str(&slugify(&part));
        path.push('/');
    }
    path
}

/// `dir` (a URL path below the base) joined with a relative `path`, with
/// `.` and `..` resolved: `a/b` and `../c/` give `a/c/`.
pub fn join_url_path(dir: &str, path: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    joined
}

/// The output folder of the page that a file in the folder of `key` sits beside.
fn url_dir_of(key: &str) -> PathBuf {
    let dir = key.rsplit_once('/').map_or("", |(dir, _)| dir);
    dir.split('/')
        .filter(|p| !p.is_empty())
        .map(slugify)
        .collect()
}

/// Each page belongs to the section whose `_index.md` is in its folder, or
/// in the nearest folder above it.
fn assign_parents(pages: &mut [Page]) {
    let sections: HashMap<String, String> = pages
        .iter()
        .filter(|p| p.is_section)
        .map(|p| (folder_of(&p.key).to_string(), p.key.clone()))
        .collect();
    for page in pages.iter_mut() {
        let mut folder = folder_of(&page.key).to_string();
        if page.is_section {
            if folder.is_empty() {
                continue;
            }
            folder = folder_of(&folder).to_string();
        }
        loop {
            if let Some(section) = sections.get(&folder) {
                page.parent = Some(section.clone());
                break;
            }
            if folder.is_empty() {
                break;
            }
            folder = folder_of(&folder).to_string();
        }
    }
}

fn folder_of(key: &str) -> &str {
    key.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn check_unique_paths(root: &Path, pages: &[Page], diagnostics: &mut Diagnostics) {
    let mut seen: HashMap<&str, &Page> = HashMap::default();
    for page in pages {
        let Some(first) = seen.insert(&page.path, page) else {
            continue;
        };
        // The page a `slug` moved there is the one to change, at its slug;
        // otherwise the second, whose file name says where it goes.
        let (moved, other) = if first.front.slug.is_some() && page.front.slug.is_none() {
            (first, page)
        } else {
            (page, first)
        };
        let error = Diagnostic::error(
            &moved.source,
            format!(
                "this page and {} would both be written to /{}: rename one or give it another `slug`",
                other.source.display(),
                page.path
            ),
        );
        // At the `slug` that moved it there, if any.
        let slug = moved.front.slug.as_ref();
        diagnostics.push(match moved.read_text(root) {
            Ok(text) => error.at_offset(
                &text,
                slug.map_or(0, |s| moved.front_offset + s.span().start),
            ),
            Err(_) => error,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_urls() {
        assert_eq!(url_path("_index.md", None), "");
        assert_eq!(url_path("timeline.md", None), "timeline/");
        assert_eq!(url_path("explainer/_index.md", None), "explainer/");
        assert_eq!(url_path("explainer/index.md", None), "explainer/");
        assert_eq!(
            url_path("explainer/How It Works.md", None),
            "explainer/how-it-works/"
        );
        assert_eq!(url_path("explainer/a.md", Some("b")), "explainer/b/");
        assert_eq!(url_path("a.md", Some("puente-🌉-qué")), "puente-que/");
    }

    #[test]
    fn slugs_drop_symbols_and_accents() {
        assert_eq!(slugify("¿Quién paga? 💸"), "quien-paga");
        assert_eq!(slugify("Quie\u{301}n paga"), "quien-paga");
        assert_eq!(slugify("Café 🌉 at night"), "cafe-at-night");
        assert_eq!(slugify("287(g) & ICE's ads"), "287-g-ice-s-ads");
        assert_eq!(slugify("🌉"), "bridge-at-night");
    }

    #[test]
    fn a_page_changed_or_gone_mid_build_is_an_error_not_a_mixed_page() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("content/a.md");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "+++\ntitle = 'A'\n+++\nBody {{ cite(id='s') }}\n").unwrap();
        let page = load_page(root.path(), "a.md").unwrap();
        assert!(page.has_shortcodes);
        let text = page.read_text(root.path()).unwrap();
        assert_eq!(&text[page.body_offset..], "Body {{ cite(id='s') }}\n");

        std::fs::write(&file, "+++\ntitle = 'A'\n+++\nEdited\n").unwrap();
        let changed = page.read_text(root.path()).unwrap_err().to_string();
        assert!(
            changed.contains("content/a.md")
                && changed.contains("changed while the site was building"),
            "{changed}"
        );

        std::fs::remove_file(&file).unwrap();
        let gone = page.read_text(root.path()).unwrap_err().to_string();
        assert!(gone.contains("content/a.md"), "{gone}");
    }

    #[test]
    fn files_beside_a_page_follow_its_folder() {
        assert_eq!(url_dir_of("explainer/map.png"), PathBuf::from("explainer"));
        assert_eq!(url_dir_of("map.png"), PathBuf::new());
    }
}
