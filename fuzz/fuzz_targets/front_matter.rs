//! Fuzzes the `+++` front matter splitter and the front matter parser, and
//! the rendering of every diagnostic they produce.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run front_matter fuzz/corpus/front_matter fuzz/seeds/pages -- -dict=fuzz/dicts/toml.dict`

#![no_main]

use std::path::Path;

use broadside::content::front_matter;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("content/x.md");
    let split = match front_matter::split(path, text) {
        Ok(split) => split,
        Err(error) => {
            common::render_error(&error);
            return;
        }
    };
    // The pieces are the file's own text, at the offsets they claim.
    assert!(text.starts_with("+++"));
    assert!(split.front_matter_offset <= split.body_offset);
    assert!(split.body_offset <= text.len());
    assert_eq!(
        &text[split.front_matter_offset..split.front_matter_offset + split.front_matter.len()],
        split.front_matter
    );
    assert_eq!(&text[split.body_offset..], split.body);
    match front_matter::parse(path, text, &split) {
        Ok(front) => {
            let _ = format!("{front:?}");
        }
        Err(error) => common::render_error(&error),
    }
});
