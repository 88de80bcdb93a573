//! Hostile and accidental input: nothing panics, nothing escapes, nothing is lost.

use crate::fixture::{SiteTest, tree};

#[test]
fn an_empty_markdown_file_is_located() {
    let site = SiteTest::new().file("content/empty.md", "");
    site.build()
        .fails_with(&["content/empty.md:1:1", "must start with front matter"]);
}

#[test]
fn deeply_nested_lists_and_quotes_do_not_overflow_the_stack() {
    let quotes = ">".repeat(20_000);
    let list: String = (0..2_000)
        .map(|depth| format!("{}- item\n", "  ".repeat(depth)))
        .collect();
    let site = SiteTest::new().page(
        "deep.md",
        "title = \"Deep\"",
        &format!("{quotes} deep\n\n{list}"),
    );
    site.build().ok();
    assert!(site.read("deep/index.html").contains("deep"));
}

/// Found by the `markdown` fuzz target: an end tag that only starts like the
/// one closing `<style>` (`</stylea`) made minify-html's parser panic in debug
/// builds.
#[test]
fn raw_html_with_a_misspelt_style_end_tag_builds() {
    let site = SiteTest::new()
        .page("a.md", "title = \"A\"", "<style></stylea\n\nText")
        .page("b.md", "title = \"B\"", "<script></scriptx>\n\nText");
    site.build().ok();
    assert!(site.read("a/index.html").contains("<style>"));
}

#[test]
fn a_large_page_builds() {
    // 50 MB of ordinary prose: the build must finish and write it.
    let paragraph =
        "The county signed a 287(g) agreement and trained deputies to use the federal system. "
            .repeat(12);
    let body: String = std::iter::repeat_n(
        format!("{paragraph}\n\n"),
        50_000_000 / (paragraph.len() + 2),
    )
    .collect();
    let site = SiteTest::new().page("big.md", "title = \"Big\"", &body);
    site.build().ok();
    let size = std::fs::metadata(site.public().join("big/index.html"))
        .unwrap()
        .len();
    assert!(size > 40_000_000, "{size}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_site_are_skipped() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("passwords.txt"), "secret").unwrap();
    let site = SiteTest::new().page("a.md", "title = \"A\"", "Hi");
    std::fs::create_dir_all(site.root().join("content/loop")).unwrap();
    std::os::unix::fs::symlink("..", site.root().join("content/loop/up")).unwrap();
    std::os::unix::fs::symlink(
        site.root().join("content/self"),
        site.root().join("content/self"),
    )
    .unwrap();
    for linked in ["content/passwords.txt", "static/passwords.txt"] {
        std::fs::create_dir_all(site.root().join(linked).parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("passwords.txt"),
            site.root().join(linked),
        )
        .unwrap();
    }
    // A link to a file inside the site is followed, in static/ as in content/.
    std::fs::write(site.root().join("humans-file.txt"), "Made by us").unwrap();
    std::os::unix::fs::symlink(
        site.root().join("humans-file.txt"),
        site.root().join("static/humans.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink("gone.txt", site.root().join("static/dangling.txt")).unwrap();
    site.build().ok().warns(&[
        "content/passwords.txt: warning: skipped: a symbolic link, and it leads outside the site",
        "static/passwords.txt: warning: skipped: a symbolic link, and it leads outside the site",
        "static/dangling.txt: warning: skipped: a symbolic link, and it leads nowhere",
    ]);
    assert!(!site.public().join("passwords.txt").exists());
    assert_eq!(site.read("humans.txt"), "Made by us");
    assert!(site.read("a/index.html").contains("Hi"));
}

#[test]
fn a_folder_holding_files_no_build_wrote_is_never_replaced() {
    let site = SiteTest::new().page("a.md", "title = \"A\"", "Hi");
    let theirs = site.root().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("important.txt"), "mine").unwrap();
    site.run(&["build", "--output", "theirs"]).fails_with(&[
        "theirs",
        "no build wrote",
        ".broadside",
    ]);
    assert_eq!(tree(&theirs).len(), 1, "the folder is as it was");

    // A folder a build wrote carries the mark, so the next build replaces it.
    site.run(&["build", "--output", "dist"]).ok();
    site.run(&["build", "--output", "dist"]).ok();
    assert!(site.root().join("dist/.broadside").is_file());
    assert!(site.root().join("dist/a/index.html").is_file());
}

#[cfg(unix)]
#[test]
fn a_linked_or_file_output_is_refused_before_anything_is_written() {
    let site = SiteTest::new().page("a.md", "title = \"A\"", "Hi");
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.public()).unwrap();
    site.build().fails_with(&["symbolic link"]);
    site.run(&["build", "--output", "public/"])
        .fails_with(&["symbolic link"]);
    std::fs::remove_file(site.public()).unwrap();
    std::fs::write(site.public(), "a file").unwrap();
    site.build().fails_with(&["a file, not a folder"]);
    assert_eq!(std::fs::read_to_string(site.public()).unwrap(), "a file");
    let left: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".public"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert_eq!(tree(elsewhere.path()).len(), 0);
}

#[test]
fn the_home_folder_is_never_an_output_folder() {
    let site = SiteTest::new().page("a.md", "title = \"A\"", "Hi");
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("keep.txt"), "mine").unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_broadside"))
        .args(["build", "--output"])
        .arg(home.path())
        .env("HOME", home.path())
        .current_dir(site.root())
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("home folder"));
    assert!(home.path().join("keep.txt").is_file());
}

#[test]
fn data_fields_are_escaped_in_every_template_context() {
    let evil = r#"\"><script>alert(1)</script></textarea><img src=x onerror=alert(2)>"#;
    let quotes = format!(
        "[[quote]]\nid = \"evil\"\ntext = \"{evil}\"\nspeaker = \"{evil}\"\nrole = \"{evil}\"\norganisation = \"{evil}\"\nplace = \"{evil}\"\nstance = \"critical\"\ndate = \"2025\"\ncontext = \"{evil}\"\nsources = [\"wire\"]\n\n[[quote.variant]]\ntext = \"{evil}\"\nsource = \"blog\"\nnote = \"{evil}\"\n"
    );
    let site = crate::story::story_site().file("content/data/quotes.toml", &quotes);
    site.build().ok();
    for page in ["quotes/index.html", "sources/index.html"] {
        let html = site.read(page);
        let doc = scraper::Html::parse_document(&html);
        let injected = scraper::Selector::parse("img[onerror], textarea").unwrap();
        assert!(
            doc.select(&injected).next().is_none(),
            "{page} gained an injected element"
        );
        let scripts = scraper::Selector::parse("script:not([type='application/ld+json'])").unwrap();
        assert!(
            doc.select(&scripts)
                .all(|s| !s.inner_html().contains("alert")),
            "{page} runs injected script"
        );
        // JSON-LD stays one script whose JSON parses back to the same text.
        let ld = scraper::Selector::parse("script[type='application/ld+json']").unwrap();
        for script in doc.select(&ld) {
            let json: serde_json::Value =
                serde_json::from_str(&script.inner_html()).expect("JSON-LD parses");
            if page.starts_with("quotes") {
                // The quote's text is typeset: its straight `"` curls.
                assert_eq!(json["hasPart"][0]["text"], evil.replace("\\\"", "“"));
            }
        }
        if page.starts_with("quotes") {
            // Attribute values round-trip: the text stays text.
            let quote = scraper::Selector::parse("article.quote").unwrap();
            let speaker = doc
                .select(&quote)
                .next()
                .unwrap()
                .value()
                .attr("data-speaker")
                .unwrap()
                .to_string();
            // Typeset as every name is: its straight `"` curls.
            assert_eq!(speaker, evil.replace("\\\"", "“"));
        }
    }
    let bad_url = crate::story::story_site().file(
        "content/data/sources.toml",
        "[[source]]\nid = \"wire\"\ntitle = \"T\"\noutlet = \"O\"\nkind = \"report\"\npublished = \"2025\"\nurl = \"javascript:alert(1)\"\nreliability = \"R\"\n",
    );
    bad_url
        .build()
        .fails_with(&["content/data/sources.toml:7:7", "https://"]);
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let site = crate::story::story_site();
    site.build().ok();
    let before = site.snapshot();
    let site = site.file("content/data/timeline.toml", "[[event]]\nid = \"x\"\n");
    site.build().fails_with(&["content/data/timeline.toml:1:1"]);
    assert_eq!(before, site.snapshot());
}
