//! `broadside init`: a new story site that builds and checks cleanly.

use crate::fixture::SiteTest;

#[test]
fn init_makes_a_site_that_builds_without_warnings() {
    let parent = SiteTest::new();
    let run = parent.run(&["init", "story"]);
    assert!(run.output.status.success(), "{}", run.stderr());
    // What is still the example's to change before publishing.
    run.prints(&["base_url", "publisher", "corrections_email"]);
    let story = parent.root().join("story");
    let build = std::process::Command::new(env!("CARGO_BIN_EXE_broadside"))
        .args(["build"])
        .current_dir(&story)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(
        build.stderr.is_empty(),
        "warnings: {}",
        String::from_utf8_lossy(&build.stderr)
    );
    let timeline = std::fs::read_to_string(story.join("public/timeline/index.html")).unwrap();
    assert!(timeline.contains("id=event-vote"));
    // Every part a story has: the explainer too, in the menu, with its citations.
    let explainer = std::fs::read_to_string(story.join("public/explainer/index.html")).unwrap();
    assert!(
        explainer.contains("Sources cited on this page"),
        "{explainer}"
    );
    assert!(
        timeline.contains("href=/explainer/>How the budget works</a>"),
        "{timeline}"
    );
    assert!(
        !timeline.contains('`'),
        "no Markdown in plain-text settings: {timeline}"
    );
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_broadside"))
        .arg("check")
        .current_dir(&story)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn init_refuses_a_folder_with_files() {
    let site = SiteTest::new();
    site.run(&["init", "."]).fails_with(&["is not empty"]);
    assert!(site.root().join("site.toml").is_file());
}
