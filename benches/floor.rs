//! The floor: the least work any generator must do for a corpus, to measure
//! Broadside's build against (issue 7).
//!
//! ```sh
//! cargo run --release --example floor -- SITE_DIR OUT_DIR
//! ```
//!
//! Every `SITE_DIR/content/**/*.md` goes through exactly three things, on all
//! cores (rayon's default pool), in one process: pulldown-cmark with the
//! options Broadside uses, minify-html with the `Cfg` Broadside uses
//! (`minify_css` + `minify_js`, see `src/output.rs`), and a file write to
//! `OUT_DIR/<path>/index.html`. Reading the file and cutting off its `+++`
//! front matter (without parsing it) is included; templates, front matter
//! parsing, links, listings and feeds are not. The page is wrapped in a fixed
//! HTML shell the size of the bench theme's, so the minifier sees a whole page.
//!
//! `benches/run.sh` times this beside `broadside build`; build / floor is what
//! the rest of the pipeline costs. The floor uses Broadside's allocator, with
//! its settings, and takes its pages in batches of 8, each stage for all of a
//! batch before the next, as Broadside does: so that ratio counts neither
//! mimalloc's gain over the system allocator nor the batching's (8% for the
//! floor, `benches/ab.py`) as Broadside's own.

use std::path::{Path, PathBuf};
use std::time::Instant;

use pulldown_cmark::{Options, Parser};
use rayon::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Broadside's allocator settings too: mimalloc keeps freed memory.
    broadside::keep_freed_memory();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [site, out] = args.as_slice() else {
        eprintln!("usage: floor SITE_DIR OUT_DIR");
        std::process::exit(2);
    };
    let started = Instant::now();
    let content = Path::new(site).join("content");
    let out = Path::new(out);

    let files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();

    let cfg = minify_html::Cfg {
        minify_css: true,
        minify_js: true,
        ..minify_html::Cfg::new()
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION;

    // Pages in batches of 8, each stage for all of a batch before the next,
    // and a task a batch, as Broadside renders them (`Site::write_pages`).
    let bytes: usize = files
        .par_chunks(8)
        .with_max_len(1)
        .map(|batch| {
            let texts: Vec<String> = batch
                .iter()
                .map(|file| std::fs::read_to_string(file).expect("read a page"))
                .collect();
            let pages: Vec<String> = texts
                .iter()
                .map(|text| {
                    let body = strip_front_matter(text);
                    let mut html = String::with_capacity(body.len() * 3 / 2 + SHELL_LEN);
                    html.push_str(SHELL_START);
                    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(body, options));
                    html.push_str(SHELL_END);
                    html
                })
                .collect();
            let minified: Vec<Vec<u8>> = pages
                .iter()
                .map(|html| minify_html::minify(html.as_bytes(), &cfg))
                .collect();
            let mut bytes = 0;
            for (file, minified) in batch.iter().zip(&minified) {
                let relative = file.strip_prefix(&content).expect("under content/");
                let target = out.join(output_dir(relative)).join("index.html");
                std::fs::create_dir_all(target.parent().expect("has a parent")).expect("mkdir");
                std::fs::write(&target, minified).expect("write a page");
                bytes += minified.len();
            }
            bytes
        })
        .sum();

    println!(
        "Floor: {} pages, {} bytes in {} ms -> {}",
        files.len(),
        bytes,
        started.elapsed().as_millis(),
        out.display()
    );
}

const SHELL_START: &str = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>A page title of about forty characters | Benchmark site</title>\n<meta name=\"description\" content=\"A description of about a dozen words, as the corpus writes them for each page\"><link rel=\"stylesheet\" href=\"/style.css\"></head>\n<body><header><a href=\"/\">Benchmark site</a></header>\n<main><article><h1>A page title of about forty characters</h1><time datetime=\"2025-01-01\">1 January 2025</time>";
const SHELL_END: &str =
    "</article></main>\n<footer><p>Benchmark footer</p></footer></body></html>\n";
const SHELL_LEN: usize = SHELL_START.len() + SHELL_END.len();

/// The text after the closing `+++` line, or all of it.
fn strip_front_matter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("+++\n") else {
        return text;
    };
    match rest.find("\n+++\n") {
        Some(i) => &rest[i + 5..],
        None => text,
    }
}

/// `a/b.md` -> `a/b`, `a/_index.md` -> `a`, `_index.md` -> ``: the same clean
/// URLs as Broadside and Hugo.
fn output_dir(relative: &Path) -> PathBuf {
    let stem = relative.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let parent = relative.parent().unwrap_or(Path::new(""));
    if stem == "_index" || stem == "index" {
        parent.to_path_buf()
    } else {
        parent.join(stem)
    }
}
