//! A fluent builder for throwaway sites: `SiteTest::new().file(..).build()`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SITE_TOML: &str = r#"title = "Fixture"
description = "A test site"
base_url = "https://example.org/"
"#;

const BASE: &str = r#"<!DOCTYPE html>
<html lang="{{ config.language }}"><head><meta charset="utf-8"><title>{% block title %}{{ page.title }}{% endblock title %}</title>
<link rel="stylesheet" href="{{ asset(path='style.css') }}"></head>
<body><nav>{% for item in site.nav %}<a href="{{ item.link }}">{{ item.title }}</a>{% endfor %}</nav>
<main>{% block main %}{% endblock main %}</main></body></html>
"#;

const PAGE: &str = r#"{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>
{{ page.content_html | safe }}{% endblock main %}"#;

const SECTION: &str = r#"{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>
{{ page.content_html | safe }}<ul>{% for p in page.pages %}<li><a href="{{ p.link }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock main %}"#;

pub struct SiteTest {
    pub dir: tempfile::TempDir,
}

impl SiteTest {
    /// A site with site.toml, a minimal theme and no content.
    pub fn new() -> SiteTest {
        let site = SiteTest {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.file("site.toml", SITE_TOML)
            .file("themes/default/templates/base.html", BASE)
            .file("themes/default/templates/page.html", PAGE)
            .file("themes/default/templates/section.html", SECTION)
            .file(
                "themes/default/templates/404.html",
                "{% extends \"base.html\" %}{% block title %}Not found{% endblock title %}",
            )
            .file(
                "themes/default/static/style.css",
                "body {\n  color: red;\n}\n",
            )
    }

    /// A site with the repository's own theme (shortcodes, story pages).
    pub fn with_default_theme() -> SiteTest {
        let site = SiteTest {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        copy_dir(
            &repo_root().join("themes/default"),
            &site.root().join("themes/default"),
        );
        site.file("site.toml", SITE_TOML)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(self, path: &str, text: &str) -> SiteTest {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// A page with front matter `front` (TOML lines) and a Markdown body.
    pub fn page(self, path: &str, front: &str, body: &str) -> SiteTest {
        self.file(
            &format!("content/{path}"),
            &format!("+++\n{front}\n+++\n{body}"),
        )
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_broadside"))
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("run broadside");
        Run { output }
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn read(&self, path: &str) -> String {
        let path = self.public().join(path);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Every file in the output folder with its bytes.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        tree(&self.public())
    }
}

pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    #[track_caller]
    pub fn ok(self) -> Run {
        assert!(
            self.output.status.success(),
            "build failed:\n{}",
            self.stderr()
        );
        self
    }

    #[track_caller]
    pub fn fails_with(self, needles: &[&str]) -> Run {
        assert!(
            !self.output.status.success(),
            "expected a failure, got success:\n{}",
            self.stdout()
        );
        let stderr = self.stderr();
        assert!(!stderr.contains("panicked"), "{stderr}");
        self.warns(needles)
    }

    /// That standard output, where `check` reports, holds each of `needles`.
    #[track_caller]
    pub fn prints(self, needles: &[&str]) -> Run {
        holds("stdout", &self.stdout(), needles);
        self
    }

    /// That standard error, where `build` warns and fails, holds each of `needles`.
    #[track_caller]
    pub fn warns(self, needles: &[&str]) -> Run {
        holds("stderr", &self.stderr(), needles);
        self
    }

    /// That the run counted `errors` errors, no more and no fewer.
    #[track_caller]
    pub fn with_errors(self, errors: usize) -> Run {
        let count = match errors {
            1 => "1 error,".to_string(),
            n => format!("{n} errors,"),
        };
        let stderr = self.stderr();
        assert!(stderr.contains(&count), "expected {count:?}:\n{stderr}");
        self
    }
}

#[track_caller]
fn holds(stream: &str, text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "{stream} lacks {needle:?}:\n{text}");
    }
}

pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every `href` and `src` in an HTML document.
pub fn links(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("[href], [src]").unwrap();
    doc.select(&selector)
        .filter_map(|e| e.value().attr("href").or_else(|| e.value().attr("src")))
        .map(str::to_string)
        .collect()
}
