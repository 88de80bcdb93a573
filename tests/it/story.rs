//! Story data: validated sources, events and quotes, placed by the theme and by shortcodes.

use crate::fixture::SiteTest;

const SOURCES: &str = r#"
[[source]]
id = "wire"
title = "Wire report"
outlet = "A wire"
kind = "report"
published = "2025"
reliability = "Clean text."

[[source]]
id = "blog"
title = "Blog post"
outlet = "A blog"
kind = "blog"
published = "mid 2025-08"
url = "https://blog.example/post"
reliability = "Commentary."
"#;

const TIMELINE: &str = r#"
[[phase]]
id = "all"
title = "Everything"

[[event]]
id = "late-july"
date = "late 2025-07"
phase = "all"
title = "Late July event"
body = "Happened late in July."
sources = ["wire"]

[[event]]
id = "july"
date = "2025-07"
phase = "all"
title = "Some time in July"
body = "Happened in July."
sources = ["wire"]

[[event]]
id = "fourth"
date = "2025-07-04"
phase = "all"
title = "The fourth"
body = "On the fourth."
sources = ["wire", "blog"]

[[event]]
id = "year"
date = "2025"
phase = "all"
title = "Sometime in 2025"
body = "During the year."
sources = ["wire"]

[[event]]
id = "mid-july-b"
date = "mid 2025-07"
order = 2
phase = "all"
title = "Mid July, second"
body = "Second."
sources = ["wire"]

[[event]]
id = "mid-july-a"
date = "mid 2025-07"
order = 1
phase = "all"
title = "Mid July, first"
body = "First."
sources = ["wire"]
"#;

const QUOTES: &str = r#"
[[quote]]
id = "sheriff"
text = "We are <partners> & friends."
speaker = "A Sheriff"
role = "Sheriff"
organisation = "County Sheriff's Office"
stance = "critical"
date = "late 2025-07"
context = "Said after the email."
sources = ["wire", "blog"]

[[quote.variant]]
text = "We are partners."
source = "blog"
note = "shorter"

[[quote]]
id = "official"
text = "We are hiring."
speaker = "An Official"
organisation = "The Agency"
stance = "official"
date = "2025-08"
sources = ["wire"]
"#;

/// A story site on the repository's default theme.
pub fn story_site() -> SiteTest {
    SiteTest::with_default_theme()
        .page(
            "_index.md",
            "title = \"Home\"\ntemplate = \"index.html\"",
            "Home {{ cite(id=\"blog\") }}.",
        )
        .page(
            "timeline.md",
            "title = \"Timeline\"\ntemplate = \"timeline.html\"",
            "",
        )
        .page(
            "quotes.md",
            "title = \"Quotes\"\ntemplate = \"quotes.html\"",
            "",
        )
        .page(
            "sources.md",
            "title = \"Sources\"\ntemplate = \"sources.html\"",
            "",
        )
        .page(
            "about.md",
            "title = \"About\"\ntemplate = \"about.html\"",
            "",
        )
        .file("content/data/sources.toml", SOURCES)
        .file("content/data/timeline.toml", TIMELINE)
        .file("content/data/quotes.toml", QUOTES)
}

fn positions(html: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| html.find(n).unwrap_or_else(|| panic!("{n} missing")))
        .collect()
}

#[test]
fn events_sort_by_the_range_their_dates_cover() {
    let site = story_site();
    site.build().ok();
    let html = site.read("timeline/index.html");
    let order = positions(
        &html,
        &[
            "id=event-year",
            "id=event-july",
            "id=event-fourth",
            "id=event-mid-july-a",
            "id=event-mid-july-b",
            "id=event-late-july",
        ],
    );
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(
        html.contains("<time datetime=2025-07>Late July 2025</time>"),
        "{html}"
    );
    assert!(html.contains("<time datetime=2025-07-04>4 July 2025</time>"));
}

#[test]
fn quotes_show_attribution_variants_and_escaped_text() {
    let site = story_site();
    site.build().ok();
    let html = site.read("quotes/index.html");
    assert!(
        html.contains("<p>We are &lt;partners> & friends.</blockquote>"),
        "quote text is escaped: {html}"
    );
    assert!(html.contains("id=quote-sheriff"));
    assert!(html.contains("Reported by 2 sources"));
    assert!(html.contains("Single source"));
    assert!(html.contains("We are partners."), "variant shown");
    assert!(
        html.contains("href=#stance-critical"),
        "stance groups reachable without JS"
    );
    assert!(html.contains(r#""@type":"Quotation""#));
}

#[test]
fn sources_page_links_back_to_every_citation() {
    let site = story_site();
    site.build().ok();
    let html = site.read("sources/index.html");
    let blog = &html[html.find("id=source-blog").unwrap()..];
    let blog = &blog[..blog.find("</li>").unwrap_or(blog.len())];
    for backlink in [
        "/timeline/#event-fourth",
        "/quotes/#quote-sheriff",
        "href=/>Home",
    ] {
        assert!(
            blog.contains(backlink),
            "{backlink} missing from the blog's backlinks: {blog}"
        );
    }
    assert!(
        !blog.contains("event-july"),
        "the blog does not support that event"
    );
}

#[test]
fn shortcodes_place_quotes_events_and_citations() {
    let site = story_site().page(
        "explainer.md",
        "title = \"Explainer\"",
        "Claim {{ cite(id=\"blog\") }} again {{ cite(id=\"wire\") }} and {{ cite(id=\"blog\") }}.\n\n{{ quote(id=\"sheriff\") }}\n\n{{ event(id=\"fourth\") }}\n",
    );
    site.build().ok();
    let html = site.read("explainer/index.html");
    assert!(html.contains("href=/sources/#source-wire"), "{html}");
    // Numbered as on the sources page (sources.toml: wire, then blog), on
    // every page, whatever the order they are cited in.
    let numbers: Vec<&str> = html
        .match_indices(">[")
        .map(|(i, _)| &html[i + 2..i + 3])
        .collect();
    assert_eq!(numbers, ["2", "1", "2"], "{html}");
    let listed = html
        .split("Sources cited on this page")
        .nth(1)
        .unwrap_or_default();
    let at = |item: &str| listed.find(item).expect(item);
    assert!(at("<li value=1>") < at("<li value=2>"), "{listed}");
    assert!(html.contains("id=quote-sheriff") && html.contains("<blockquote>"));
    assert!(html.contains("id=event-fourth"));
    assert!(html.contains("Sources cited on this page"));
}

#[test]
fn unknown_shortcode_ids_are_rejected_with_their_place() {
    let site = story_site().page(
        "explainer.md",
        "title = \"Explainer\"",
        "Line.\n\nClaim {{ cite(id=\"nope\") }}.\n\n{{ quote(id=\"ghost\") }}\n",
    );
    site.build().fails_with(&[
        "content/explainer.md:6:7: error: unknown source id \"nope\"",
        "content/explainer.md:8:1: error: unknown quote id \"ghost\"",
    ]);
}

#[test]
fn every_validation_error_is_located_at_once() {
    let broken = TIMELINE
        .replace(
            "sources = [\"wire\", \"blog\"]",
            "sources = [\"wire\", \"missing\"]",
        )
        .replace("id = \"july\"", "id = \"late-july\"")
        .replace("date = \"2025\"", "date = \"sometime\"")
        .replace(
            "phase = \"all\"\ntitle = \"Mid July, first\"",
            "phase = \"nope\"\ntitle = \"Mid July, first\"",
        )
        .replace(
            "body = \"Second.\"\nsources = [\"wire\"]",
            "body = \"Second.\"\nsources = []",
        );
    let site = story_site().file("content/data/timeline.toml", &broken);
    // A parse error (the bad date) stops that file first; fix it and see the rest together.
    site.build().fails_with(&[
        "content/data/timeline.toml:",
        "cannot read the date \"sometime\"",
    ]);
    let site = site.file(
        "content/data/timeline.toml",
        &broken.replace("\"sometime\"", "\"2025\""),
    );
    let run = site.build().fails_with(&[
        "unknown source id \"missing\"",
        "duplicate id \"late-july\": it is already used on line 7",
        "unknown phase \"nope\"",
        "cites no source",
    ]);
    let located = run.stderr().matches("content/data/timeline.toml:").count();
    assert_eq!(located, 4, "{}", run.stderr());
}

#[test]
fn every_entry_that_cannot_be_read_is_reported_at_once() {
    let broken = TIMELINE
        .replace("date = \"2025\"", "date = \"sometime\"")
        .replace("date = \"2025-07-04\"", "date = \"2025-13-01\"")
        .replace("order = 2\n", "order = \"second\"\n")
        .replace("[[phase]]", "colour = \"red\"\n\n[[phase]]");
    let site = story_site().file("content/data/timeline.toml", &broken);
    let run = site.build().fails_with(&[
        "content/data/timeline.toml:2:1: error: \"colour\" is not a key known here (known: phase, event)",
        "content/data/timeline.toml:26:8: error: \"2025-13-01\" has no month 13",
        "content/data/timeline.toml:34:8: error: cannot read the date \"sometime\"",
        "content/data/timeline.toml:43:9: error: expected a whole number (no quotes), found string \"second\"",
    ]);
    run.with_errors(4);

    // Every syntax error too, not only the first.
    let site = site.file(
        "content/data/timeline.toml",
        &TIMELINE
            .replace("title = \"Everything\"", "title = \"Everything")
            .replace("body = \"On the fourth.\"", "body = On the fourth."),
    );
    let run = site.build().fails_with(&["content/data/timeline.toml:4:"]);
    assert!(
        run.stderr()
            .contains("content/data/timeline.toml:27:8: error: text must be in double quotes"),
        "{}",
        run.stderr()
    );

    // A list under a wrong name is said once, not once for each entry.
    let site = site.file("content/data/timeline.toml", TIMELINE).file(
        "content/data/sources.toml",
        &SOURCES.replace("[[source]]", "[[sources]]"),
    );
    let run = site
        .build()
        .fails_with(&["content/data/sources.toml:2:3: error: \"sources\" is not a key known here: did you mean \"source\"?"]);
    assert_eq!(
        run.stderr().matches("is not a key").count(),
        1,
        "{}",
        run.stderr()
    );
}

#[test]
fn missing_fields_and_bad_quotes_are_located() {
    let site = story_site().file(
        "content/data/quotes.toml",
        "[[quote]]\nid = \"q\"\ntext = \"T\"\nstance = \"angry\"\n",
    );
    site.build()
        .fails_with(&["content/data/quotes.toml:4:10", "angry"]);
    let site = site.file("content/data/quotes.toml", "[[quote]]\nid = \"q\"\ntext = \"T\"\nstance = \"critical\"\ndate = \"2025\"\nsources = [\"wire\"]\n");
    site.build().fails_with(&[
        "content/data/quotes.toml:1:1",
        "`speaker` is missing here: add it, as speaker = \"…\"",
    ]);
    let site = site.file("content/data/quotes.toml", "[[quote]]\nid = \"q\"\ntext = \"T\"\nspeaker = \"S\"\nstance = \"critical\"\nsources = [\"wire\"]\n");
    site.build().fails_with(&[
        "`date` is missing here: add it, as date = \"2025-07-04\" (or \"2025-07\", \"late 2025-07\")",
    ]);
}

#[test]
fn a_source_nobody_cites_is_a_warning() {
    let site = story_site().page(
        "_index.md",
        "title = \"Home\"\ntemplate = \"index.html\"",
        "Home.",
    );
    let run = site.build().ok();
    assert!(
        !run.stderr().contains("warning"),
        "every source is cited: {}",
        run.stderr()
    );
    let site = site.file("content/data/sources.toml", &format!("{SOURCES}\n[[source]]\nid = \"unused\"\ntitle = \"U\"\noutlet = \"O\"\nkind = \"report\"\npublished = \"2025\"\nreliability = \"R\"\n"));
    site.build()
        .ok()
        .warns(&["warning: the source \"unused\" is cited by nothing"]);
}

/// Quotes and titles typed with straight quotes read like the Markdown beside
/// them: curled when the site asks for smart punctuation (the default), as
/// written when it does not.
#[test]
fn plain_text_fields_get_the_smart_punctuation_markdown_gets() {
    let site = story_site()
        .file(
            "content/data/quotes.toml",
            &QUOTES.replace("We are hiring.", r#"It's \"the\" job -- apply..."#),
        )
        .file(
            "content/data/timeline.toml",
            &TIMELINE.replace("The fourth", "The sheriff's 'fourth'"),
        )
        .page(
            "timeline.md",
            "title = \"The county's \\\"Timeline\\\"\"\ndescription = \"What's known\"\ntemplate = \"timeline.html\"",
            "",
        );
    site.build().ok();
    let timeline = site.read("timeline/index.html");
    assert!(
        timeline.contains("The county’s “Timeline”") && timeline.contains("What’s known"),
        "page titles and descriptions as well: {timeline}"
    );
    let quotes = site.read("quotes/index.html");
    assert!(quotes.contains("It’s “the” job – apply…"), "{quotes}");
    assert!(
        quotes.contains("County Sheriff’s Office") && !quotes.contains("Sheriff's"),
        "names too: {quotes}"
    );
    assert!(
        site.read("timeline/index.html")
            .contains("The sheriff’s ‘fourth’"),
        "event titles too"
    );
    assert!(
        site.read("sources/index.html")
            .contains("The sheriff’s ‘fourth’"),
        "and where they are listed"
    );

    let site = site.file(
        "site.toml",
        &format!(
            "{}\n[markdown]\nsmart_punctuation = false\n",
            crate::fixture::SITE_TOML
        ),
    );
    site.build().ok();
    assert!(
        site.read("quotes/index.html")
            .contains(r#"It's "the" job -- apply..."#),
        "as written when the site turns it off"
    );
}

#[test]
fn data_markdown_cannot_inject_html() {
    let site = story_site().file(
        "content/data/timeline.toml",
        &TIMELINE.replace(
            "Happened in July.",
            "<script>alert(1)</script>\n\n[x](javascript:alert(2))",
        ),
    );
    site.build()
        .fails_with(&["content/data/timeline.toml:", "javascript:alert(2)"]);
    let site = site.file(
        "content/data/timeline.toml",
        &TIMELINE.replace("Happened in July.", "<script>alert(1)</script>"),
    );
    site.build().ok();
    let html = site.read("timeline/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("&lt;script>alert(1)&lt;/script>"));
}

#[test]
fn data_markdown_problems_are_located_where_they_are_written() {
    let timeline = TIMELINE
        .replace(
            "title = \"Everything\"\n",
            "title = \"Everything\"\nsummary = \"See [p](javascript:x).\"\n",
        )
        .replace(
            "body = \"Happened in July.\"",
            "body = \"\"\"\nIn July, [q](javascript:y).\"\"\"",
        );
    let site = story_site().file("content/data/timeline.toml", &timeline);
    // A phase's summary, and the line after a multi-line string's quotes.
    site.build().fails_with(&[
        "content/data/timeline.toml:5:20: error: the link \"javascript:x\"",
        "content/data/timeline.toml:21:14: error: the link \"javascript:y\"",
    ]);
}

#[test]
fn broken_links_in_story_data_are_located_in_the_data_once() {
    let timeline = TIMELINE.replace(
        "body = \"On the fourth.\"",
        "body = \"On the fourth, see [the old page](/timeline-old/) and [more](https://example.org/gone/).\"",
    );
    let sources = SOURCES.replace(
        "url = \"https://blog.example/post\"",
        "url = \"https://example.org/missing-report/\"",
    );
    let site = story_site()
        // Words of the links, elsewhere in a page that shows the event.
        .page(
            "timeline.md",
            "title = \"Timeline\"\ntemplate = \"timeline.html\"",
            "The data is in content/data/timeline.toml; more is gone.",
        )
        .file("content/data/timeline.toml", &timeline)
        .file("content/data/sources.toml", &sources);
    let out = site.run(&["check"]).stdout();
    for at in [
        "content/data/timeline.toml:27:43: error: the link \"/timeline-old/\" points to no page",
        "content/data/timeline.toml:27:70: error: the link \"https://example.org/gone/\" points to no page",
        "content/data/sources.toml:16:8: error: the link \"https://example.org/missing-report/\" points to no page",
    ] {
        assert_eq!(out.matches(at).count(), 1, "{at}\n{out}");
    }
    assert!(out.contains("3 errors"), "{out}");
}

#[test]
fn the_corrections_log_may_live_on_any_page_named_in_site_toml() {
    let corrections =
        "[[entry]]\ndate = \"2025-08-02\"\nkind = \"correction\"\ntext = \"Fixed a date.\"\n";
    // story_site's about.md, under another name.
    let site = SiteTest::with_default_theme()
        .file("content/data/sources.toml", SOURCES)
        .file("content/data/timeline.toml", TIMELINE)
        .file("content/data/quotes.toml", QUOTES)
        .file("content/data/corrections.toml", corrections)
        .page("timeline.md", "title = \"Timeline\"\ntemplate = \"timeline.html\"\ndate = 2025-08-01\nupdated = 2025-08-02", "")
        .page("quotes.md", "title = \"Quotes\"\ntemplate = \"quotes.html\"", "")
        .page("sources.md", "title = \"Sources\"\ntemplate = \"sources.html\"", "")
        .page("about-us.md", "title = \"About us\"\ntemplate = \"about.html\"", "")
        .page("_index.md", "title = \"Home\"\ntemplate = \"index.html\"", "");
    site.build().fails_with(&[
        "site.toml: error: the story has a corrections log but there is no page content/about.md to show them: add it, or name another page in [story]",
    ]);
    let config = format!(
        "{}\n[story]\ncorrections_page = \"about-us.md\"\n",
        crate::fixture::SITE_TOML
    );
    let site = site.file("site.toml", &config);
    site.build().ok();
    let timeline = site.read("timeline/index.html");
    assert!(
        timeline.contains("href=/about-us/#corrections-log>see the corrections log</a>"),
        "{timeline}"
    );
    assert!(site.read("about-us/index.html").contains("Fixed a date."));
}

#[test]
fn a_link_to_an_item_without_its_kind_names_the_anchor_it_has() {
    let site = story_site().page(
        "about.md",
        "title = \"About\"\ntemplate = \"about.html\"",
        "See [the sheriff](@/quotes.md#sheriff).",
    );
    site.run(&["check"]).prints(&[
        "points to #sheriff, which quotes/index.html does not have: did you mean #quote-sheriff?",
    ]);
}

#[test]
fn a_heading_whose_id_the_theme_uses_is_the_one_to_change() {
    let site = story_site().page(
        "about.md",
        "title = \"About\"\ntemplate = \"about.html\"",
        "## Corrections log\n\nWe fix mistakes.",
    );
    site.run(&["check"]).prints(&[
        "content/about.md:5:1: error: this heading's id \"corrections-log\" is also used by the theme's templates: give the heading its own",
    ]);
}

/// A link preview shows the site's own picture, `static/share.png`, described
/// by `share_image_alt`; a site without one gets no picture rather than
/// someone else's.
#[test]
fn link_previews_show_the_sites_own_share_image_or_none() {
    let site = story_site();
    site.build().ok();
    let home = site.read("index.html");
    assert!(!home.contains("og:image"), "{home}");
    assert!(home.contains("content=summary name=twitter:card"), "{home}");
    assert!(
        home.contains(r#""image":null"#),
        "no picture in the JSON-LD"
    );

    let site = site.file("static/share.png", "a picture").file(
        "site.toml",
        &format!(
            "{}\n[extra]\nshare_image_alt = \"The card's words\"\n",
            crate::fixture::SITE_TOML
        ),
    );
    site.build().ok();
    let home = site.read("index.html");
    let image = home
        .split("<meta ")
        .find_map(|tag| tag.strip_suffix(" property=og:image>"))
        .and_then(|tag| tag.strip_prefix("content="))
        .unwrap_or_else(|| panic!("og:image: {home}"));
    assert!(image.starts_with("https://example.org/share."), "{image}");
    assert!(
        site.public()
            .join(&image["https://example.org/".len()..])
            .is_file()
    );
    assert!(
        home.contains("content=\"The card's words\" property=og:image:alt"),
        "{home}"
    );
    assert!(home.contains("content=summary_large_image name=twitter:card"));
}

/// A speaker with no organisation (allowed) is listed under a heading that
/// says so, last, not under an empty one.
#[test]
fn quotes_without_an_organisation_are_grouped_as_such() {
    let resident = "\n[[quote]]\nid = \"resident\"\ntext = \"We were not asked.\"\nspeaker = \"A Resident\"\nstance = \"neutral\"\ndate = \"2025-08\"\nsources = [\"wire\"]\n";
    let site = story_site().file("content/data/quotes.toml", &format!("{QUOTES}{resident}"));
    site.build().ok();
    let html = site.read("quotes/index.html");
    assert!(!html.contains("id=org->"), "{html}");
    let groups = positions(
        &html,
        &[
            "<dt id=org-county-sheriff-s-office>",
            "<dt id=org-the-agency>",
            "<dt id=org-no-organisation>No organisation named",
        ],
    );
    assert!(groups.windows(2).all(|w| w[0] < w[1]), "{groups:?}");
    assert!(html.contains("<option value=no-organisation>No organisation named"));
    assert!(html.contains("data-organisation=no-organisation"));

    // An organisation written without a letter or a digit is none.
    let dash = resident.replace("stance = ", "organisation = \"—\"\nstance = ");
    let site = site.file(
        "content/data/quotes.toml",
        &format!(
            "{QUOTES}{resident}{}",
            dash.replace("\"resident\"", "\"dash\"")
        ),
    );
    site.build().ok();
    let html = site.read("quotes/index.html");
    assert_eq!(html.matches("id=org-no-organisation").count(), 1, "{html}");
}

/// A correction that names a page dates the page's "Updated" notice, its
/// sitemap entry and its feed entry, though its front matter says nothing.
#[test]
fn a_correction_to_a_page_shows_on_the_page() {
    let corrections = "[[entry]]\ndate = \"2025-08-09\"\nkind = \"correction\"\npage = \"timeline.md\"\ntext = \"Fixed a date.\"\n\n[[entry]]\ndate = \"2025-07-01\"\nkind = \"update\"\npage = \"quotes.md\"\ntext = \"Before the page was published.\"\n";
    let site = story_site()
        .file("content/data/corrections.toml", corrections)
        .page(
            "timeline.md",
            "title = \"Timeline\"\ntemplate = \"timeline.html\"\ndate = 2025-08-01",
            "",
        )
        .page(
            "quotes.md",
            "title = \"Quotes\"\ntemplate = \"quotes.html\"\ndate = 2025-08-01",
            "",
        );
    site.build().ok();
    let timeline = site.read("timeline/index.html");
    assert!(
        timeline.contains("Updated <time datetime=2025-08-09>9 August 2025</time>"),
        "{timeline}"
    );
    assert!(timeline.contains("href=/about/#corrections-log>see the corrections log</a>"));
    assert!(
        !site.read("quotes/index.html").contains("Updated <time"),
        "a correction dated before the page was published is not a change to it"
    );
    assert!(
        site.read("sitemap.xml")
            .contains("<loc>https://example.org/timeline/</loc><lastmod>2025-08-09</lastmod>")
    );
    assert!(
        site.read("atom.xml")
            .contains("<updated>2025-08-09T00:00:00Z</updated>")
    );
}

/// A list left open swallows the lines after it: the editor is told once,
/// where the `]` is missing, not at every line toml read wrongly after it.
/// A second mistake further on is still reported.
#[test]
fn a_list_left_open_is_one_error_where_it_ends() {
    let broken = TIMELINE
        .replace(
            "sources = [\"wire\", \"blog\"]",
            "sources = [\"wire\", \"blog\"",
        )
        .replace("body = \"During the year.\"", "body = During the year.");
    let site = story_site().file("content/data/timeline.toml", &broken);
    let run = site.build().fails_with(&[
        "content/data/timeline.toml:28:26: error: this list has no closing `]`",
        "content/data/timeline.toml:35:8: error: text must be in double quotes",
    ]);
    run.with_errors(2);
}

/// A draft built with `--drafts` to preview tells search engines to keep
/// it out; a published page does not.
#[test]
fn a_draft_built_to_preview_is_marked_noindex() {
    let site = story_site().page(
        "draft.md",
        "title = \"Not yet\"\ndate = 2025-08-01\ndraft = true",
        "Soon.",
    );
    site.run(&["build", "--drafts"]).ok();
    assert!(
        site.read("draft/index.html")
            .contains("<meta content=noindex name=robots>")
    );
    assert!(!site.read("timeline/index.html").contains("noindex"));
    assert!(!site.read("atom.xml").contains("Not yet"));
}

/// A range that ends before it starts is shown at its end, the date to fix.
#[test]
fn a_range_ending_before_it_starts_is_located_at_its_end() {
    let broken = TIMELINE.replace(
        "date = \"2025-07-04\"\n",
        "date = \"2025-07-04\"\nend = \"2025-07-01\"\n",
    );
    let site = story_site().file("content/data/timeline.toml", &broken);
    site.build().fails_with(&[
        "content/data/timeline.toml:25:7: error: \"fourth\" ends (2025-07-01) before it starts (2025-07-04)",
    ]);
}

/// An entry with several mistakes shows them all in one run, not one a run.
#[test]
fn every_mistake_in_one_entry_is_reported_at_once() {
    let broken = TIMELINE.replace(
        "id = \"fourth\"\ndate = \"2025-07-04\"\nphase = \"all\"",
        "id = \"fourth\"\ndate = \"2025-07-44\"\norder = \"first\"\ncolour = \"red\"\nphase = \"all\"",
    );
    assert_ne!(broken, TIMELINE);
    let site = story_site().file("content/data/timeline.toml", &broken);
    let run = site.build().fails_with(&[
        "content/data/timeline.toml:24:8: error: \"2025-07-44\" is not a day of the calendar",
        "content/data/timeline.toml:25:9: error: expected a whole number (no quotes), found string \"first\"",
        "content/data/timeline.toml:26:1: error: \"colour\" is not a key known here",
    ]);
    let run = run.with_errors(3);
    let stderr = run.stderr();
    let (date, colour) = (
        stderr.find("2025-07-44").unwrap(),
        stderr.find("colour").unwrap(),
    );
    assert!(date < colour, "in the order they are written: {stderr}");

    // A bad field set aside does not hide a field that is missing.
    let broken = TIMELINE.replace(
        "date = \"2025-07-04\"\nphase = \"all\"\ntitle = \"The fourth\"\nbody = \"On the fourth.\"\nsources = [\"wire\", \"blog\"]",
        "date = \"March 2025\"\nphase = \"all\"\ntitle = \"The fourth\"\nbody = \"On the fourth.\"",
    );
    assert_ne!(broken, TIMELINE);
    let site = site.file("content/data/timeline.toml", &broken);
    let run = site.build().fails_with(&[
        "cannot read the date \"March 2025\"",
        "`sources` is missing here",
    ]);
    run.with_errors(2);
}

/// A wrong word where one of a few is allowed (a stance) does not hide the
/// entry's other mistakes either.
#[test]
fn a_wrong_stance_does_not_hide_a_missing_field() {
    let broken = QUOTES.replace(
        "stance = \"official\"\ndate = \"2025-08\"\nsources = [\"wire\"]",
        "stance = \"angry\"\ndate = \"2025-08\"",
    );
    assert_ne!(broken, QUOTES);
    let site = story_site().file("content/data/quotes.toml", &broken);
    let run = site.build().fails_with(&[
        "\"angry\" is not a value known here",
        "`sources` is missing here",
    ]);
    run.with_errors(2);
}

/// After a syntax error, reading starts again at the next entry: not at a
/// line of a text that happens to start with `[`, nor at an entry's
/// `[[quote.variant]]`, either of which would report mistakes not made.
#[test]
fn syntax_errors_after_the_first_are_real_ones() {
    let broken = TIMELINE.replace(
        "title = \"The fourth\"\nbody = \"On the fourth.\"",
        "title = \"The fourth\nbody = \"\"\"\n[The minutes](https://example.org/m) say so.\n\"\"\"",
    );
    assert_ne!(broken, TIMELINE);
    let site = story_site().file("content/data/timeline.toml", &broken);
    let run = site.build().fails_with(&["no closing `\"`"]);
    run.with_errors(1);

    let quotes = QUOTES.replace(
        "text = \"We are <partners> & friends.\"",
        "text = \"We are partners",
    );
    assert_ne!(quotes, QUOTES);
    let site = story_site().file("content/data/quotes.toml", &quotes);
    let run = site.build().fails_with(&["no closing `\"`"]);
    run.with_errors(1);
}

/// Corrections are dated to the day, which is what dates a page's update.
#[test]
fn a_correction_needs_its_day() {
    let corrections = "[[entry]]\ndate = \"2025-08\"\nkind = \"correction\"\npage = \"timeline.md\"\ntext = \"Fixed.\"\n";
    let site = story_site().file("content/data/corrections.toml", corrections);
    site.build().fails_with(&[
        "content/data/corrections.toml:2:8: error: a correction is dated to the day it was made",
    ]);
}

/// A page with no date stays out of the feed, even when a correction names it.
#[test]
fn an_undated_page_stays_out_of_the_feed() {
    let corrections = "[[entry]]\ndate = \"2025-08-09\"\nkind = \"correction\"\npage = \"timeline.md\"\ntext = \"Fixed.\"\n";
    let site = story_site().file("content/data/corrections.toml", corrections);
    site.build().ok();
    assert!(!site.read("atom.xml").contains("/timeline/"));
    assert!(
        site.read("sitemap.xml")
            .contains("/timeline/</loc><lastmod>2025-08-09</lastmod>")
    );
}

/// A misspelt data file publishes an empty timeline: the build says so, for
/// the file it did not find and for the one it did not read.
#[test]
fn a_missing_or_misspelt_data_file_is_a_warning() {
    // An editor's autosave beside the data is no data file.
    let site = story_site().file("content/data/#timeline.toml#", "autosave");
    let run = site.build().ok();
    assert!(!run.stderr().contains("warning"), "{}", run.stderr());
    std::fs::rename(
        site.root().join("content/data/timeline.toml"),
        site.root().join("content/data/timline.toml"),
    )
    .unwrap();
    site.build().ok().warns(&[
        "content/data/timeline.toml: warning: there is no such file, so content/timeline.md shows no events",
        "content/data/timline.toml: warning: not read and not published: the story's data files are timeline.toml, quotes.toml, sources.toml, corrections.toml: did you mean timeline.toml?",
    ]);
    // check says the same.
    site.run(&["check"])
        .prints(&["did you mean timeline.toml?", "0 errors, 2 warnings"]);
}

/// A misspelt story page in [story] is shown at its line of site.toml.
#[test]
fn a_story_page_that_does_not_exist_is_shown_at_its_setting() {
    let config = format!(
        "{}\n[story]\ntimeline_page = \"timelne.md\"\n",
        crate::fixture::SITE_TOML
    );
    story_site().file("site.toml", &config).build().fails_with(&[
        "site.toml:6:1: error: the story has timeline events but there is no page content/timelne.md",
    ]);
}

/// Story data is read for its own errors even when a page has one.
#[test]
fn a_page_error_does_not_hide_the_story_datas() {
    let site = story_site().page("quotes.md", "title = \"Quotes\"\nweight = \"x\"", "");
    let timeline = std::fs::read_to_string(site.root().join("content/data/timeline.toml"))
        .unwrap()
        .replacen("sources = [\"", "sources = [\"nope\", \"", 1);
    let site = site.file("content/data/timeline.toml", &timeline);
    let run = site.run(&["check"]);
    run.prints(&[
        "content/quotes.md:3:10: error:",
        "content/data/timeline.toml:",
        "\"nope\"",
    ]);
}

/// The log lists corrections newest first, and of two on one day the one
/// written later in the file (it says newest last) first.
#[test]
fn corrections_of_one_day_are_listed_newest_first() {
    let corrections = "[[entry]]\ndate = \"2025-08-01\"\nkind = \"update\"\ntext = \"First.\"\n\n[[entry]]\ndate = \"2025-08-02\"\nkind = \"correction\"\ntext = \"Morning.\"\n\n[[entry]]\ndate = \"2025-08-02\"\nkind = \"correction\"\ntext = \"Afternoon.\"\n";
    let site = story_site().file("content/data/corrections.toml", corrections);
    site.build().ok();
    let about = site.read("about/index.html");
    let at = |text: &str| {
        about
            .find(text)
            .unwrap_or_else(|| panic!("{text} missing:\n{about}"))
    };
    assert!(
        at("Afternoon.") < at("Morning.") && at("Morning.") < at("First."),
        "{about}"
    );
}
