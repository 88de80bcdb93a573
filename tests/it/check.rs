//! `broadside check`: every problem at once, located, and nothing written.

use crate::fixture::{SITE_TOML, SiteTest};

fn broken_site() -> SiteTest {
    SiteTest::new()
        .page("a.md", "title = \"A\"", "## Part one\n\nSee [B's part](@/b.md#part-two).\n\n<img src=/chart.png>\n\n[](@/b.md)\n\n[Nowhere](#nowhere), [part one](#part-one), [café](#caf%C3%A9).\n\n## Café {#café}\n")
        .page("b.md", "title = \"B\"", "## Part one\n\nText [away](/elsewhere/) and [gone](missing.pdf).\n")
        .file("content/chart.png", "PNG")
        .file("themes/default/static/style.css", "body{background:url(\"paper.png\")}")
}

#[test]
fn check_reports_every_problem_located_and_writes_nothing() {
    let site = broken_site();
    let run = site.run(&["check"]);
    assert!(!run.output.status.success());
    let run = run.prints(&[
        "content/a.md:6:23: error: the link \"/b/#part-two\" points to #part-two, which b/index.html does not have",
        "content/a.md:8:10: error: the image \"/chart.png\" has no alt text",
        "content/a.md:10:1: error: the link to \"/b/\" has no text",
        "content/a.md:12:12: error: the link \"#nowhere\" points to #nowhere, which a/index.html does not have",
        "content/b.md:6:13: error: the link \"/elsewhere/\" points to no page or file",
        "content/b.md:6:37: error: the link \"missing.pdf\" points to no page or file",
        "themes/default/static/style.css:1:22: error: the stylesheet refers to \"paper.png\"",
        "7 errors, 0 warnings",
    ]);
    assert_eq!(
        run.stderr(),
        "",
        "the count is said once, with the problems"
    );
    assert!(!site.public().exists(), "check wrote the output folder");
}

#[test]
fn check_speaks_json_lines_for_editors() {
    let site = broken_site();
    let run = site.run(&["check", "--format", "json"]);
    assert!(!run.output.status.success());
    let lines: Vec<serde_json::Value> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(run.stderr(), "7 errors found\n");
    let first = &lines[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "content/a.md");
    assert!(first["message"].is_string());
    assert!(lines.iter().any(|l| l["line"] == 6 && l["column"] == 23));
}

#[test]
fn build_runs_the_same_checks_and_keeps_the_old_output() {
    let site = SiteTest::new().page("a.md", "title = \"A\"", "fine");
    site.build().ok();
    let before = site.snapshot();
    let site = site.page("a.md", "title = \"A\"", "## X\n\n<p id=x>dup</p>\n");
    site.build()
        .fails_with(&["content/a.md:6:7: error: the id \"x\" is used twice"]);
    assert_eq!(before, site.snapshot());
}

#[test]
fn a_clean_site_passes() {
    let site = SiteTest::new()
        .page(
            "a.md",
            "title = \"A\"",
            "## Top\n\n[Up](#top) [B](@/b.md) ![Chart](c.png)",
        )
        .page("b.md", "title = \"B\"", "")
        .file("content/c.png", "PNG");
    let run = site.run(&["check"]);
    assert!(
        run.output.status.success(),
        "{}{}",
        run.stdout(),
        run.stderr()
    );
    assert_eq!(run.stdout().trim(), "No problems found.");
}

#[test]
fn story_problems_show_in_check_too() {
    let site =
        crate::story::story_site().file("content/data/quotes.toml", "[[quote]]\nid = \"Bad Id\"\n");
    let run = site.run(&["check"]);
    assert!(!run.output.status.success());
    run.prints(&["content/data/quotes.toml:1:1"]);
}

#[test]
fn a_short_link_is_located_where_it_is_written_not_inside_a_word() {
    let site = SiteTest::new().page(
        "a.md",
        "title = \"A\"",
        "An experienced reader (see below).\n\n<img src=x alt=\"A chart\"> [jump](#s)\n",
    );
    site.run(&["check"]).prints(&[
        "content/a.md:6:10: error: the link \"x\" points to no page or file",
        "content/a.md:6:35: error: the link \"#s\" points to #s",
    ]);
}

#[test]
fn a_broken_link_in_a_template_is_shown_once_at_the_template() {
    let site = SiteTest::new()
        .page("a.md", "title = \"A\"", "Hello.")
        .page("b.md", "title = \"B\"", "Hello.")
        .file(
            "themes/default/templates/page.html",
            "{% extends \"base.html\" %}{% block main %}\n<a href=\"{{ url(path='nowhere/') }}\">Away</a>{% endblock main %}",
        );
    let out = site.run(&["check"]).stdout();
    let at =
        "themes/default/templates/page.html:2:23: error: the link \"/nowhere/\" points to no page";
    assert_eq!(out.matches(at).count(), 1, "{out}");
    assert!(out.contains("1 error,"), "{out}");
}

#[test]
fn a_link_outside_the_base_path_says_how_to_write_either_kind() {
    let site = SiteTest::new()
        .file(
            "site.toml",
            &SITE_TOML.replace("https://example.org/", "https://example.org/stories/ice/"),
        )
        .page("a.md", "title = \"A\"", "Back to [the newsroom](/news/).");
    site.run(&["check"]).prints(&[
        "content/a.md:4:24: error: the link \"/news/\" leaves the site's base path /stories/ice/",
        "an @/ link to its file (@/timeline.md), for a page outside it the full address (https://example.org/news/)",
    ]);
}

#[test]
fn a_missing_anchor_is_located_as_written_and_the_likely_one_named() {
    let site = SiteTest::new()
        .page(
            "puente.md",
            "title = \"Café 🌉\"\nslug = \"puente-🌉-qué\"",
            "## ¿Quién paga? 💸\n\nText.",
        )
        .page(
            "a.md",
            "title = \"A\"",
            "See [who](@/puente.md#quién-paga).\n\nAnd [who else](@/puente.md#quien-pagan).",
        );
    site.run(&["check"]).prints(&[
        "content/a.md:4:23: error: the link \"/puente-que/#qui%C3%A9n-paga\" points to #quién-paga, which puente-que/index.html does not have: did you mean #quien-paga?",
        "content/a.md:6:28: error: the link \"/puente-que/#quien-pagan\" points to #quien-pagan, which puente-que/index.html does not have: did you mean #quien-paga?",
    ]);
}

#[test]
fn an_image_without_alt_is_located_at_its_own_use_of_a_file_shown_twice() {
    let site = SiteTest::new()
        .page(
            "a/_index.md",
            "title = \"A\"",
            "![A map of the bridge](map.png)\n\nThe same map, again:\n\n<img src=\"map.png\">\n",
        )
        .file("content/a/map.png", "not really a png");
    site.run(&["check"]).prints(&[
        "content/a/_index.md:8:11: error: the image \"map.png\" has no alt text",
        "1 error",
    ]);
}

/// A link without text, and a raw HTML image of a file a Markdown image
/// before it shows well, are each located at their own use, not at the good
/// one written first.
#[test]
fn a_problem_is_located_at_its_own_use_not_at_a_good_one_before_it() {
    let site = SiteTest::new()
        .page(
            "a.md",
            "title = \"A\"",
            "See [the map page](@/b.md) and ![A map](map.png).\n\nAgain: [](@/b.md)\n\n<img src=\"map.png\" alt=\"The map again\">\n",
        )
        .page("b.md", "title = \"B\"", "B")
        .file("content/map.png", "not really a png");
    site.run(&["check"]).prints(&[
        "content/a.md:6:8: error: the link to \"/b/\" has no text",
        // On /a/, `map.png` is /a/map.png; the Markdown image became /map.png.
        "content/a.md:8:11: error: the link \"map.png\" points to no page or file",
        "2 errors",
    ]);
}

/// A link without text in raw HTML, before one in Markdown, is located at its
/// own tag; an image without alt text does not count as an empty link.
#[test]
fn links_without_text_are_told_apart() {
    let site = SiteTest::new()
        .page(
            "a.md",
            "title = \"A\"",
            "![A map](map.png)\n\n<a href=\"https://a.example.org/\"></a>\n\nSee [](https://b.example.org/).\n\nAnd [](@/b.md).\n",
        )
        .page("b.md", "title = \"B\"", "B")
        .file("content/map.png", "not really a png");
    site.run(&["check"]).prints(&[
        "content/a.md:6:10: error: the link to \"https://a.example.org/\" has no text",
        "content/a.md:8:5: error: the link to \"https://b.example.org/\" has no text",
        "content/a.md:10:5: error: the link to \"/b/\" has no text",
        "3 errors",
    ]);
}

/// What `build` would refuse, `check` reports too.
#[test]
fn an_output_folder_build_would_refuse_fails_check_too() {
    let site = SiteTest::new()
        .file(
            "site.toml",
            &format!("{SITE_TOML}output_dir = \"static\"\n"),
        )
        .page("a.md", "title = \"A\"", "Fine.");
    let why = "as the output folder: it is inside the site's static/ folder";
    let run = site.run(&["check"]);
    assert!(!run.output.status.success());
    run.prints(&["site.toml:4:1: error: refusing to use", why, "1 error"]);
    site.build()
        .fails_with(&["site.toml:4:1: error: refusing to use", why])
        .with_errors(1);
}

/// A page with an error is reported, and the other pages are still checked:
/// links to it are not reported as broken, since it exists.
#[test]
fn a_page_with_an_error_does_not_hide_the_problems_of_the_others() {
    let site = SiteTest::new()
        .page("a.md", "title = \"A\"", "See [gone](@/nosuch.md).\n")
        .page(
            "b.md",
            "title = \"B\"",
            "[A](@/a.md) and [a part](#nowhere).\n",
        );
    let problems = [
        "content/a.md:4:12: error: the link @/nosuch.md points to no page: there is no content/nosuch.md",
        "content/b.md:4:27: error: the link \"#nowhere\" points to #nowhere",
        "2 errors,",
    ];
    site.run(&["check"]).prints(&problems);
    // build reports the same, and writes nothing.
    site.build().fails_with(&problems);
    assert!(!site.public().exists());
}

/// The same when the page in error holds a shortcode, whose citations are
/// read before any page is written.
#[test]
fn a_page_with_a_shortcode_and_an_error_does_not_hide_the_others() {
    let site = crate::story::story_site()
        .page(
            "about.md",
            "title = \"About\"\ntemplate = \"about.html\"",
            "{{ cite(id=\"blog\") }}\n\n![](x.png)\n",
        )
        .page(
            "sources.md",
            "title = \"Sources\"\ntemplate = \"sources.html\"",
            "[A](@/about.md) and [a part](#nowhere-zz).\n",
        );
    let problems = [
        "content/about.md:7:5: error: the image \"x.png\" has no alt text",
        "content/sources.md:5:31: error: the link \"#nowhere-zz\" points to #nowhere-zz",
        "2 errors,",
    ];
    site.run(&["check"]).prints(&problems);
    site.build().fails_with(&problems);
}
