//! The `+++` TOML front matter at the top of a Markdown file.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostic::{self, Diagnostic, Result};

/// Front matter as written. Unknown keys are errors, as in site.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub date: Option<toml::value::Datetime>,
    #[serde(default)]
    pub updated: Option<toml::value::Datetime>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub template: Option<toml::Spanned<String>>,
    #[serde(default)]
    pub weight: Option<i64>,
    /// For a section (`_index.md`): the order of its pages.
    #[serde(default)]
    pub sort_by: Option<SortBy>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// How a section lists its pages. Without `sort_by`: by weight, then newest
/// first, then by title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first; undated pages last.
    Date,
    /// Lowest weight first.
    Weight,
    /// Alphabetically.
    Title,
}

/// A Markdown file split into its front matter and body.
#[derive(Debug)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// Byte offset of the front matter inside the file, for error positions.
    pub front_matter_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Splits `+++` front matter off the start of `text`. It must start at byte 0
/// (pulldown-cmark's own metadata option would also match blocks further down).
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>> {
    let Some(after_open) = strip_fence_line(text) else {
        return Err(Diagnostic::error(
            path,
            "a page must start with front matter: a line `+++`, TOML such as `title = \"…\"`, and a closing `+++`",
        )
        .at_offset(text, 0)
        .into());
    };
    let front_matter_offset = text.len() - after_open.len();
    let mut offset = front_matter_offset;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let body_offset = offset + line.len();
            return Ok(Split {
                front_matter: &text[front_matter_offset..offset],
                front_matter_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        path,
        "the front matter opened here is never closed: add a line `+++` after it",
    )
    .at_offset(text, 0)
    .into())
}

fn strip_fence_line(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("+++")?;
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
}

/// Parses the front matter of `text` (the whole file, for positions).
pub fn parse(path: &Path, text: &str, split: &Split<'_>) -> Result<FrontMatter> {
    toml::from_str(split.front_matter)
        .map_err(|e| diagnostic::from_toml(path, text, split.front_matter_offset, &e).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_fences_with_crlf() {
        let text = "+++\r\ntitle = \"A\"\r\n+++\r\nBody\r\n";
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(s.front_matter, "title = \"A\"\r\n");
        assert_eq!(s.body, "Body\r\n");
        assert_eq!(parse(Path::new("a.md"), text, &s).unwrap().title, "A");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split(Path::new("a.md"), "+++\ntitle = 'A'\nbody").unwrap_err();
        assert!(err.to_string().contains("never closed"));
    }

    #[test]
    fn type_errors_point_into_the_file() {
        let text = "+++\ntitle = 'A'\nweight = 'heavy'\n+++\n";
        let s = split(Path::new("a.md"), text).unwrap();
        let err = parse(Path::new("a.md"), text, &s).unwrap_err();
        assert_eq!(err.diagnostics()[0].line, Some(3));
    }
}
