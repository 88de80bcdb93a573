//! What `broadside build` writes for a well-formed site.

use crate::fixture::{SiteTest, links, tree};

#[test]
fn clean_urls_sections_and_files_beside_pages() {
    let site = SiteTest::new()
        .page("_index.md", "title = \"Home\"", "Welcome.")
        .page("timeline.md", "title = \"Timeline\"", "Events.")
        .page(
            "explainer/_index.md",
            "title = \"Explainer\"",
            "See the map: ![Map of partners](map.png)",
        )
        .page(
            "explainer/models.md",
            "title = \"Models\"\nslug = \"the-models\"",
            "Three models. ![Map of partners](map.png) Back to [the timeline](../../timeline/).",
        )
        .file("content/explainer/map.png", "PNG");
    let run = site.build().ok();
    assert!(
        run.stdout().starts_with("Built 4 pages, 2 assets in "),
        "{}",
        run.stdout()
    );
    for path in [
        "index.html",
        "timeline/index.html",
        "explainer/index.html",
        "explainer/the-models/index.html",
        "explainer/map.png",
    ] {
        assert!(site.public().join(path).is_file(), "{path} missing");
    }
    assert!(
        site.read("explainer/index.html")
            .contains("<a href=/explainer/the-models/>Models</a>")
    );
    assert!(
        site.read("explainer/index.html")
            .contains("src=/explainer/map.png")
    );
    // A file beside the Markdown is linked where it is copied; a link that
    // names no such file is left for the browser to resolve from the page.
    let models = site.read("explainer/the-models/index.html");
    assert!(models.contains("src=/explainer/map.png"), "{models}");
    assert!(models.contains("href=../../timeline/"), "{models}");
}

#[test]
fn headings_get_unique_ids_with_self_links() {
    let site = SiteTest::new().page(
        "a.md",
        "title = \"A\"",
        "## Who pays?\n\n## Who pays?\n\n### Custom {#mine}\n",
    );
    site.build().ok();
    let html = site.read("a/index.html");
    for id in ["who-pays", "who-pays-1", "mine"] {
        assert!(html.contains(&format!("id={id}>")), "{id} missing: {html}");
        assert!(
            html.contains(&format!("href=#{id}")),
            "self-link to {id} missing"
        );
    }
}

#[test]
fn heading_links_can_be_turned_off_keeping_the_ids() {
    let site = SiteTest::new()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n\
             [markdown]\nheading_links = false\n",
        )
        .page(
            "a.md",
            "title = \"A\"",
            "## Who pays?\n\nSee [who pays](#who-pays).\n",
        );
    site.build().ok();
    let html = site.read("a/index.html");
    assert!(html.contains("<h2 id=who-pays>Who pays?</h2>"), "{html}");
    assert_eq!(html.matches("href=#who-pays").count(), 1, "{html}");
}

#[test]
fn a_heading_without_words_builds_without_an_empty_link() {
    // A self-link would have no text, which the checks refuse.
    let site = SiteTest::new().page("a.md", "title = \"A\"", "##\n\nText.\n");
    site.build().ok();
    assert!(site.read("a/index.html").contains("<h2 id=section></h2>"));
}

#[test]
fn at_links_resolve_to_page_urls_under_the_base_path() {
    let site = SiteTest::new()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/explainer/\"\n",
        )
        .page(
            "a.md",
            "title = \"A\"",
            "See [B](@/sub/b.md#part) and [the web](https://other.org/).",
        )
        .page("sub/b.md", "title = \"B\"", "## Part");
    site.build().ok();
    let html = site.read("a/index.html");
    assert!(
        html.contains("<a href=/explainer/sub/b/#part>B</a>"),
        "{html}"
    );
    let doc = scraper::Html::parse_document(&html);
    let external = doc
        .select(&scraper::Selector::parse("a[href='https://other.org/']").unwrap())
        .next()
        .expect("external link");
    assert_eq!(external.value().attr("rel"), Some("noopener noreferrer"));
}

#[test]
fn site_templates_override_the_theme() {
    let site = SiteTest::new()
        .page("a.md", "title = \"A\"", "Body")
        .file("templates/page.html", "{% extends \"base.html\" %}{% block main %}<p class=mine>{{ page.title }}</p>{% endblock main %}");
    site.build().ok();
    let html = site.read("a/index.html");
    assert!(html.contains("<p class=mine>A"), "{html}");
    assert!(
        html.contains("<nav>"),
        "the theme's base.html still applies"
    );
}

#[test]
fn static_assets_are_minified_and_fingerprinted() {
    let site = SiteTest::new()
        .page("a.md", "title = \"A\"", "Body")
        .file("themes/default/static/robots-note.txt", "keep");
    site.build().ok();
    let html = site.read("a/index.html");
    let href = links(&html)
        .into_iter()
        .find(|l| l.ends_with(".css"))
        .expect("stylesheet link");
    let name = href.trim_start_matches('/');
    assert!(
        name.starts_with("style.") && name.len() == "style.12345678.css".len(),
        "{name}"
    );
    assert_eq!(site.read(name), "body{color:red}");
    assert!(
        site.public().join("robots-note.txt").is_file(),
        "txt files keep their names"
    );
}

#[test]
fn every_link_works_under_a_sub_path() {
    let site = SiteTest::with_default_theme();
    crate::fixture::copy_dir(
        &crate::fixture::repo_root().join("content"),
        &site.root().join("content"),
    );
    let site = site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/deep/sub/\"\n",
    );
    site.build().ok();
    let files = tree(&site.public());
    let mut checked = 0;
    for (path, bytes) in &files {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        for link in links(&String::from_utf8_lossy(bytes)) {
            if link.starts_with("http") || link.starts_with('#') || link.starts_with("mailto:") {
                continue;
            }
            let target = link.split('#').next().unwrap();
            let rel = target
                .strip_prefix("/deep/sub/")
                .unwrap_or_else(|| panic!("{link} in {} escapes the sub-path", path.display()));
            let file = if rel.is_empty() || rel.ends_with('/') {
                format!("{rel}index.html")
            } else {
                rel.to_string()
            };
            assert!(
                files.contains_key(std::path::Path::new(&file)),
                "{link} in {} points to nothing",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn drafts_are_skipped_unless_asked_for() {
    let site = SiteTest::new()
        .page("done.md", "title = \"Done\"", "")
        .page("wip.md", "title = \"WIP\"\ndraft = true", "");
    site.build().ok();
    assert!(!site.public().join("wip").exists());
    assert!(!site.read("sitemap.xml").contains("/wip/"));
    site.run(&["build", "--drafts"]).ok();
    assert!(site.public().join("wip/index.html").is_file());
    // A preview of a draft is not announced to search engines or readers.
    assert!(!site.read("sitemap.xml").contains("/wip/"));
    assert!(site.read("sitemap.xml").contains("/done/"));

    // A link to it says why it goes nowhere.
    let site = site.page("done.md", "title = \"Done\"", "Soon: [the work](@/wip.md).");
    site.build().fails_with(&[
        "content/done.md:4:18: error: the link @/wip.md points to no page: content/wip.md is a draft (draft = true)",
    ]);
    site.run(&["build", "--drafts"]).ok();
}

/// The DOM as (tag, sorted attributes, direct text) in document order, whitespace folded.
fn dom_outline(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    doc.tree
        .nodes()
        .filter_map(|node| match node.value() {
            scraper::Node::Element(e) => {
                // The minifier may drop the space after a comma in a list value (viewport).
                let mut attrs: Vec<String> = e
                    .attrs()
                    .map(|(k, v)| format!("{k}={}", v.replace(", ", ",")))
                    .collect();
                attrs.sort();
                Some(format!("<{} {}>", e.name(), attrs.join(" ")))
            }
            scraper::Node::Text(t) => {
                let folded = t.split_whitespace().collect::<Vec<_>>().join(" ");
                (!folded.is_empty()).then_some(folded)
            }
            _ => None,
        })
        .collect()
}

#[test]
fn minified_pages_parse_as_the_same_document() {
    let site = SiteTest::with_default_theme();
    crate::fixture::copy_dir(
        &crate::fixture::repo_root().join("content"),
        &site.root().join("content"),
    );
    site.run(&["build", "--no-minify", "--output", "plain"])
        .ok();
    site.build().ok();
    let plain = tree(&site.root().join("plain"));
    let mut compared = 0;
    for (path, minified) in tree(&site.public()) {
        if path.extension().is_some_and(|e| e == "html") {
            let before = dom_outline(&String::from_utf8_lossy(&plain[&path]));
            let after = dom_outline(&String::from_utf8_lossy(&minified));
            assert_eq!(
                before,
                after,
                "{} changed meaning when minified",
                path.display()
            );
            assert!(minified.len() < plain[&path].len());
            compared += 1;
        }
    }
    assert!(compared >= 6);
}

#[test]
fn sitemap_robots_and_feed_are_valid() {
    let site = SiteTest::new()
        .file(
            "site.toml",
            "title = \"T & Co\"\nbase_url = \"https://example.org/sub\"\n",
        )
        .page("_index.md", "title = \"Home\"", "")
        .page("old.md", "title = \"Old\"\ndate = 2025-07-01", "")
        .page(
            "new.md",
            "title = \"New <b>\"\ndate = 2025-09-01\nupdated = 2025-10-02\ndescription = \"Fresh\"",
            "",
        )
        .page("undated.md", "title = \"Undated\"", "");
    site.build().ok();

    let sitemap = site.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap is XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(locs.len(), 4);
    assert!(locs.contains(&"https://example.org/sub/new/"));
    assert!(sitemap.contains("<lastmod>2025-10-02</lastmod>"));

    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://example.org/sub/sitemap.xml")
    );

    let feed = site.read("atom.xml");
    let doc = roxmltree::Document::parse(&feed).expect("feed is XML");
    let atom = "http://www.w3.org/2005/Atom";
    assert_eq!(doc.root_element().tag_name().namespace(), Some(atom));
    let entries: Vec<_> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .collect();
    let titles: Vec<&str> = entries
        .iter()
        .map(|e| {
            e.children()
                .find(|c| c.has_tag_name((atom, "title")))
                .unwrap()
                .text()
                .unwrap()
        })
        .collect();
    assert_eq!(titles, ["New <b>", "Old"], "dated pages only, newest first");
    for entry in &entries {
        for required in ["id", "updated", "link"] {
            assert!(
                entry.children().any(|c| c.has_tag_name((atom, required))),
                "entry lacks {required}"
            );
        }
    }
    assert!(site.public().join("404.html").is_file());
}

#[test]
fn feed_sitemap_and_robots_can_each_be_turned_off() {
    let site = SiteTest::with_default_theme()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\ngenerate_feed = false\ngenerate_sitemap = false\n",
        )
        .page("_index.md", "title = \"Home\"", "")
        .page("a.md", "title = \"A\"\ndate = 2025-07-01", "");
    site.build().ok();
    assert!(!site.public().join("atom.xml").exists());
    assert!(!site.public().join("sitemap.xml").exists());
    assert_eq!(site.read("robots.txt"), "User-agent: *\nAllow: /\n");
    let home = site.read("index.html");
    assert!(
        !home.contains("atom.xml"),
        "the default theme links no feed that is not there: {home}"
    );

    let site = site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\ngenerate_robots_txt = false\n",
    );
    site.build().ok();
    assert!(!site.public().join("robots.txt").exists());
    assert!(site.public().join("sitemap.xml").is_file());
    assert!(site.read("index.html").contains("atom.xml"));
}

#[test]
fn output_and_base_url_can_be_set_on_the_command_line() {
    let site = SiteTest::new()
        .page("a.md", "title = \"A\"", "[B](@/b.md)")
        .page("b.md", "title = \"B\"", "");
    site.run(&[
        "build",
        "--output",
        "elsewhere",
        "--base-url",
        "http://127.0.0.1:8080/x",
    ])
    .ok();
    let html = std::fs::read_to_string(site.root().join("elsewhere/a/index.html")).unwrap();
    assert!(html.contains("href=/x/b/"), "{html}");
    assert!(!site.public().exists());
}

#[test]
fn sections_list_their_pages_in_the_order_they_ask_for() {
    let section = |sort_by: &str| {
        let site = SiteTest::new()
            .page(
                "news/_index.md",
                &format!("title = \"News\"\n{sort_by}"),
                "",
            )
            .page(
                "news/a.md",
                "title = \"Charlie\"\ndate = 2025-07-01\nweight = 1",
                "",
            )
            .page("news/b.md", "title = \"alpha\"\nweight = 3", "")
            .page(
                "news/c.md",
                "title = \"'Bravo'\"\ndate = 2025-09-01\nweight = 2",
                "",
            );
        site.build().ok();
        let listed: Vec<String> = links(&site.read("news/index.html"))
            .into_iter()
            .filter(|l| l.starts_with("/news/") && l.len() > "/news/".len())
            .collect();
        listed
    };
    assert_eq!(
        section("sort_by = \"date\""),
        ["/news/c/", "/news/a/", "/news/b/"]
    );
    assert_eq!(
        section("sort_by = \"weight\""),
        ["/news/a/", "/news/c/", "/news/b/"]
    );
    // By the words, whatever their case or an opening quote mark.
    assert_eq!(
        section("sort_by = \"title\""),
        ["/news/b/", "/news/c/", "/news/a/"]
    );

    let unknown = SiteTest::new().page(
        "news/_index.md",
        "title = \"News\"\nsort_by = \"random\"",
        "",
    );
    unknown.build().fails_with(&[
        "content/news/_index.md:3:11",
        "random",
        "date",
        "weight",
        "title",
    ]);
}

#[test]
fn markdown_links_to_a_static_file_by_its_path_in_static() {
    let site = SiteTest::new()
        .file(
            "site.toml",
            &crate::fixture::SITE_TOML
                .replace("https://example.org/", "https://example.org/water/"),
        )
        .file("static/docs/rate-schedule.pdf", "%PDF-1.4 not really")
        .page(
            "a.md",
            "title = \"A\"",
            "The [rate schedule](/docs/rate-schedule.pdf).",
        );
    site.build().ok();
    let html = site.read("a/index.html");
    let href = html
        .split("href=")
        .find_map(|rest| rest.strip_prefix("/water/docs/rate-schedule."))
        .unwrap_or_else(|| panic!("{html}"));
    let name = &href[..href.find(['>', ' ']).unwrap()];
    assert!(
        site.public()
            .join("docs")
            .join(format!("rate-schedule.{name}"))
            .is_file(),
        "{name}"
    );
    site.run(&["check"]).ok();
}

#[cfg(target_os = "linux")]
#[test]
fn a_rebuild_over_the_output_before_last_writes_what_a_new_folder_gets() {
    let site = SiteTest::new()
        .page("_index.md", "title = \"Home\"", "Welcome.")
        .page("gone.md", "title = \"Gone soon\"", "Here for now.")
        .page("section/_index.md", "title = \"Section\"", "Pages:")
        .page(
            "section/page.md",
            "title = \"Page\"",
            "A long page, a long page.",
        )
        .file("content/section/chart.svg", "<svg></svg>")
        .file("static/notes.txt", "version one");
    site.build().ok();
    site.build().ok();
    let previous = site.root().join(".public.previous");
    assert!(
        previous.join("gone/index.html").is_file(),
        "the old output is kept"
    );

    // The third build writes into the first's output: a page gone, one
    // shorter, one new, a file beside a page gone, a static file changed.
    std::fs::remove_file(site.root().join("content/gone.md")).unwrap();
    std::fs::remove_file(site.root().join("content/section/chart.svg")).unwrap();
    let site = site
        .page("section/page.md", "title = \"Page\"", "Short.")
        .page("new.md", "title = \"New\"", "New page.")
        .file("static/notes.txt", "version two");
    site.build().ok();
    site.run(&["build", "--output", "fresh"]).ok();
    let fresh = tree(&site.root().join("fresh"));
    assert_eq!(site.snapshot(), fresh);
    assert!(
        !site.public().join("gone").exists() && !site.public().join("section/chart.svg").exists()
    );
    assert!(
        previous.join("gone/index.html").is_file(),
        "the second build's output"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn the_previous_output_kept_beside_stays_out_of_git_and_out_of_the_site() {
    let site = SiteTest::new().page("_index.md", "title = \"Home\"", "Welcome.");
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git")
            .args(args)
            .current_dir(site.root())
            .output()
            .expect("git runs");
        assert!(output.status.success(), "git {args:?}: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    git(&["init", "--quiet"]);
    for _ in 0..3 {
        site.build().ok();
    }
    assert!(site.root().join(".public.previous/index.html").is_file());
    let untracked = git(&["status", "--porcelain", "--untracked-files=all"]);
    assert!(untracked.contains("public/index.html"), "{untracked}");
    assert!(!untracked.contains(".public.previous"), "{untracked}");
    assert!(!site.public().join(".gitignore").exists());
}
