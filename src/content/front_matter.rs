//! The `+++` TOML front matter at the top of a Markdown file.

use std::path::Path;

use serde::{Deserialize, Deserializer};
use toml::value::Datetime;

use crate::diagnostic::{self, Diagnostic, Result};

/// Front matter as written. Unknown keys are errors, as in site.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    #[serde(deserialize_with = "title")]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "date")]
    pub date: Option<Datetime>,
    #[serde(default, deserialize_with = "date")]
    pub updated: Option<Datetime>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub slug: Option<toml::Spanned<String>>,
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

/// A title with words in it: a page's title is its heading, its tab and its
/// link in every menu and list, where an empty one makes a link with no text.
fn title<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<String, D::Error> {
    let title = String::deserialize(deserializer)?;
    if title.trim().is_empty() {
        return Err(serde::de::Error::custom(
            "the title is empty: write the page's title, as its heading and its links in menus and lists show it",
        ));
    }
    Ok(title)
}

/// A TOML date (`date = 2025-07-04`), or the same in quotes, as the story
/// data writes dates: an editor should not have to remember which is which.
fn date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<Datetime>, D::Error> {
    let bad = |written: &dyn std::fmt::Display| {
        serde::de::Error::custom(format!(
            "cannot read the date {written}: write it as 2025-07-04, or with a time as 2025-07-04T09:30:00-04:00"
        ))
    };
    match toml::Value::deserialize(deserializer)? {
        toml::Value::Datetime(date) if date.date.is_some() => Ok(Some(date)),
        toml::Value::String(text) => match text.trim().parse::<Datetime>() {
            Ok(date) if date.date.is_some() => Ok(Some(date)),
            _ => Err(bad(&format!("{text:?}"))),
        },
        other => Err(bad(&other)),
    }
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
    let Some((front_matter_end, body_offset)) = closing_fence(text, front_matter_offset) else {
        return Err(Diagnostic::error(
            path,
            "the front matter opened here is never closed: add a line `+++` after it",
        )
        .at_offset(text, 0)
        .into());
    };
    Ok(Split {
        front_matter: &text[front_matter_offset..front_matter_end],
        front_matter_offset,
        body: &text[body_offset..],
        body_offset,
    })
}

/// Where the body of `text` starts: after its front matter, or at 0 in a
/// file without any (a data file, a template), for finding text in it.
pub fn body_offset(text: &str) -> usize {
    strip_fence_line(text)
        .and_then(|after_open| closing_fence(text, text.len() - after_open.len()))
        .map_or(0, |(_, body_offset)| body_offset)
}

/// The closing `+++` line of front matter that starts at `from`: where it
/// starts and where the body after it does.
fn closing_fence(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut offset = from;
    for line in text[from..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

fn strip_fence_line(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("+++")?;
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
}

/// Parses the front matter of `text` (the whole file, for positions).
pub fn parse(path: &Path, text: &str, split: &Split<'_>) -> Result<FrontMatter> {
    let front: FrontMatter = toml::from_str(split.front_matter).map_err(|e| {
        let diagnostic = diagnostic::from_toml(path, text, split.front_matter_offset, &e);
        // A missing key belongs to the whole front matter, not to whichever
        // key happens to come first: show it at the opening `+++`.
        if e.message().starts_with("missing field") {
            diagnostic.at_offset(text, 0)
        } else {
            diagnostic
        }
    })?;
    if let (Some(date), Some(updated)) = (front.date, front.updated)
        && updated.date < date.date
    {
        let at = split.front_matter_offset
            + diagnostic::toml_key_offset(split.front_matter, "updated").unwrap_or_default();
        let message = format!(
            "the page was updated ({updated}) before it was published ({date}): `updated` is the date of the last change, on or after `date`"
        );
        return Err(Diagnostic::error(path, message).at_offset(text, at).into());
    }
    Ok(front)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The front matter between `+++` lines, parsed from a page `a.md`
    /// that has only it.
    fn front_matter(lines: &str) -> Result<FrontMatter> {
        let text = format!("+++\n{lines}\n+++\n");
        let s = split(Path::new("a.md"), &text).unwrap();
        parse(Path::new("a.md"), &text, &s)
    }

    #[test]
    fn splits_at_fences_with_crlf() {
        let text = "+++\r\ntitle = \"A\"\r\n+++\r\nBody\r\n";
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(s.front_matter, "title = \"A\"\r\n");
        assert_eq!(s.body, "Body\r\n");
        assert_eq!(parse(Path::new("a.md"), text, &s).unwrap().title, "A");
    }

    #[test]
    fn the_body_starts_after_the_closing_fence_or_at_the_start() {
        let page = "+++\ntitle = 'A'\n+++\r\nBody";
        assert_eq!(&page[body_offset(page)..], "Body");
        assert_eq!(body_offset("[[event]]\nid = 'a'\n"), 0);
        assert_eq!(body_offset("+++\ntitle = 'A'\nnever closed"), 0);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split(Path::new("a.md"), "+++\ntitle = 'A'\nbody").unwrap_err();
        assert!(err.to_string().contains("never closed"));
    }

    #[test]
    fn dates_may_be_quoted() {
        let front = |date: &str| {
            front_matter(&format!("title = 'A'\ndate = {date}"))
                .map(|f| f.date.map(|d| d.to_string()))
        };
        assert_eq!(front("2025-07-04").unwrap().as_deref(), Some("2025-07-04"));
        assert_eq!(
            front("\"2025-07-04\"").unwrap().as_deref(),
            Some("2025-07-04")
        );
        assert_eq!(
            front("'2025-07-04T09:30:00Z'").unwrap().as_deref(),
            Some("2025-07-04T09:30:00Z")
        );
        let err = front("\"July 4\"").unwrap_err().to_string();
        assert!(
            err.contains(
                "a.md:3:8: error: cannot read the date \"July 4\": write it as 2025-07-04"
            ),
            "{err}"
        );
        assert!(
            front("4")
                .unwrap_err()
                .to_string()
                .contains("cannot read the date 4")
        );
    }

    #[test]
    fn a_title_needs_words() {
        for title in ["''", "\"   \""] {
            let err = front_matter(&format!("date = 2025-07-04\ntitle = {title}"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("a.md:3:9: error: the title is empty"), "{err}");
        }
    }

    #[test]
    fn a_page_is_not_updated_before_it_is_published() {
        let front = |updated: &str| {
            front_matter(&format!(
                "title = 'A'\ndate = 2025-07-04\n  updated= {updated}"
            ))
            .map(|f| f.updated.map(|d| d.to_string()))
        };
        let err = front("2025-07-01").unwrap_err().to_string();
        assert!(
            err.contains("a.md:4:3: error: the page was updated (2025-07-01) before it was published (2025-07-04)"),
            "{err}"
        );
        assert!(front("2025-07-04").is_ok());
        assert!(front("2025-07-04T08:00:00Z").is_ok());
        assert!(front("2025-08-01").is_ok());
    }

    #[test]
    fn type_errors_point_into_the_file() {
        let err = front_matter("title = 'A'\nweight = 'heavy'").unwrap_err();
        assert_eq!(err.diagnostics()[0].line, Some(3));
    }
}
