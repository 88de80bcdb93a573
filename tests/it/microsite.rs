//! The microsite in this repository: complete, cited, and warning-free.

use std::collections::HashSet;

use crate::fixture::{SiteTest, copy_dir, repo_root, tree};

/// The repository's site, copied so the test never touches its `public/`.
fn microsite() -> SiteTest {
    let site = SiteTest::with_default_theme();
    copy_dir(&repo_root().join("content"), &site.root().join("content"));
    let config = std::fs::read_to_string(repo_root().join("site.toml")).unwrap();
    site.file("site.toml", &config)
}

fn select(css: &str) -> scraper::Selector {
    scraper::Selector::parse(css).unwrap()
}

fn ids(html: &str) -> HashSet<String> {
    let doc = scraper::Html::parse_document(html);
    let any = scraper::Selector::parse("[id]").unwrap();
    doc.select(&any)
        .map(|e| e.value().attr("id").unwrap().to_string())
        .collect()
}

#[test]
fn builds_every_page_without_warnings() {
    let site = microsite();
    let run = site.build().ok();
    assert_eq!(run.stderr(), "", "the microsite builds with no warning");
    for page in [
        "index.html",
        "timeline/index.html",
        "explainer/index.html",
        "quotes/index.html",
        "sources/index.html",
        "about/index.html",
        "404.html",
    ] {
        assert!(site.public().join(page).is_file(), "{page} missing");
    }
}

#[test]
fn every_event_and_quote_has_a_permalink_and_a_resolving_citation() {
    let site = microsite();
    site.build().ok();
    let files = tree(&site.public());
    let base = "/recruiting-the-partners/";
    let page_ids = |page: &str| ids(&String::from_utf8_lossy(&files[std::path::Path::new(page)]));
    let sources = page_ids("sources/index.html");

    for (page, kind) in [
        ("timeline/index.html", "event"),
        ("quotes/index.html", "quote"),
    ] {
        let html = String::from_utf8_lossy(&files[std::path::Path::new(page)]).into_owned();
        let doc = scraper::Html::parse_document(&html);
        let items = scraper::Selector::parse(&format!("article.{kind}")).unwrap();
        let link = scraper::Selector::parse("a[href]").unwrap();
        let mut count = 0;
        for item in doc.select(&items) {
            count += 1;
            let id = item.value().attr("id").expect("an id for the permalink");
            let hrefs: Vec<&str> = item
                .select(&link)
                .filter_map(|a| a.value().attr("href"))
                .collect();
            // On its own page, the short form of the same address will do.
            let permalink = format!("{base}{}#{id}", page.trim_end_matches("index.html"));
            assert!(
                hrefs.contains(&permalink.as_str()) || hrefs.contains(&format!("#{id}").as_str()),
                "{id} has no permalink {permalink}"
            );
            let cited: Vec<&str> = hrefs
                .iter()
                .filter_map(|h| h.strip_prefix(&format!("{base}sources/#")))
                .collect();
            assert!(!cited.is_empty(), "{id} cites nothing");
            for source in cited {
                assert!(
                    sources.contains(source),
                    "{id} cites {source}, which the sources page lacks"
                );
            }
        }
        let expected = if kind == "event" { 10 } else { 16 };
        assert!(count >= expected, "only {count} {kind}s on {page}");
    }
}

#[test]
fn home_page_key_figures_are_cited() {
    let site = microsite();
    site.build().ok();
    let html = site.read("index.html");
    let doc = scraper::Html::parse_document(&html);
    let items = scraper::Selector::parse("main li").unwrap();
    let cite = scraper::Selector::parse("sup.cite a").unwrap();
    for figure in ["10,000", "$50,000", "$60,000", "80,000", "$5.7 million"] {
        let item = doc
            .select(&items)
            .find(|li| li.text().collect::<String>().contains(figure))
            .unwrap_or_else(|| panic!("{figure} missing from the home page"));
        assert!(
            item.select(&cite).next().is_some(),
            "{figure} has no citation"
        );
    }
}

#[test]
fn the_repository_site_toml_points_at_the_real_pages() {
    let site = microsite();
    site.build().ok();
    let about = site.read("about/index.html");
    assert!(
        about.contains("id=corrections-log"),
        "the corrections log is on the about page"
    );
    assert!(
        about.contains("Email <a href=mailto:corrections@example.org>"),
        "the about page says where to report an error: {about}"
    );
}

/// Quotes are verbatim: every part of every quote and variant (parts are
/// joined with "…") appears character for character in a source document.
#[test]
fn every_quote_is_verbatim_from_the_seed_documents() {
    let seeds_dir = repo_root().join("../shared/seeds");
    let Ok(entries) = std::fs::read_dir(&seeds_dir) else {
        eprintln!("skipped: no source documents at {}", seeds_dir.display());
        return;
    };
    let seeds: String = entries
        .filter_map(|e| e.ok())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let quotes: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo_root().join("content/data/quotes.toml")).unwrap(),
    )
    .unwrap();
    let mut checked = 0;
    for quote in quotes["quote"].as_array().unwrap() {
        let variants = quote
            .get("variant")
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default();
        let texts = std::iter::once(quote["text"].as_str().unwrap().to_string()).chain(
            variants
                .iter()
                .map(|v| v["text"].as_str().unwrap().to_string()),
        );
        for text in texts {
            for part in text.split('…').map(str::trim).filter(|p| !p.is_empty()) {
                assert!(
                    seeds.contains(part),
                    "{:?} is not verbatim: {part:?}",
                    quote["id"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} quote parts checked");
}

#[test]
fn a_citation_number_is_the_sources_page_number_of_its_source() {
    let site = microsite();
    site.build().ok();
    let sources = scraper::Html::parse_document(&site.read("sources/index.html"));
    let listed: Vec<String> = sources
        .select(&select(".source-list > li"))
        .map(|li| format!("#{}", li.value().attr("id").unwrap()))
        .collect();
    let mut checked = 0;
    for page in ["index.html", "explainer/index.html", "timeline/index.html"] {
        let doc = scraper::Html::parse_document(&site.read(page));
        for cite in doc.select(&select("sup.cite a")) {
            let href = cite.value().attr("href").unwrap();
            let fragment = &href[href.find('#').unwrap()..];
            let number = listed.iter().position(|id| id == fragment).unwrap() + 1;
            assert_eq!(cite.inner_html(), format!("[{number}]"), "{page}: {href}");
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} citations");
}

#[test]
fn the_organisation_index_cuts_quotes_between_words() {
    let site = microsite();
    site.build().ok();
    let doc = scraper::Html::parse_document(&site.read("quotes/index.html"));
    let mut cut = 0;
    for link in doc.select(&select("dl.org-index a")) {
        let shown: String = link.text().collect();
        let Some(opening) = shown
            .split_once('“')
            .and_then(|(_, q)| q.strip_suffix("…”"))
        else {
            continue;
        };
        let id = &link.value().attr("href").unwrap()[1..];
        let quote: String = doc
            .select(&select(&format!("#{id} blockquote")))
            .next()
            .unwrap()
            .text()
            .collect();
        let quote = quote.trim();
        assert!(quote.starts_with(opening), "{opening:?} opens {quote:?}");
        let next = quote[opening.len()..].chars().next().unwrap();
        assert!(!next.is_alphanumeric(), "cut inside a word: {shown:?}");
        cut += 1;
    }
    assert!(cut >= 5, "only {cut} shortened quotes");
}
