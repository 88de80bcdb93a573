//! Tera templates: the theme's, overridden file by file by the site's own
//! `templates/`, with the functions and filters our themes use.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;
use tera::{Context, ErrorKind, Kwargs, State, Tera, Value};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Result};
use crate::fs;

/// How a template's error names the page being rendered, `… (while
/// rendering content/a.md)`: [`crate::diagnostic::Diagnostics::merge_repeats`]
/// reads it back.
pub const RENDERING: &str = " (while rendering ";

/// What the `url` and `asset` template functions look up.
#[derive(Debug, Default)]
pub struct LinkTables {
    /// Content key (`timeline.md`) -> link.
    pub pages: HashMap<String, String>,
    /// Static file (`style.css`) -> fingerprinted link.
    pub assets: HashMap<String, String>,
}

pub struct Templates {
    tera: Tera,
    /// Template name -> its source, to quote the offending line in errors
    /// and to find where a problem is written; by name, so every search
    /// goes through them in the same order.
    sources: BTreeMap<String, String>,
}

pub fn theme_dir(config: &Config) -> PathBuf {
    Path::new("themes").join(&config.theme)
}

impl Templates {
    pub fn load(root: &Path, config: &Config, links: Arc<LinkTables>) -> Result<Templates> {
        let theme_templates = theme_dir(config).join("templates");
        if !root.join(&theme_templates).is_dir() {
            let message = format!(
                "the theme {:?} has no templates: {} is missing",
                config.theme,
                theme_templates.display()
            );
            return Err(config.setting_error("theme", message).into());
        }
        let site_templates = PathBuf::from("templates");
        let mut tera = Tera::new();
        // Names are paths from the site root, so errors point at real files;
        // the prefixes let templates say `extends "base.html"`, site first.
        tera.set_fallback_prefixes([prefix(&site_templates), prefix(&theme_templates)])
            .map_err(|e| Diagnostic::error("", e.to_string()))?;
        register_helpers(&mut tera, config, links);

        let mut sources = BTreeMap::new();
        for dir in [&theme_templates, &site_templates] {
            for file in template_files(&root.join(dir)) {
                let relative = dir.join(file.strip_prefix(root.join(dir)).unwrap_or(&file));
                let name = relative.to_string_lossy().replace('\\', "/");
                let text = fs::read_text(&file, &relative)?;
                sources.insert(name, text);
            }
        }
        let mut templates = Templates { tera, sources };
        let sources: Vec<(&String, &String)> = templates.sources.iter().collect();
        if let Err(e) = templates.tera.add_raw_templates(sources) {
            return Err(templates.diagnostic(e, None).into());
        }
        Ok(templates)
    }

    /// Every template's name (its path from the site root) and text, by name.
    pub fn sources(&self) -> impl Iterator<Item = (&str, &str)> {
        self.sources
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders `name`. A failure names the template, line and column, and the page at fault.
    pub fn render(&self, name: &str, context: &Context, for_page: Option<&Path>) -> Result<String> {
        self.tera
            .render(name, context)
            .map_err(|e| self.diagnostic(e, for_page).into())
    }

    /// Renders `name` as [`Templates::render`] does, into UTF-8 bytes with
    /// room for `size_hint` of them: a page's Markdown is most of its HTML,
    /// and room made up front saves copying a long page as it grows.
    pub fn render_bytes(
        &self,
        name: &str,
        context: &Context,
        for_page: Option<&Path>,
        size_hint: usize,
    ) -> Result<Vec<u8>> {
        let mut html = Vec::with_capacity(size_hint);
        self.tera
            .render_to(name, context, &mut html)
            .map_err(|e| self.diagnostic(e, for_page))?;
        // An empty template (saved by mistake, or a stub) would publish blank pages.
        if html.iter().all(u8::is_ascii_whitespace) {
            let page =
                for_page.map_or_else(String::new, |p| format!("{RENDERING}{})", p.display()));
            let message =
                format!("the template made an empty page: it must write the page's HTML{page}");
            return Err(Diagnostic::error(self.file_of(name), message).into());
        }
        Ok(html)
    }

    /// The file a template's name stands for: the site's own, else the theme's.
    fn file_of<'a>(&'a self, name: &'a str) -> &'a str {
        let suffix = format!("templates/{name}");
        self.sources
            .keys()
            .filter(|file| file.ends_with(&suffix))
            .min_by_key(|file| !file.starts_with("templates/"))
            .map_or(name, String::as_str)
    }

    fn diagnostic(&self, error: tera::Error, for_page: Option<&Path>) -> Diagnostic {
        let suffix = for_page
            .map(|p| format!("{RENDERING}{})", p.display()))
            .unwrap_or_default();
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let span = report.span();
                Diagnostic::error(report.filename(), format!("{}{suffix}", report.message()))
                    .at_line_column(
                        self.sources.get(report.filename()).map(String::as_str),
                        span.start_line,
                        span.start_col + 1,
                    )
            }
            _ => {
                let mut message = error.to_string();
                let mut source = std::error::Error::source(&error);
                while let Some(inner) = source {
                    message.push_str(&format!(": {inner}"));
                    source = inner.source();
                }
                Diagnostic::error(
                    for_page.unwrap_or(Path::new("templates")),
                    format!("{message}{suffix}"),
                )
            }
        }
    }
}

fn prefix(dir: &Path) -> String {
    format!("{}/", dir.to_string_lossy().replace('\\', "/"))
}

fn template_files(dir: &Path) -> Vec<PathBuf> {
    WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.file_name().to_str().is_some_and(|n| !n.starts_with('.')))
        .map(|e| e.into_path())
        .collect()
}

fn register_helpers(tera: &mut Tera, config: &Config, links: Arc<LinkTables>) {
    // Both functions return links under the base path; `absolute=true` gives
    // the full URL, for canonical and sharing tags.
    let absolute_of = {
        let (base_url, base_path) = (config.base_url.clone(), config.base_path.clone());
        move |kwargs: &Kwargs, link: String| -> tera::TeraResult<String> {
            Ok(if kwargs.get::<bool>("absolute")?.unwrap_or(false) {
                format!(
                    "{base_url}{}",
                    link.strip_prefix(base_path.as_str()).unwrap_or(&link)
                )
            } else {
                link
            })
        }
    };
    let base_path = config.base_path.clone();
    let page_links = links.clone();
    let absolute = absolute_of.clone();
    // url(path="timeline/") or url(path="@/timeline.md#july"): a link under the base path.
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let link = match path.strip_prefix("@/") {
                Some(target) => {
                    let (key, fragment) = target
                        .split_once('#')
                        .map_or((target, None), |(k, f)| (k, Some(f)));
                    let link = page_links.pages.get(key).ok_or_else(|| {
                        tera::Error::message(format!("url(): no page content/{key}"))
                    })?;
                    match fragment {
                        Some(f) => format!("{link}#{f}"),
                        None => link.clone(),
                    }
                }
                None => format!("{base_path}{}", path.trim_start_matches('/')),
            };
            absolute(&kwargs, link)
        },
    );
    // asset(path="style.css"): the fingerprinted link of a static file. With
    // optional=true, a file the site may leave out (share.png) gives "".
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            match links.assets.get(path.trim_start_matches('/')) {
                Some(link) => absolute_of(&kwargs, link.clone()),
                None if kwargs.get::<bool>("optional")?.unwrap_or(false) => Ok(String::new()),
                None => Err(tera::Error::message(format!(
                    "asset(): no static file {path:?} in the theme or static/"
                ))),
            }
        },
    );
    // JSON for <script type="application/ld+json">: `<` and `>` escaped so no text can close the script.
    tera.register_filter(
        "json_ld",
        |value: &Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let json =
                serde_json::to_string(value).map_err(|e| tera::Error::message(e.to_string()))?;
            let json = json
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026");
            Ok(Value::safe_string(&json))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn config() -> Config {
        Config::parse("title = 'T'\nbase_url = 'https://e.org/sub/'").unwrap()
    }

    #[test]
    fn site_templates_override_the_theme() {
        let dir = site(&[
            (
                "themes/default/templates/base.html",
                "<b>{% block main %}theme{% endblock main %}</b>",
            ),
            (
                "themes/default/templates/page.html",
                "{% extends \"base.html\" %}{% block main %}page {{ url(path='x/') }} {{ url(path='x/', absolute=true) }}{% endblock main %}",
            ),
            (
                "templates/base.html",
                "<i>{% block main %}{% endblock main %}</i>",
            ),
        ]);
        let t = Templates::load(dir.path(), &config(), Arc::default()).unwrap();
        assert_eq!(
            t.render("page.html", &Context::new(), None).unwrap(),
            "<i>page /sub/x/ https://e.org/sub/x/</i>"
        );
    }

    #[test]
    fn errors_name_the_template_file_and_line() {
        let dir = site(&[(
            "themes/default/templates/page.html",
            "ok\n{{ page.missing.deeper }}",
        )]);
        let t = Templates::load(dir.path(), &config(), Arc::default()).unwrap();
        let err = t
            .render(
                "page.html",
                &Context::new(),
                Some(Path::new("content/a.md")),
            )
            .unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.path, Path::new("themes/default/templates/page.html"));
        assert_eq!(d.line, Some(2));
        assert!(d.message.contains("content/a.md"), "{}", d.message);
    }

    #[test]
    fn syntax_errors_are_located() {
        let dir = site(&[("themes/default/templates/page.html", "{% if %}")]);
        let Err(err) = Templates::load(dir.path(), &config(), Arc::default()) else {
            panic!("loaded")
        };
        assert_eq!(err.diagnostics()[0].line, Some(1));
    }

    #[test]
    fn json_ld_cannot_close_its_script() {
        let dir = site(&[("themes/default/templates/page.html", "{{ data | json_ld }}")]);
        let t = Templates::load(dir.path(), &config(), Arc::default()).unwrap();
        let mut ctx = Context::new();
        ctx.insert(
            "data",
            &serde_json::json!({"name": "</script><script>alert(1)"}),
        );
        let out = t.render("page.html", &ctx, None).unwrap();
        assert!(!out.contains("</script>"), "{out}");
    }
}
