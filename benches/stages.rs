//! Micro-benchmarks of Broadside's hot stages, on one page of the synthetic
//! corpus (benches/fixtures/page.md, written by ../shared/bench/gen_corpus.py)
//! and the bench theme (benches/site/):
//!
//! - `front_matter`: `content::front_matter::split` + `parse`;
//! - `markdown`: `markdown::Renderer::render`, beside bare pulldown-cmark with
//!   the same options (the difference is Broadside's own Markdown work);
//! - `template`: `templates::Templates::render` of page.html, and of
//!   section.html listing 500 pages (a section of the 10,000-page corpus);
//! - `minify`: `output::minify_html` of the rendered page;
//! - `check`: what the link checks read from that page, minified, as a
//!   build writes it (`LinkChecker`'s `Sink::emit` without a folder);
//! - `site`: `Site::load` and `Site::render` of a 200-page site into a sink
//!   that keeps nothing: the whole pipeline without the disk.
//!
//! ```sh
//! cargo bench --bench stages                 # all
//! cargo bench --bench stages -- markdown     # one group
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use broadside::check::LinkChecker;
use broadside::config::Config;
use broadside::content::front_matter;
use broadside::markdown::{Input, NoLinks, Renderer, ShortcodeCall, Shortcodes};
use broadside::output::{self, Sink};
use broadside::site::{BuildOptions, Site};
use broadside::templates::{LinkTables, Templates};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::Serialize;
use tera::{Context, Value};

const PAGE: &str = include_str!("fixtures/page.md");

fn bench_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/site")
}

/// The corpus has no shortcodes; the renderer still asks on `{{`.
struct NoShortcodes;

impl Shortcodes for NoShortcodes {
    fn is_block(&self, _: &str) -> Option<bool> {
        None
    }
    fn render(&self, _: &ShortcodeCall, _: &mut Vec<String>) -> Result<String, String> {
        Err("no shortcodes in the benchmark".into())
    }
}

#[derive(Serialize, Clone)]
struct DateView {
    datetime: String,
    words: String,
}

/// The fields of `site.rs`'s PageView / PageSummary that the bench theme reads,
/// plus the ones a real page carries.
#[derive(Serialize, Clone)]
struct PageView {
    key: String,
    title: String,
    description: String,
    link: String,
    permalink: String,
    date: Option<DateView>,
    updated: Option<DateView>,
    weight: i64,
    is_section: bool,
    source: String,
    changed_since_publication: bool,
    content_html: String,
    headings: Vec<broadside::markdown::Heading>,
    citations: Vec<String>,
    pages: Vec<PageView>,
}

fn page_view(n: usize, html: &str) -> PageView {
    PageView {
        key: format!("section-000/page-{n:05}.md"),
        title: "Model immigration removal signed record".into(),
        description: "Vote pension public force association jail bonus director removal".into(),
        link: format!("/section-000/page-{n:05}/"),
        permalink: format!("https://bench.example.org/section-000/page-{n:05}/"),
        date: Some(DateView {
            datetime: "2025-01-01".into(),
            words: "1 January 2025".into(),
        }),
        updated: None,
        weight: n as i64,
        is_section: false,
        source: format!("content/section-000/page-{n:05}.md"),
        changed_since_publication: false,
        content_html: html.to_string(),
        headings: Vec::new(),
        citations: Vec::new(),
        pages: Vec::new(),
    }
}

fn stages(c: &mut Criterion) {
    let root = bench_site();
    let config = Config::load(&root).expect("benches/site/site.toml loads");
    let path = Path::new("content/section-000/page-00001.md");

    let mut group = c.benchmark_group("front_matter");
    group.throughput(Throughput::Bytes(PAGE.len() as u64));
    group.bench_function("split+parse", |b| {
        b.iter(|| {
            let split = front_matter::split(path, black_box(PAGE)).unwrap();
            front_matter::parse(path, PAGE, &split).unwrap()
        })
    });
    group.finish();

    let split = front_matter::split(path, PAGE).unwrap();
    let renderer = Renderer {
        options: &config.markdown,
        base_url: &config.base_url,
        links: &NoLinks,
        shortcodes: &NoShortcodes,
    };
    let input = Input {
        path,
        file_text: PAGE,
        offset: split.body_offset,
        markdown: split.body,
        allow_html: true,
        id_prefix: "",
        files_link: "/section-000/",
        is_file_beside: &|_| false,
    };
    let mut group = c.benchmark_group("markdown");
    group.throughput(Throughput::Bytes(split.body.len() as u64));
    group.bench_function("renderer", |b| {
        b.iter(|| renderer.render(black_box(&input)).unwrap())
    });
    group.bench_function("pulldown_cmark_only", |b| {
        use pulldown_cmark::{Options, Parser};
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_HEADING_ATTRIBUTES
            | Options::ENABLE_SMART_PUNCTUATION;
        b.iter(|| {
            let mut html = String::with_capacity(split.body.len() * 3 / 2);
            pulldown_cmark::html::push_html(
                &mut html,
                Parser::new_ext(black_box(split.body), options),
            );
            html
        })
    });
    group.finish();

    let body = renderer.render(&input).unwrap().html;
    // What Site::load gives asset(): the theme's one stylesheet, fingerprinted.
    let links = LinkTables {
        pages: Default::default(),
        assets: [("style.css".to_string(), "/style.0123abcd.css".to_string())]
            .into_iter()
            .collect(),
    };
    let templates =
        Templates::load(&root, &config, Arc::new(links)).expect("the bench theme loads");
    // As site.rs's SharedContext: config, site and story values built once, cloned per page.
    let config_value = Value::from_serializable(&config);
    let page = page_view(1, &body);
    let section = PageView {
        is_section: true,
        pages: (1..=500).map(|n| page_view(n, "")).collect(),
        ..page_view(0, &body)
    };
    let context_for = |view: &PageView| {
        let mut context = Context::new();
        context.insert_value("config", config_value.clone());
        context.insert("page", view);
        context.insert("current_path", &view.link);
        context
    };
    let mut group = c.benchmark_group("template");
    group.bench_function("page.html", |b| {
        b.iter(|| {
            templates
                .render("page.html", &context_for(black_box(&page)), None)
                .unwrap()
        })
    });
    group.bench_function("page.html_render_only", |b| {
        let context = context_for(&page);
        b.iter(|| {
            templates
                .render("page.html", black_box(&context), None)
                .unwrap()
        })
    });
    group.bench_function("section.html_500_pages", |b| {
        b.iter(|| {
            templates
                .render("section.html", &context_for(black_box(&section)), None)
                .unwrap()
        })
    });
    group.finish();

    let html = templates
        .render("page.html", &context_for(&page), None)
        .unwrap();
    let mut group = c.benchmark_group("minify");
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.bench_function("minify_html", |b| {
        b.iter(|| output::minify_html(black_box(html.as_bytes())))
    });
    group.finish();

    // What the link checks read from every page as it is written.
    let minified = output::minify_html(html.as_bytes());
    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Bytes(minified.len() as u64));
    group.bench_function("record_page", |b| {
        let checker = LinkChecker::new(None, &config.base_url);
        let path = Path::new("section-000/page-00001/index.html");
        b.iter(|| checker.emit(path, black_box(&minified)).unwrap())
    });
    group.finish();
}

/// Keeps nothing: the pipeline without the disk.
struct NullSink;

impl Sink for NullSink {
    fn emit(&self, _: &Path, bytes: &[u8]) -> broadside::Result<()> {
        black_box(bytes);
        Ok(())
    }
    fn copy(&self, _: &Path, _: &Path) -> broadside::Result<()> {
        Ok(())
    }
}

/// A 200-page site (4 sections of 50 copies of the fixture page) in a temp folder.
fn small_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::copy(bench_site().join("site.toml"), root.join("site.toml")).unwrap();
    for dir in ["themes/bench/templates", "themes/bench/static"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
        for entry in std::fs::read_dir(bench_site().join(dir)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), root.join(dir).join(entry.file_name())).unwrap();
        }
    }
    let content = root.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        content.join("_index.md"),
        "+++\ntitle = \"Benchmark site\"\n+++\n\nHome.\n",
    )
    .unwrap();
    let body = front_matter::split(Path::new("page.md"), PAGE)
        .unwrap()
        .body;
    for s in 0..4 {
        let section = content.join(format!("section-{s:03}"));
        std::fs::create_dir_all(&section).unwrap();
        std::fs::write(
            section.join("_index.md"),
            format!("+++\ntitle = \"Section {s}\"\n+++\n\nSection.\n"),
        )
        .unwrap();
        for p in 1..=50 {
            std::fs::write(
                section.join(format!("page-{p:05}.md")),
                format!(
                    "+++\ntitle = \"Page {p} of section {s}\"\ndate = 2025-01-{:02}\ndescription = \"A page\"\nweight = {p}\n+++\n{body}",
                    1 + p % 28
                ),
            )
            .unwrap();
        }
    }
    dir
}

fn whole_site(c: &mut Criterion) {
    let dir = small_site();
    let options = BuildOptions {
        root: dir.path().to_path_buf(),
        ..BuildOptions::default()
    };
    let mut group = c.benchmark_group("site");
    group.throughput(Throughput::Elements(205));
    group.bench_function("load_205_pages", |b| {
        b.iter(|| Site::load(black_box(&options)).unwrap())
    });
    let site = Site::load(&options).unwrap();
    group.bench_function("render_205_pages_null_sink", |b| {
        b.iter(|| site.render(&NullSink).unwrap())
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = stages, whole_site
}
criterion_main!(benches);
