//! Bad input: one clear message with file:line:column, a non-zero exit, and
//! the previous output folder left exactly as it was.

use std::path::Path;

use crate::fixture::SiteTest;

/// A site that builds, built once, so each test can break it and check that
/// the good output survives byte for byte.
fn built_site() -> SiteTest {
    let site = SiteTest::new()
        .page("_index.md", "title = \"Home\"", "Hello")
        .page("a.md", "title = \"A\"", "See [B](@/b.md).")
        .page("b.md", "title = \"B\"", "Bee.");
    site.build().ok();
    site
}

#[track_caller]
fn fails_and_keeps_output(site: &SiteTest, needles: &[&str]) {
    let before = site.snapshot();
    assert!(!before.is_empty());
    site.build().fails_with(needles);
    assert_eq!(before, site.snapshot(), "the previous output changed");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "a staging folder was left behind");
}

#[test]
fn unknown_config_key() {
    let site = built_site();
    let site = site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://e.org/\"\ntheem = \"x\"\n",
    );
    fails_and_keeps_output(&site, &["site.toml:3:1", "theem", "3 | theem = \"x\""]);
}

#[test]
fn malformed_config_toml() {
    let site = built_site().file("site.toml", "title = \"T\nbase_url = \"https://e.org/\"\n");
    fails_and_keeps_output(&site, &["site.toml:1:"]);
}

#[test]
fn malformed_front_matter() {
    let site = built_site().page("a.md", "title = \"A\"\nweight = ten", "Body");
    fails_and_keeps_output(&site, &["content/a.md:3:10", "weight = ten"]);
}

#[test]
fn unknown_front_matter_key() {
    let site = built_site().page("a.md", "title = \"A\"\ntittle = \"B\"", "Body");
    fails_and_keeps_output(&site, &["content/a.md:3:1", "tittle"]);
}

#[test]
fn front_matter_without_a_title_is_shown_at_its_opening() {
    let site = built_site().page("a.md", "description = \"About A\"", "Body");
    fails_and_keeps_output(
        &site,
        &["content/a.md:1:1: error: `title` is missing here: add it, as title = \"…\""],
    );
}

#[test]
fn front_matter_never_closed() {
    let site = built_site().file("content/a.md", "+++\ntitle = \"A\"\nBody\n");
    fails_and_keeps_output(&site, &["content/a.md:1:1", "never closed"]);
}

#[test]
fn duplicate_url_names_both_files() {
    let site = built_site().page("b/index.md", "title = \"Other B\"", "");
    fails_and_keeps_output(
        &site,
        &[
            "content/b/index.md:1:1: error: this page and content/b.md",
            "/b/",
        ],
    );
    // A slug that takes another page's place is shown where it is written.
    let site = built_site().page("a-copy.md", "title = \"Copy\"\nslug = \"b\"", "");
    fails_and_keeps_output(
        &site,
        &[
            "content/a-copy.md:3:8: error: this page and content/b.md",
            "/b/",
        ],
    );
}

#[test]
fn a_url_too_long_for_a_file_name_is_refused_by_check_too() {
    let slug = "a".repeat(300);
    let site = built_site().page(
        "long.md",
        &format!("title = \"Long\"\nslug = \"{slug}\""),
        "",
    );
    let needles = [
        "content/long.md:3:8: error: the URL part \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…\" is 300 bytes long, more than file systems allow in a name (255): shorten the slug",
    ];
    fails_and_keeps_output(&site, &needles);
    let run = site.run(&["check"]);
    assert!(!run.output.status.success());
    run.prints(&needles);
}

#[test]
fn unknown_at_link() {
    let site = built_site().page("a.md", "title = \"A\"", "First line.\n\nSee [C](@/c.md).");
    fails_and_keeps_output(&site, &["content/a.md:6:9", "@/c.md", "no page"]);
}

#[test]
fn template_error_names_template_line_and_variable() {
    let site = built_site().file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.titel }}\n{% endblock main %}",
    );
    fails_and_keeps_output(&site, &["templates/page.html:3:", "titel", "content/a.md"]);
}

#[test]
fn template_syntax_error() {
    let site = built_site().file("templates/page.html", "{% if %}\n");
    fails_and_keeps_output(&site, &["templates/page.html:1:"]);
}

#[test]
fn missing_template_named_in_front_matter() {
    let site = built_site().page("a.md", "title = \"A\"\ntemplate = \"nope.html\"", "");
    fails_and_keeps_output(&site, &["content/a.md:3:12", "nope.html"]);
}

#[test]
fn missing_theme() {
    let site = built_site().file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://e.org/\"\ntheme = \"gone\"\n",
    );
    fails_and_keeps_output(&site, &["themes/gone/templates"]);
}

#[test]
fn every_error_is_reported_at_once() {
    let site = built_site()
        .page("a.md", "title = \"A\"\nweight = ten", "")
        .page("b.md", "title = \"B\"", "[x](@/nowhere.md)")
        .page("c.md", "titl = \"C\"", "");
    site.build()
        .fails_with(&["content/a.md:3:", "content/c.md:2:"])
        .with_errors(2);
}

#[test]
fn forbidden_output_folders_are_refused() {
    let site = built_site();
    let before = site.snapshot();
    for bad in [".", "content", "themes", "..", "/"] {
        site.run(&["build", "--output", bad])
            .fails_with(&["refusing", "output folder"]);
    }
    assert!(site.root().join("content/a.md").is_file());
    assert_eq!(before, site.snapshot());
}

#[test]
fn unsafe_link_schemes_are_refused() {
    let site = built_site().page("a.md", "title = \"A\"", "[click](javascript:alert(1))");
    fails_and_keeps_output(&site, &["content/a.md:4:", "javascript:alert(1)"]);
}

#[test]
fn crlf_and_bom_files_build() {
    let site = SiteTest::new().file(
        "content/a.md",
        "\u{feff}+++\r\ntitle = \"A\"\r\n+++\r\n## Head\r\n\r\nText\r\n",
    );
    site.build().ok();
    assert!(site.read("a/index.html").contains("id=head"));
}

#[test]
fn non_utf8_file_is_located() {
    let site = built_site();
    std::fs::write(
        site.root().join("content/a.md"),
        b"+++\ntitle = \"A\"\n+++\nbad \xff byte\n",
    )
    .unwrap();
    fails_and_keeps_output(&site, &["content/a.md:4:5", "UTF-8"]);
}

#[test]
fn unreadable_page_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let site = built_site();
    let mode = |path: &Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    let page = site.root().join("content/b.md");
    mode(&page, 0o000);
    if std::fs::read(&page).is_err() {
        fails_and_keeps_output(&site, &["content/b.md", "ermission denied"]);
        return;
    }
    // Root reads a file whatever its mode: build as `nobody` instead, in a
    // site folder that user may read and write.
    for entry in walkdir::WalkDir::new(site.root()) {
        let path = entry.unwrap().into_path();
        if path != page {
            mode(&path, if path.is_dir() { 0o777 } else { 0o644 });
        }
    }
    // The binary may sit where `nobody` cannot reach it (a target folder under /root).
    let binary = site.root().join("broadside-bin");
    std::fs::hard_link(env!("CARGO_BIN_EXE_broadside"), &binary)
        .or_else(|_| std::fs::copy(env!("CARGO_BIN_EXE_broadside"), &binary).map(drop))
        .unwrap();
    mode(&binary, 0o755);
    let before = site.snapshot();
    let output = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&binary)
        .arg("build")
        .current_dir(site.root())
        .output()
        .expect("setpriv (util-linux) runs the build as nobody");
    crate::fixture::Run { output }.fails_with(&["content/b.md", "ermission denied"]);
    assert_eq!(before, site.snapshot(), "the previous output changed");
}

#[test]
fn markdown_problems_of_every_page_show_at_once() {
    // One page's problem is found while finding citations, the other's only
    // when pages are written: both are reported by the one failed build.
    let site = crate::story::story_site()
        .page(
            "cites.md",
            "title = \"Cites\"",
            "Text {{ cite(id=\"no-such-source\") }}.",
        )
        .page(
            "plain.md",
            "title = \"Plain\"",
            "See [nothing](@/nowhere.md).",
        );
    site.build().fails_with(&[
        "content/cites.md:4:",
        "no-such-source",
        "content/plain.md:4:",
        "@/nowhere.md",
    ]);
}

/// A template saved empty by mistake would publish blank pages.
#[test]
fn an_empty_template_is_an_error_not_blank_pages() {
    let site = built_site().file("templates/page.html", "\n  \n");
    fails_and_keeps_output(
        &site,
        &[
            "templates/page.html: error: the template made an empty page: it must write the page's HTML (while rendering content/a.md and 1 other page)",
            "1 error,",
        ],
    );
}

/// A setting the site cannot use is shown at its line of site.toml.
#[test]
fn an_unknown_theme_is_shown_at_its_setting() {
    let site = built_site().file(
        "site.toml",
        &format!("{}theme = \"nope\"\n", crate::fixture::SITE_TOML),
    );
    fails_and_keeps_output(
        &site,
        &[
            "site.toml:4:1: error: the theme \"nope\" has no templates: themes/nope/templates is missing",
        ],
    );
}

/// A template's mistake breaks every page it renders: it is said once.
#[test]
fn a_template_error_on_every_page_is_said_once() {
    let site = built_site().page("c.md", "title = \"C\"", "Sea.").file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.nope }}{% endblock main %}",
    );
    fails_and_keeps_output(
        &site,
        &[
            "(while rendering content/a.md and 2 other pages)",
            "1 error,",
        ],
    );
}
