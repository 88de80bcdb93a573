//! A whole site: [`Site::load`] reads and validates everything into memory;
//! [`Site::render`] turns it into output files handed to a [`Sink`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::Config;
use crate::content::front_matter::SortBy;
use crate::content::{Content, Page, join_url_path};
use crate::diagnostic::{Diagnostic, Diagnostics, Error, Result};
use crate::markdown::{self, Heading, Input, Renderer, ShortcodeCall, Shortcodes, SiteLinks};
use crate::output::{self, Sink};
use crate::story::view::{Citation, EventView, Links, QuoteView, StoryView};
use crate::story::{DataFile, FuzzyDate, Story};
use crate::templates::{self, LinkTables, Templates};

/// What a build is asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `output_dir` in site.toml.
    pub output_dir: Option<PathBuf>,
    /// Overrides `base_url` in site.toml.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Injected before `</body>` of every page (the preview server's reload script).
    pub inject_script: Option<String>,
    /// Write HTML as the templates produced it, to debug a theme.
    pub skip_minify: bool,
}

/// A static file of the theme or site, ready to write.
struct StaticFile {
    /// Relative to the output folder, fingerprinted where that is safe.
    output: String,
    source: PathBuf,
    /// Minified CSS or JS; other files are copied from `source`.
    minified: Option<Vec<u8>>,
}

pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub content: Content,
    pub story: Story,
    templates: Templates,
    statics: Vec<StaticFile>,
    /// Every page's and static file's link, as templates and Markdown name them.
    links: Arc<LinkTables>,
    inject_script: Option<String>,
    minify: bool,
    /// Warnings from loading; rendering adds its own.
    pub warnings: Vec<Diagnostic>,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct RenderStats {
    pub pages: usize,
    pub assets: usize,
}

impl Site {
    pub fn load(options: &BuildOptions) -> Result<Site> {
        let root = options.root.clone();
        let mut config = Config::load(&root)?;
        if let Some(url) = &options.base_url {
            config.set_base_url(url).map_err(Error::Usage)?;
        }
        if let Some(dir) = &options.output_dir {
            config.output_dir = dir.clone();
        }

        let mut diagnostics = Diagnostics::default();
        let content = diagnostics.take(Content::load(&root, options.drafts));
        // With pages in error, the story data is still read for its own
        // errors, to report them at once; its links to pages wait.
        let page_exists = |key: &str| content.as_ref().is_none_or(|c| c.get(key).is_some());
        let story = diagnostics.take(Story::load(&root, &page_exists));
        let mut skipped = Vec::new();
        let statics = diagnostics.take(load_statics(&root, &config, &mut skipped));
        diagnostics.extend(skipped);
        let (Some(content), Some(mut story), Some(statics)) = (content, story, statics) else {
            return Err(Error::Site(diagnostics.into_vec()));
        };
        if config.markdown.smart_punctuation {
            story.smarten_punctuation();
            config.title = markdown::smart_punctuation(&config.title);
            config.description = markdown::smart_punctuation(&config.description);
        }

        let links = Arc::new(LinkTables {
            pages: content
                .pages
                .iter()
                .map(|p| (p.key.clone(), config.link(&p.path)))
                .collect(),
            assets: statics
                .iter()
                .map(|s| {
                    (
                        static_key(&root, &config, &s.source),
                        config.link(&s.output),
                    )
                })
                .collect(),
        });
        let templates = diagnostics.take(Templates::load(&root, &config, Arc::clone(&links)));
        diagnostics.extend(content.warnings.iter().cloned());
        diagnostics.extend(missing_data_files(&root, &config, &content, &story));
        let warnings = diagnostics.finish()?;
        Ok(Site {
            root,
            config,
            content,
            story,
            templates: templates.expect("no errors means templates loaded"),
            statics,
            links,
            inject_script: options.inject_script.clone(),
            minify: !options.skip_minify,
            warnings,
        })
    }

    /// The theme or site file a static output file was made from, relative to the site root.
    pub fn static_source(&self, output: &Path) -> Option<PathBuf> {
        self.statics
            .iter()
            .find(|s| Path::new(&s.output) == output)
            .map(|s| {
                s.source
                    .strip_prefix(&self.root)
                    .unwrap_or(&s.source)
                    .to_path_buf()
            })
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    pub fn output_dir(&self) -> PathBuf {
        self.root.join(&self.config.output_dir)
    }

    /// Renders every output file into `sink`. Returns the warnings found on the way.
    pub fn render(&self, sink: &dyn Sink) -> Result<(RenderStats, Vec<Diagnostic>)> {
        let prepared = self.prepare(None)?;
        let stats = self.write(&prepared, sink)?;
        Ok((stats, prepared.warnings))
    }

    /// Refuses an output folder that a build must not replace
    /// ([`output::check_output_dir`]); one that site.toml set, rather than
    /// the command line, is shown at its line there.
    pub fn check_output_folder(&self, set_in_config: bool) -> Result<()> {
        match output::check_output_dir(&self.root, &self.config.output_dir) {
            Err(Error::Usage(message)) if set_in_config => Err(Error::Site(vec![
                self.config.setting_error("output_dir", message),
            ])),
            result => result,
        }
    }

    /// Renders the story and finds the sources every page cites, ready for
    /// templates. Pages' Markdown is rendered again as each page is written,
    /// so no page's HTML is held for the whole build. With `reuse`, pages not
    /// named in its set keep their previous citations: the preview server
    /// re-reads only what changed. The pages must be the same, in the same
    /// order, as when `previous` was prepared.
    pub fn prepare(&self, reuse: Option<(&Prepared, &HashSet<usize>)>) -> Result<Prepared> {
        let mut diagnostics = Diagnostics::default();
        let story_links = self.story_links(&mut diagnostics);
        let data_errors = Mutex::new(Vec::new());
        let render_data = |file: &DataFile, offset: usize, text: &str, prefix: &str| -> String {
            self.render_data_markdown(file, offset, text, prefix, &story_links, &data_errors)
        };
        let links = Links {
            timeline: story_links.timeline.clone(),
            quotes: story_links.quotes.clone(),
            sources: story_links.sources.clone(),
            corrections: story_links.corrections.clone(),
            markdown: &render_data,
        };
        let events: Vec<EventView> = self
            .story
            .events
            .iter()
            .map(|e| links.event(&self.story, e))
            .collect();
        let quotes: Vec<QuoteView> = self
            .story
            .quotes
            .iter()
            .map(|q| links.quote(&self.story, q))
            .collect();

        let shortcodes = SiteShortcodes::new(self, &story_links, &events, &quotes);
        // A page whose Markdown has errors is left out, and the others go on
        // to be written and checked; its errors are reported by `write`.
        let mut citations = Vec::with_capacity(self.content.pages.len());
        let mut page_errors = Diagnostics::default();
        let mut failed = HashSet::new();
        for (i, result) in self
            .find_citations(&shortcodes, reuse)
            .into_iter()
            .enumerate()
        {
            citations.push(page_errors.take(result).unwrap_or_else(|| {
                failed.insert(i);
                Vec::new()
            }));
        }
        if diagnostics.has_errors() {
            // Errors in the story's pages or data: the build stops here.
            // Render the pages that cite nothing too, so the problems of
            // every page's Markdown show at once.
            diagnostics.extend(std::mem::take(&mut page_errors).into_vec());
            let renderer = self.markdown_renderer(&shortcodes);
            let results: Vec<Result<markdown::Rendered>> = self
                .content
                .pages
                .par_iter()
                .with_max_len(crate::PAGES_PER_TASK)
                .filter(|page| !page.has_shortcodes)
                .map(|page| self.render_page_markdown(&renderer, page))
                .collect();
            for result in results {
                diagnostics.take(result);
            }
        }
        // Pages as listings show them: the sources page names its citing
        // pages, and corrections the pages they concern, the same way.
        let summaries: Vec<PageSummary> = self
            .content
            .pages
            .par_iter()
            .with_max_len(crate::PAGES_PER_TASK)
            .map(|p| self.summary(p))
            .collect();
        let page_citations: Vec<(String, String, Vec<String>)> = summaries
            .iter()
            .zip(&citations)
            .filter(|(_, c)| !c.is_empty())
            .map(|(s, c)| (s.title.clone(), s.link.clone(), c.clone()))
            .collect();
        let page_lookup = |key: &str| {
            let summary = &summaries[self.content.index_of(key)?];
            Some((summary.title.clone(), summary.link.clone()))
        };
        // Every data field (events, quotes, then phases and corrections here)
        // is rendered before the build stops, so all their problems show at once.
        let story = StoryView::new(
            &self.story,
            &links,
            events,
            quotes,
            &page_citations,
            &page_lookup,
        );
        diagnostics.extend(std::mem::take(
            &mut *data_errors
                .lock()
                .expect("no panics while holding the lock"),
        ));
        diagnostics.stop_on_errors()?;
        for source in &story.sources {
            // A page left out may cite it.
            if failed.is_empty()
                && source.cited_by.is_empty()
                && let Some(s) = self.story.source(&source.id)
            {
                diagnostics.push(
                    Diagnostic::warning(
                        &self.story.sources_file.path,
                        format!("the source {:?} is cited by nothing", source.id),
                    )
                    .at_offset(&self.story.sources_file.text, s.id.span().start),
                );
            }
        }
        let shared = SharedContext {
            config: Value::from_serializable(&self.config),
            site: self.site_value(&summaries),
            story: Value::from_serializable(&story),
        };
        let warnings = diagnostics.finish()?;
        Ok(Prepared {
            citations,
            failed,
            page_errors: page_errors.into_vec(),
            summaries,
            story,
            links: story_links,
            shared,
            warnings,
        })
    }

    /// Writes every page, the feeds and the static files.
    pub fn write(&self, prepared: &Prepared, sink: &dyn Sink) -> Result<RenderStats> {
        let mut diagnostics = Diagnostics::default();
        diagnostics.extend(prepared.page_errors.iter().cloned());
        let pages = &self.content.pages;
        for &i in &prepared.failed {
            sink.skipped(&pages[i].output_file());
        }
        let all: Vec<usize> = (0..pages.len())
            .filter(|i| !prepared.failed.contains(i))
            .collect();
        // The sitemap and feed need only front matter: write them beside the pages.
        let (pages, feeds) = rayon::join(
            || self.write_pages(prepared, &all, sink),
            || self.write_feeds(&prepared.summaries, sink),
        );
        diagnostics.take(pages);
        diagnostics.take(self.render_not_found(&prepared.shared, sink));
        // On past a page with errors: the link checks of `check` need every
        // file that can be made, and a build that fails writes nothing.
        diagnostics.take(feeds);
        let assets = diagnostics
            .take(self.write_assets(sink))
            .unwrap_or_default();
        diagnostics.finish()?;
        Ok(RenderStats {
            pages: self.content.pages.len(),
            assets,
        })
    }

    /// Renders the pages at `indices`, Markdown and templates, into `sink`.
    ///
    /// A few pages at a time go through each stage (Markdown, templates,
    /// minification, writing) before the next, rather than each page through
    /// all of them: a stage's code then stays in the core's instruction cache
    /// from one page to the next. That made a 10,000-page build about 12%
    /// faster (`benches/ab.py 8 10000`, 2.40 -> 2.08 s of CPU).
    pub fn write_pages(
        &self,
        prepared: &Prepared,
        indices: &[usize],
        sink: &dyn Sink,
    ) -> Result<()> {
        let story = &prepared.story;
        let shortcodes = SiteShortcodes::new(self, &prepared.links, &story.events, &story.quotes);
        let renderer = self.markdown_renderer(&shortcodes);
        let pages = &self.content.pages;
        let results: Vec<Result<()>> = indices
            .par_chunks(crate::PAGES_PER_TASK)
            // A task a batch: a thread that runs out of work near the end
            // takes the other's batches one at a time, instead of waiting
            // while the other finishes a long run of them alone.
            .with_max_len(1)
            .flat_map_iter(|chunk| {
                let bodies: Vec<Result<markdown::Rendered>> = chunk
                    .iter()
                    .map(|&i| self.render_page_markdown(&renderer, &pages[i]))
                    .collect();
                let html: Vec<Result<Vec<u8>>> = chunk
                    .iter()
                    .zip(bodies)
                    .map(|(&i, body)| {
                        self.render_page(&pages[i], &prepared.summaries[i], &body?, prepared)
                    })
                    .collect();
                let minified: Vec<Result<Vec<u8>>> = html
                    .into_iter()
                    .map(|html| html.map(|html| self.finish_html(html)))
                    .collect();
                chunk.iter().zip(minified).map(|(&i, file)| {
                    let path = pages[i].output_file();
                    match file {
                        Ok(file) => sink.emit(&path, &file),
                        Err(e) => {
                            sink.skipped(&path);
                            Err(e)
                        }
                    }
                })
            })
            .collect();
        let mut diagnostics = Diagnostics::default();
        for result in results {
            diagnostics.take(result);
        }
        diagnostics.merge_repeats();
        diagnostics.finish().map(drop)
    }

    fn story_links(&self, diagnostics: &mut Diagnostics) -> StoryLinks {
        let pages = &self.config.story;
        // The page that shows a part of the story, named by `setting` of
        // [story]; one the story needs and does not have is an error there.
        let mut link_to = |setting: &str, key: &str, needed: bool, what: &str| -> String {
            match self.content.get(key) {
                Some(page) => self.config.link(&page.path),
                None => {
                    if needed {
                        diagnostics.push(self.config.setting_error(
                            &format!("story.{setting}"),
                            format!("the story has {what} but there is no page content/{key} to show them: add it, or name another page in [story]"),
                        ));
                    }
                    self.config.link(&crate::content::url_path(key, None))
                }
            }
        };
        let story = &self.story;
        StoryLinks {
            timeline: link_to(
                "timeline_page",
                &pages.timeline_page,
                !story.events.is_empty(),
                "timeline events",
            ),
            quotes: link_to(
                "quotes_page",
                &pages.quotes_page,
                !story.quotes.is_empty(),
                "quotes",
            ),
            sources: link_to(
                "sources_page",
                &pages.sources_page,
                !story.sources.is_empty(),
                "sources",
            ),
            corrections: link_to(
                "corrections_page",
                &pages.corrections_page,
                !story.corrections.is_empty(),
                "a corrections log",
            ),
        }
    }

    fn markdown_renderer<'a>(&'a self, shortcodes: &'a dyn Shortcodes) -> Renderer<'a> {
        Renderer {
            options: &self.config.markdown,
            base_url: &self.config.base_url,
            links: self,
            shortcodes,
        }
    }

    fn files_link(&self, dir: &str) -> String {
        if dir.is_empty() {
            self.config.base_path.clone()
        } else {
            self.config.link(&format!("{dir}/"))
        }
    }

    /// The source ids each page cites, in order. Only a shortcode can cite,
    /// so a page without `{{` needs no rendering here.
    fn find_citations(
        &self,
        shortcodes: &SiteShortcodes<'_>,
        reuse: Option<(&Prepared, &HashSet<usize>)>,
    ) -> Vec<Result<Vec<String>>> {
        let renderer = self.markdown_renderer(shortcodes);
        self.content
            .pages
            .par_iter()
            .with_max_len(crate::PAGES_PER_TASK)
            .enumerate()
            .map(|(i, page)| {
                if let Some((previous, changed)) = reuse
                    && !changed.contains(&i)
                {
                    return Ok(previous.citations[i].clone());
                }
                if !page.has_shortcodes {
                    return Ok(Vec::new());
                }
                self.render_page_markdown(&renderer, page)
                    .map(|r| r.citations)
            })
            .collect()
    }

    fn render_page_markdown(
        &self,
        renderer: &Renderer<'_>,
        page: &Page,
    ) -> Result<markdown::Rendered> {
        let text = page.read_text(&self.root)?;
        let files_dir = page.files_dir();
        let rendered = renderer.render(&Input {
            path: &page.source,
            file_text: &text,
            offset: page.body_offset,
            markdown: &text[page.body_offset..],
            allow_html: true,
            id_prefix: "",
            files_link: &self.files_link(&files_dir),
            is_file_beside: &|path| self.content.has_asset(&join_url_path(&files_dir, path)),
        });
        rendered.map_err(Error::Site)
    }

    fn render_data_markdown(
        &self,
        file: &DataFile,
        offset: usize,
        text: &str,
        id_prefix: &str,
        links: &StoryLinks,
        errors: &Mutex<Vec<Diagnostic>>,
    ) -> String {
        let shortcodes = SiteShortcodes::new(self, links, &[], &[]);
        let renderer = self.markdown_renderer(&shortcodes);
        let rendered = renderer.render_data_field(
            &file.path,
            &file.text,
            offset,
            text,
            id_prefix,
            &self.config.base_path,
        );
        match rendered {
            Ok(rendered) => rendered.html,
            Err(found) => {
                errors
                    .lock()
                    .expect("no panics while holding the lock")
                    .extend(found);
                String::new()
            }
        }
    }

    /// `site` for templates: `pages`, every page's summary (`summaries`, by
    /// page index) in listing order, and `nav`.
    fn site_value(&self, summaries: &[PageSummary]) -> Value {
        let mut pages: Vec<&PageSummary> = summaries.iter().collect();
        sort_summaries(&mut pages);
        let mut nav: Vec<&PageSummary> = self
            .content
            .pages
            .iter()
            .zip(summaries)
            .filter(|(p, _)| p.path.matches('/').count() == 1 && !p.path.is_empty())
            .map(|(_, s)| s)
            .collect();
        sort_summaries(&mut nav);
        Value::from(BTreeMap::from([
            ("pages", values_of(&pages)),
            ("nav", values_of(&nav)),
        ]))
    }

    /// A page's title or description as readers see it: with the typographer's
    /// punctuation when the site asks for it, as its Markdown gets.
    fn typeset(&self, text: &str) -> String {
        if self.config.markdown.smart_punctuation {
            markdown::smart_punctuation(text)
        } else {
            text.to_string()
        }
    }

    /// When `page` last changed: its `updated`, or the latest correction in
    /// the log that names it, if later. A reader sent to the page by the log
    /// finds it saying it changed, even when its front matter was not touched.
    fn last_updated(&self, page: &Page) -> Option<DateInfo> {
        let published = page.front.date.and_then(DateInfo::from_toml);
        let corrected = self
            .story
            .corrections
            .iter()
            .filter(|c| {
                c.page
                    .as_ref()
                    .is_some_and(|p| p.get_ref().trim_start_matches("@/") == page.key)
            })
            // Validation holds corrections to whole days.
            .filter_map(|c| match c.date {
                FuzzyDate::Day(day) => Some(DateInfo::from_day(day)),
                _ => None,
            })
            .filter(|d| published.as_ref().is_none_or(|p| d.datetime > p.datetime));
        let updated = page.front.updated.and_then(DateInfo::from_toml);
        updated
            .into_iter()
            .chain(corrected)
            .max_by(|a, b| a.datetime.cmp(&b.datetime))
    }

    fn summary(&self, page: &Page) -> PageSummary {
        let mut summary = PageSummary {
            key: page.key.clone(),
            title: self.typeset(&page.front.title),
            description: self.typeset(page.front.description.as_deref().unwrap_or_default()),
            link: self.config.link(&page.path),
            permalink: self.config.permalink(&page.path),
            date: page.front.date.and_then(DateInfo::from_toml),
            updated: self.last_updated(page),
            weight: page.front.weight.unwrap_or(0),
            is_section: page.is_section,
            draft: page.front.draft,
            value: Value::none(),
        };
        summary.value = Value::from_serializable(&summary);
        summary
    }

    fn template_for(&self, page: &Page) -> Result<String> {
        if let Some(template) = &page.front.template {
            let name = template.get_ref();
            if !self.templates.has(name) {
                let error = Diagnostic::error(
                    &page.source,
                    format!(
                        "no template {name:?} in templates/ or themes/{}/templates/",
                        self.config.theme
                    ),
                );
                return Err(match page.read_text(&self.root) {
                    Ok(text) => error.at_offset(&text, page.front_offset + template.span().start),
                    Err(_) => error,
                }
                .into());
            }
            return Ok(name.clone());
        }
        let name = match (page.is_section, page.path.is_empty()) {
            (true, true) if self.templates.has("index.html") => "index.html",
            (true, _) => "section.html",
            (false, _) => "page.html",
        };
        if !self.templates.has(name) {
            return Err(Diagnostic::error(
                &page.source,
                format!("the theme {:?} has no {name} for this page: add themes/{}/templates/{name} or templates/{name}", self.config.theme, self.config.theme),
            )
            .into());
        }
        Ok(name.to_string())
    }

    /// The page's HTML from its template, not yet minified.
    fn render_page(
        &self,
        page: &Page,
        summary: &PageSummary,
        body: &markdown::Rendered,
        prepared: &Prepared,
    ) -> Result<Vec<u8>> {
        let template = self.template_for(page)?;
        // In the sources page's order, as their numbers go.
        let citations: Vec<Citation> = self
            .story
            .numbered_sources()
            .filter(|(_, s)| body.citations.contains(s.id.get_ref()))
            .map(|(number, s)| Citation::new(number, s, &prepared.links.sources))
            .collect();
        let pages = if page.is_section {
            let mut children: Vec<&PageSummary> = self
                .content
                .pages
                .iter()
                .zip(&prepared.summaries)
                .filter(|(p, _)| p.parent.as_deref() == Some(page.key.as_str()))
                .map(|(_, s)| s)
                .collect();
            sort_summaries_by(&mut children, page.front.sort_by);
            values_of(&children)
        } else {
            Vec::new()
        };
        let view = PageView {
            changed_since_publication: matches!((&summary.date, &summary.updated), (Some(d), Some(u)) if d.datetime != u.datetime),
            source: page.source.to_string_lossy().replace('\\', "/"),
            content_html: &body.html,
            headings: &body.headings,
            citations,
            extra: &page.front.extra,
        };
        let mut context = prepared.shared.context();
        context.insert_value("page", view.value(summary, pages));
        context.insert("current_path", &page.path);
        let size_hint = body.html.len() + THEME_MARKUP_HINT;
        self.templates
            .render_bytes(&template, &context, Some(&page.source), size_hint)
    }

    fn render_not_found(&self, shared: &SharedContext, sink: &dyn Sink) -> Result<()> {
        if !self.templates.has("404.html") {
            return Ok(());
        }
        let mut context = shared.context();
        context.insert("current_path", "404.html");
        let html = self
            .templates
            .render_bytes("404.html", &context, None, THEME_MARKUP_HINT)?;
        sink.emit(Path::new("404.html"), &self.finish_html(html))
    }

    fn finish_html(&self, html: Vec<u8>) -> Vec<u8> {
        let minified = if self.minify {
            output::minify_html(&html)
        } else {
            html
        };
        match &self.inject_script {
            Some(script) => inject_before_body_end(minified, script),
            None => minified,
        }
    }

    /// The sitemap, robots.txt and feed, those site.toml asks for, from the
    /// pages' summaries (in the order of `self.content.pages`).
    fn write_feeds(&self, summaries: &[PageSummary], sink: &dyn Sink) -> Result<()> {
        let config = &self.config;
        // A draft, built only to preview it, is announced nowhere.
        let published: Vec<&PageSummary> = summaries.iter().filter(|s| !s.draft).collect();
        if config.generate_sitemap {
            sink.emit(Path::new("sitemap.xml"), sitemap(&published).as_bytes())?;
        }
        if config.generate_robots_txt {
            let mut robots = String::from("User-agent: *\nAllow: /\n");
            if config.generate_sitemap {
                robots.push_str(&format!("\nSitemap: {}\n", config.permalink("sitemap.xml")));
            }
            sink.emit(Path::new("robots.txt"), robots.as_bytes())?;
        }
        if config.generate_feed {
            sink.emit(Path::new("atom.xml"), self.atom_feed(&published).as_bytes())?;
        }
        Ok(())
    }

    /// An Atom feed of the dated pages, most recently changed first.
    fn atom_feed(&self, pages: &[&PageSummary]) -> String {
        let mut dated: Vec<(&PageSummary, &DateInfo, &DateInfo)> = pages
            .iter()
            .filter_map(|s| {
                let published = s.date.as_ref()?;
                Some((*s, published, s.updated.as_ref().unwrap_or(published)))
            })
            .collect();
        dated.sort_by(|a, b| b.2.datetime.cmp(&a.2.datetime).then(a.0.key.cmp(&b.0.key)));
        let updated = dated.first().map_or("1970-01-01", |d| &d.2.datetime);
        let esc = output::xml_escape;
        let mut feed = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{}</title>\n<subtitle>{}</subtitle>\n<link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>\n<link href=\"{}\"/>\n<id>{}</id>\n<updated>{updated}T00:00:00Z</updated>\n<author><name>{}</name></author>\n",
            esc(&self.config.language),
            esc(&self.config.title),
            esc(&self.config.description),
            esc(&self.config.permalink("atom.xml")),
            esc(&self.config.base_url),
            esc(&self.config.base_url),
            esc(&self.config.title),
        );
        for (page, published, changed) in dated {
            let link = esc(&page.permalink);
            feed.push_str(&format!(
                "<entry><title>{}</title><link href=\"{link}\"/><id>{link}</id><published>{}T00:00:00Z</published><updated>{}T00:00:00Z</updated><summary>{}</summary></entry>\n",
                esc(&page.title),
                published.datetime,
                changed.datetime,
                esc(&page.description),
            ));
        }
        feed.push_str("</feed>\n");
        feed
    }

    fn write_assets(&self, sink: &dyn Sink) -> Result<usize> {
        let results: Vec<Result<()>> = self
            .statics
            .par_iter()
            .map(|file| match &file.minified {
                Some(bytes) => sink.emit(Path::new(&file.output), bytes),
                None => sink.copy(&file.source, Path::new(&file.output)),
            })
            .chain(
                self.content
                    .assets
                    .par_iter()
                    .map(|a| sink.copy(&a.source, &a.output)),
            )
            .collect();
        results.into_iter().collect::<Result<Vec<()>>>()?;
        Ok(self.statics.len() + self.content.assets.len())
    }
}

impl SiteLinks for Site {
    fn page(&self, key: &str) -> std::result::Result<String, String> {
        match self.content.get(key) {
            Some(page) => Ok(self.config.link(&page.path)),
            None if self.content.is_draft(key) => Err(format!(
                "content/{key} is a draft (draft = true): link to it once it is published, or preview both with `serve --drafts`"
            )),
            None => Err(format!("there is no content/{key}")),
        }
    }

    fn static_file(&self, path: &str) -> Option<String> {
        self.links.assets.get(path).cloned()
    }
}

/// A story page whose data file is missing (or misspelt) shows nothing: in a
/// site with a story, say so rather than publish an empty timeline quietly.
fn missing_data_files(
    root: &Path,
    config: &Config,
    content: &Content,
    story: &Story,
) -> Vec<Diagnostic> {
    if story.is_empty() {
        return Vec::new();
    }
    let pages = &config.story;
    [
        (&story.timeline_file, &pages.timeline_page, "events"),
        (&story.quotes_file, &pages.quotes_page, "quotes"),
        (&story.sources_file, &pages.sources_page, "sources"),
    ]
    .into_iter()
    .filter(|(file, page, _)| {
        content.get(page).is_some() && !root.join(&file.path).exists()
    })
    .map(|(file, page, what)| {
        let message = format!(
            "there is no such file, so content/{page} shows no {what}: add it, or give the file this name"
        );
        Diagnostic::warning(&file.path, message)
    })
    .collect()
}

fn static_key(root: &Path, config: &Config, source: &Path) -> String {
    let theme_static = root.join(templates::theme_dir(config)).join("static");
    let relative = source
        .strip_prefix(&theme_static)
        .or_else(|_| source.strip_prefix(root.join("static")))
        .unwrap_or(source);
    relative.to_string_lossy().replace('\\', "/")
}

/// Reads, minifies and fingerprints the theme's and site's static files.
fn load_statics(
    root: &Path,
    config: &Config,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<StaticFile>> {
    let theme_static = templates::theme_dir(config).join("static");
    output::static_files(root, &theme_static, warnings)
        .into_par_iter()
        .map(|(name, source)| {
            let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
            let minified = if matches!(extension, "css" | "js") {
                let text = crate::fs::read_text(&source, &source)?;
                Some(output::minify_static(extension, &text))
            } else {
                None
            };
            let output = if output::keeps_its_name(&name) {
                name
            } else {
                let bytes = match &minified {
                    Some(bytes) => bytes.clone(),
                    None => std::fs::read(&source).map_err(|e| Error::io(&source, e))?,
                };
                output::fingerprinted_name(&name, &bytes)
            };
            Ok(StaticFile {
                output,
                source,
                minified,
            })
        })
        .collect()
}

fn inject_before_body_end(mut html: Vec<u8>, script: &str) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, script.bytes());
    html
}

struct StoryLinks {
    timeline: String,
    quotes: String,
    sources: String,
    corrections: String,
}

/// Shortcodes backed by the story and the theme's `shortcodes/*.html` templates.
/// Without events and quotes (inside story data) only `cite` is available.
struct SiteShortcodes<'a> {
    site: &'a Site,
    links: &'a StoryLinks,
    events: HashMap<&'a str, &'a EventView>,
    quotes: HashMap<&'a str, &'a QuoteView>,
}

impl<'a> SiteShortcodes<'a> {
    fn new(
        site: &'a Site,
        links: &'a StoryLinks,
        events: &'a [EventView],
        quotes: &'a [QuoteView],
    ) -> Self {
        SiteShortcodes {
            site,
            links,
            events: events.iter().map(|e| (e.id.as_str(), e)).collect(),
            quotes: quotes.iter().map(|q| (q.id.as_str(), q)).collect(),
        }
    }
}

impl Shortcodes for SiteShortcodes<'_> {
    fn render(&self, call: &ShortcodeCall, citations: &mut Vec<String>) -> Result<String, String> {
        let site = self.site;
        let mut context = Context::new();
        let known = |ids: Vec<&str>| {
            let mut ids = ids;
            ids.sort_unstable();
            if ids.is_empty() {
                "none".to_string()
            } else {
                ids.join(", ")
            }
        };
        match call.name.as_str() {
            "quote"
                if self.quotes.is_empty()
                    && self.events.is_empty()
                    && !site.story.quotes.is_empty() =>
            {
                return Err("a quote cannot be placed inside story data".into());
            }
            "quote" => {
                let quote = self.quotes.get(call.id.as_str()).ok_or_else(|| {
                    format!(
                        "unknown quote id {:?} (known: {})",
                        call.id,
                        known(self.quotes.keys().copied().collect())
                    )
                })?;
                context.insert("quote", quote);
            }
            "event" => {
                let event = self.events.get(call.id.as_str()).ok_or_else(|| {
                    format!(
                        "unknown event id {:?} (known: {})",
                        call.id,
                        known(self.events.keys().copied().collect())
                    )
                })?;
                context.insert("event", event);
            }
            _ => {
                let (number, source) = site.story.numbered_source(&call.id).ok_or_else(|| {
                    format!(
                        "unknown source id {:?} (known: {})",
                        call.id,
                        known(
                            site.story
                                .sources
                                .iter()
                                .map(|s| s.id.get_ref().as_str())
                                .collect()
                        )
                    )
                })?;
                if !citations.contains(&call.id) {
                    citations.push(call.id.clone());
                }
                context.insert("number", &number);
                context.insert(
                    "source",
                    &Citation::new(number, source, &self.links.sources),
                );
            }
        }
        let template = format!("shortcodes/{}.html", call.name);
        site.templates
            .render(&template, &context, None)
            .map_err(|e| e.to_string())
    }
}

/// A site whose Markdown and story are rendered, ready for templates.
pub struct Prepared {
    /// The source ids each page cites, by page index.
    citations: Vec<Vec<String>>,
    /// The pages whose Markdown has errors (by index), and the errors.
    failed: HashSet<usize>,
    page_errors: Vec<Diagnostic>,
    /// What each page shows in listings, by page index: made once, for
    /// `site.pages`, the page itself and its section's list.
    summaries: Vec<PageSummary>,
    story: StoryView,
    links: StoryLinks,
    shared: SharedContext,
    pub warnings: Vec<Diagnostic>,
}

impl Prepared {
    /// What a page shows in listings and navigation, and the sources it cites:
    /// if this changes, other pages must be rendered again.
    pub fn page_fingerprint(&self, site: &Site, index: usize) -> String {
        let page = &site.content.pages[index];
        let f = &page.front;
        format!(
            "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            f.title,
            f.description,
            f.date,
            f.updated,
            f.weight,
            f.slug.as_ref().map(|s| s.get_ref()),
            f.draft,
            self.citations[index]
        )
    }
}

/// The values every page's context shares, built once.
struct SharedContext {
    config: Value,
    site: Value,
    story: Value,
}

impl SharedContext {
    fn context(&self) -> Context {
        let mut context = Context::new();
        context.insert_value("config", self.config.clone());
        context.insert_value("site", self.site.clone());
        context.insert_value("story", self.story.clone());
        context
    }
}

#[derive(Debug, Clone, Serialize)]
struct DateInfo {
    /// `2025-09-20`
    datetime: String,
    /// `20 September 2025`
    words: String,
}

impl DateInfo {
    fn from_toml(value: toml::value::Datetime) -> Option<DateInfo> {
        let d = value.date?;
        let date = jiff::civil::Date::new(d.year as i16, d.month as i8, d.day as i8).ok()?;
        Some(DateInfo::from_day(date))
    }

    fn from_day(date: jiff::civil::Date) -> DateInfo {
        DateInfo {
            datetime: date.to_string(),
            words: FuzzyDate::Day(date).words(),
        }
    }
}

/// Room for the theme's markup around a page's Markdown, when a page's HTML
/// buffer is made: a few kilobytes at most.
const THEME_MARKUP_HINT: usize = 4096;

/// What a page shows in listings and is sorted by.
#[derive(Debug, Clone, Serialize)]
struct PageSummary {
    key: String,
    title: String,
    description: String,
    link: String,
    permalink: String,
    date: Option<DateInfo>,
    updated: Option<DateInfo>,
    weight: i64,
    is_section: bool,
    /// Built only with `--drafts`: not for search engines, feeds or sitemaps.
    draft: bool,
    /// The fields above as templates see them, made once: a tera value is
    /// shared, not copied, by `site.pages`, `site.nav`, the section's
    /// `page.pages` and the page itself, where a large site would otherwise
    /// serialize each summary three times.
    #[serde(skip)]
    value: Value,
}

/// sitemap.xml: every page, with the date it last changed.
fn sitemap(pages: &[&PageSummary]) -> String {
    let mut sitemap = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages {
        sitemap.push_str("<url><loc>");
        sitemap.push_str(&output::xml_escape(&page.permalink));
        sitemap.push_str("</loc>");
        if let Some(date) = page.updated.as_ref().or(page.date.as_ref()) {
            sitemap.push_str(&format!("<lastmod>{}</lastmod>", date.datetime));
        }
        sitemap.push_str("</url>\n");
    }
    sitemap.push_str("</urlset>\n");
    sitemap
}

fn values_of(summaries: &[&PageSummary]) -> Vec<Value> {
    summaries.iter().map(|s| s.value.clone()).collect()
}

/// Sorts a section's pages as its front matter asks. Ties go by title, then
/// keep content order (by file), so every build lists them alike.
fn sort_summaries_by(pages: &mut [&PageSummary], sort_by: Option<SortBy>) {
    fn date(page: &PageSummary) -> Option<&str> {
        page.date.as_ref().map(|d| d.datetime.as_str())
    }
    match sort_by {
        None => sort_summaries(pages),
        // Reversed for newest first, which also puts undated pages (`None`) last.
        Some(SortBy::Date) => {
            pages.sort_by(|a, b| date(b).cmp(&date(a)).then_with(|| by_title(a, b)))
        }
        Some(SortBy::Weight) => {
            pages.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| by_title(a, b)))
        }
        Some(SortBy::Title) => pages.sort_by(|a, b| by_title(a, b)),
    }
}

fn sort_summaries(pages: &mut [&PageSummary]) {
    pages.sort_by(|a, b| {
        a.weight
            .cmp(&b.weight)
            .then_with(|| {
                b.date
                    .as_ref()
                    .map(|d| &d.datetime)
                    .cmp(&a.date.as_ref().map(|d| &d.datetime))
            })
            .then_with(|| by_title(a, b))
    });
}

/// Titles in the order a reader looks for them: by their words, whatever
/// their case and any opening quote mark (`“Quoted”` among the Qs).
fn by_title(a: &PageSummary, b: &PageSummary) -> std::cmp::Ordering {
    fn words(title: &str) -> impl Iterator<Item = char> + '_ {
        title
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .chars()
            .flat_map(char::to_lowercase)
    }
    words(&a.title)
        .cmp(words(&b.title))
        .then_with(|| a.title.cmp(&b.title))
}

/// What `page` holds for templates besides its summary and, for a section, `pages`.
#[derive(Serialize)]
struct PageView<'a> {
    source: String,
    changed_since_publication: bool,
    content_html: &'a str,
    headings: &'a [Heading],
    citations: Vec<Citation>,
    extra: &'a toml::Table,
}

impl PageView<'_> {
    /// `page`: the summary's fields, then these, then `pages`.
    fn value(&self, summary: &PageSummary, pages: Vec<Value>) -> Value {
        let mut page = summary.value.clone().into_map().unwrap_or_default();
        page.extend(
            Value::from_serializable(self)
                .into_map()
                .unwrap_or_default(),
        );
        page.insert("pages".into(), Value::from(pages));
        Value::from(page)
    }
}
