//! The one error type users see: a problem at a place in a file.
//!
//! Every stage reports bad input as a [`Diagnostic`] with the file, and a
//! line and column where there is one, so a person can go straight to it.
//! Stages that can keep going collect several before failing, so `check`
//! and `build` report every problem at once.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in the site's input, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the site root where it lies inside it.
    pub path: PathBuf,
    /// 1-based line, when the problem has a position.
    pub line: Option<usize>,
    /// 1-based column, counted in characters.
    pub column: Option<usize>,
    pub message: String,
    /// The text of the offending line, shown with a caret under the column.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            source_line: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Locates the diagnostic at a byte offset of `source`, the file's text.
    pub fn at_offset(mut self, source: &str, offset: usize) -> Self {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[offset..]
            .find('\n')
            .map_or(source.len(), |i| offset + i);
        self.line = Some(source[..line_start].matches('\n').count() + 1);
        self.column = Some(source[line_start..offset].chars().count() + 1);
        self.source_line = Some(
            source[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
        );
        self
    }

    /// Locates the diagnostic at a known 1-based line and column.
    pub fn at_line_column(mut self, source: Option<&str>, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self.source_line = source
            .and_then(|s| s.lines().nth(line.saturating_sub(1)))
            .map(str::to_string);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:column`, as editors and terminals recognise it.
    pub fn location(&self) -> String {
        let mut location = self.path.display().to_string();
        if let Some(line) = self.line {
            location.push_str(&format!(":{line}"));
            if let Some(column) = self.column {
                location.push_str(&format!(":{column}"));
            }
        }
        location
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {label}: {}", self.location(), self.message)?;
        if let (Some(line), Some(text)) = (self.line, &self.source_line) {
            let gutter = " ".repeat(line.to_string().len());
            write!(f, "\n{gutter} |\n{line} | {text}")?;
            if let Some(column) = self.column {
                let pad: String = text
                    .chars()
                    .take(column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n{gutter} | {pad}^")?;
            }
        }
        Ok(())
    }
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the site's own files; at least one is an error.
    #[error("{}", render_diagnostics(.0))]
    Site(Vec<Diagnostic>),
    /// The file system refused something; the path says where.
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A command-line usage problem (for example a forbidden output folder).
    #[error("{0}")]
    Usage(String),
    /// Problems already printed by the command, with their count: only the
    /// exit status is left to give.
    #[error("")]
    Reported,
}

impl Error {
    pub fn io(path: &Path, source: io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The site's problems, to report beside others; any other error (the
    /// file system's, the command line's) is handed back as it is.
    pub fn site_problems(self) -> Result<Vec<Diagnostic>> {
        match self {
            Error::Site(found) => Ok(found),
            other => Err(other),
        }
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Site(diagnostics) => diagnostics,
            _ => &[],
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(diagnostic: Diagnostic) -> Self {
        Error::Site(vec![diagnostic])
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Renders diagnostics one after another, then a count.
pub fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.to_string());
        out.push_str("\n\n");
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    out.push_str(&format!(
        "{errors} error{}, {warnings} warning{}",
        plural(errors),
        plural(warnings)
    ));
    out
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Collects diagnostics across a stage so it can report all of them at once.
#[derive(Debug, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(diagnostics);
    }

    /// Keeps the diagnostics of a failed step and goes on without its value.
    pub fn take<T>(&mut self, result: Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(Error::Site(diagnostics)) => {
                self.0.extend(diagnostics);
                None
            }
            Err(other) => {
                self.0.push(Diagnostic::error("", other.to_string()));
                None
            }
        }
    }

    /// One diagnostic for a template's mistake that every page it renders
    /// hits: the same place and words, said once for how many pages it broke.
    pub fn merge_repeats(&mut self) {
        let mut merged: Vec<(Diagnostic, usize)> = Vec::new();
        let mut at: std::collections::HashMap<
            (PathBuf, Option<usize>, Option<usize>, String),
            usize,
        > = Default::default();
        for diagnostic in std::mem::take(&mut self.0) {
            let Some((said, _)) = diagnostic.message.split_once(crate::templates::RENDERING) else {
                merged.push((diagnostic, 1));
                continue;
            };
            let key = (
                diagnostic.path.clone(),
                diagnostic.line,
                diagnostic.column,
                said.to_string(),
            );
            match at.get(&key) {
                Some(&i) => merged[i].1 += 1,
                None => {
                    at.insert(key, merged.len());
                    merged.push((diagnostic, 1));
                }
            }
        }
        self.0 = merged
            .into_iter()
            .map(|(mut diagnostic, pages)| {
                if pages > 1 {
                    let others = pages - 1;
                    let message = diagnostic.message.trim_end_matches(')');
                    diagnostic.message =
                        format!("{message} and {others} other page{})", plural(others));
                }
                diagnostic
            })
            .collect();
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Between stages: fails with everything so far if any is an error.
    pub fn stop_on_errors(&mut self) -> Result<()> {
        if self.has_errors() {
            Err(Error::Site(std::mem::take(&mut self.0)))
        } else {
            Ok(())
        }
    }

    /// Fails with every diagnostic if any is an error; otherwise hands back the warnings.
    pub fn finish(self) -> Result<Vec<Diagnostic>> {
        if self.has_errors() {
            Err(Error::Site(self.0))
        } else {
            Ok(self.0)
        }
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

fn floor_char_boundary(s: &str, mut index: usize) -> usize {
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Turns a `toml` parse or type error into a diagnostic in `path`.
/// `base` is the byte offset of `source` inside the file (front matter sits after `+++`).
pub fn from_toml(path: &Path, file_text: &str, base: usize, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim_end();
    let Some(span) = error.span() else {
        return Diagnostic::error(path, in_plain_words(message));
    };
    let at = base + span.start;
    let (message, at) = syntax_in_plain_words(message, file_text, at)
        .unwrap_or_else(|| (in_plain_words(message), at));
    Diagnostic::error(path, message).at_offset(file_text, at)
}

/// Where the TOML `text` sets `key` (`theme`, or `story.timeline_page` in
/// `[story]` or dotted): the start of the key on its line. For a value the
/// parser accepted that the site cannot use.
pub fn toml_key_offset(text: &str, key: &str) -> Option<usize> {
    let (table, name) = key.rsplit_once('.').unwrap_or(("", key));
    let sets = |line: &str, key: &str| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    };
    let mut current = "";
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(header) = trimmed.strip_prefix('[') {
            current = header.split(']').next().unwrap_or_default().trim();
        } else if (current == table && sets(trimmed, name))
            || (current.is_empty() && sets(trimmed, key))
        {
            return Some(offset + line.len() - trimmed.len());
        }
        offset += line.len();
    }
    None
}

/// The syntax mistakes editors make most, said where they made them: toml
/// reports them where it noticed, which may be lines later.
fn syntax_in_plain_words(message: &str, text: &str, at: usize) -> Option<(String, usize)> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    if message.starts_with("missing comma between array elements") && before.trim().is_empty() {
        // Noticed at the start of a line: the comma (or the `]`) belongs at
        // the end of the line before.
        let end = text[..line_start].trim_end().len();
        let rest = text[at..].lines().next().unwrap_or_default().trim_start();
        let starts_a_key = rest
            .split_once('=')
            .is_some_and(|(key, _)| !key.trim().is_empty() && !key.contains(['"', '\'', ',']));
        let message = if rest.starts_with('[') || starts_a_key {
            // The list ran on into the next key or table.
            "this list has no closing `]`: end it with `]`, as [\"a\", \"b\"]"
        } else {
            "a comma is missing after this item: the items of a list are separated by commas"
        };
        return Some((message.to_string(), end));
    }
    if message.starts_with("unexpected key or value, expected newline")
        && before.trim_end().ends_with('"')
        && before.contains("= \"")
    {
        let message = "this text ends at the `\"` before it: inside text, write a straight quote as \\\" or use curly quotes “ ”";
        return Some((message.to_string(), at));
    }
    if message.starts_with("string values must be quoted")
        && text[at..].starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
    {
        // `weight = 20x`, `weight = 2 0`: a number mistyped, not text unquoted.
        let message = "this is not a number: write a number with digits only, as 20 (or, if it is text, in double quotes)";
        return Some((message.to_string(), at));
    }
    if message.starts_with("invalid boolean") {
        // `title = todo`: toml read the `t` as the start of `true`.
        let message =
            "text must be in double quotes, \"like this\" (a yes-or-no setting is true or false)";
        return Some((message.to_string(), at));
    }
    if message.starts_with("invalid date") && message.contains("two-digit") {
        let message = "a date is written year-month-day, with two digits for the month and the day, as 2025-03-11 (or in quotes, \"2025-03\", \"late 2025-03\")";
        return Some((message.to_string(), at));
    }
    // A string broken by something other than its end: a control character.
    let is_string = message.starts_with("invalid basic string")
        || message.starts_with("invalid multi-line basic string");
    if is_string && !message.ends_with("expected `\"`") {
        let message = "this text holds an invisible control character (text pasted from a word processor may): delete it, or type the text again";
        return Some((message.to_string(), at));
    }
    if message.starts_with("invalid basic string") {
        let message = "this text has no closing `\"`: end it on the same line, or write text of several lines between \"\"\" and \"\"\"";
        return Some((message.to_string(), at));
    }
    if message.starts_with("invalid multi-line basic string") {
        // Reported at the end of the file: say where the text began.
        let (opening, _) = text[..at].rmatch_indices("\"\"\"").next()?;
        let message = "this text, opened with \"\"\", is never closed: end it with \"\"\"";
        return Some((message.to_string(), opening));
    }
    None
}

/// The candidate spelt most like `written`, if one is at least `least`
/// alike (Jaro-Winkler, from 0 to 1): a name to suggest for a typo. Ties
/// go to the first in sorting order, so the answer never depends on the
/// order of a set.
pub fn closest<'a>(
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    least: f64,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(candidate, written), candidate))
        .filter(|&(score, _)| score > least)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate)
}

/// serde's and toml's messages for the mistakes editors make most, in the
/// words of someone editing TOML rather than writing Rust.
fn in_plain_words(message: &str) -> String {
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        let add = match field {
            "sources" => "every event and quote names the sources it comes from, as sources = [\"source-id\"]".to_string(),
            "date" | "published" => format!("add it, as {field} = \"2025-07-04\" (or \"2025-07\", \"late 2025-07\")"),
            "id" => "add one, as id = \"a-short-name\" (lowercase letters, digits and hyphens)".to_string(),
            "stance" => "add it, as stance = \"neutral\" (critical, supportive, official or neutral)".to_string(),
            "kind" => "add it, as kind = \"report\" (report, statement, statute, blog, opinion, video, social or document)".to_string(),
            "phase" => "add the id of a [[phase]], as phase = \"phase-id\"".to_string(),
            _ => format!("add it, as {field} = \"…\""),
        };
        return format!("`{field}` is missing here: {add}");
    }
    for (prefix, what) in [("unknown field `", "key"), ("unknown variant `", "value")] {
        if let Some((written, expected)) =
            message.strip_prefix(prefix).and_then(|m| m.split_once('`'))
        {
            let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            let closest = closest(written, known.iter().copied(), 0.8)
                .map(|k| format!(": did you mean {k:?}?"))
                .unwrap_or_default();
            let known = if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            };
            return format!("{written:?} is not a {what} known here{closest} (known: {known})");
        }
    }
    if message.starts_with("string values must be quoted") {
        return "text must be in double quotes, \"like this\"".to_string();
    }
    let Some((written, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|m| m.split_once(", expected "))
    else {
        return message.to_string();
    };
    let needed = match expected {
        "a sequence" => "a list in square brackets, as [\"a\", \"b\"]",
        "a string" => "text in double quotes",
        "a boolean" => "true or false (no quotes)",
        "i64" | "an integer" => "a whole number (no quotes)",
        _ => return message.to_string(),
    };
    // A number past what the field holds comes as the parser's 128-bit kind.
    if let Some(number) = written
        .strip_prefix("integer `")
        .and_then(|w| w.strip_suffix("` as i128"))
    {
        return format!("expected {needed}, found {number}, which is too large");
    }
    format!("expected {needed}, found {written}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first syntax error of `text`, as an editor is shown it.
    fn syntax_error(text: &str) -> Diagnostic {
        let (_, errors) = toml::de::DeTable::parse_recoverable(text);
        from_toml(Path::new("data.toml"), text, 0, &errors[0])
    }

    #[test]
    fn a_key_is_found_in_its_table() {
        let text = "theme = 'x'\n[markdown]\ntheme = 'no'\n[story]\n  timeline_page= 'a.md'\n";
        assert_eq!(toml_key_offset(text, "theme"), Some(0));
        assert_eq!(
            toml_key_offset(text, "story.timeline_page"),
            text.find("timeline_page")
        );
        assert_eq!(toml_key_offset(text, "story.quotes_page"), None);
        let dotted = "title = 'T'\nstory.quotes_page = 'q.md'\n";
        assert_eq!(
            toml_key_offset(dotted, "story.quotes_page"),
            dotted.find("story.")
        );
        assert_eq!(toml_key_offset("themes = 1\n", "theme"), None);
    }

    #[test]
    fn a_mistyped_number_is_called_one() {
        for (text, column) in [("weight = 20x\n", 10), ("order = 2 0\n", 9)] {
            let d = syntax_error(text);
            assert!(
                d.message.starts_with("this is not a number"),
                "{text}: {}",
                d.message
            );
            assert_eq!((d.line, d.column), (Some(1), Some(column)), "{text}");
        }
        let d = syntax_error("title = Why\n");
        assert_eq!(d.message, "text must be in double quotes, \"like this\"");
        for text in ["title = todo\n", "title = fix\n"] {
            let d = syntax_error(text);
            assert!(
                d.message.starts_with("text must be in double quotes"),
                "{text}: {}",
                d.message
            );
            assert_eq!((d.line, d.column), (Some(1), Some(9)), "{text}");
        }
    }

    #[test]
    fn syntax_mistakes_are_said_where_they_were_made() {
        let unclosed_list =
            "[[event]]\nid = \"a\"\nsources = [\"x\", \"y\"\n\n[[event]]\nid = \"b\"\n";
        let error = syntax_error(unclosed_list);
        assert_eq!((error.line, error.column), (Some(3), Some(20)), "{error}");
        assert!(error.message.contains("no closing `]`"), "{error}");

        let quote_in_text = "text = \"It is \"going\" well\"\n";
        let error = syntax_error(quote_in_text);
        assert_eq!(error.line, Some(1));
        assert!(
            error.message.contains("write a straight quote as \\\""),
            "{error}"
        );

        let missing_comma = "sources = [\n  \"a\"\n  \"b\",\n]\n";
        let error = syntax_error(missing_comma);
        assert_eq!((error.line, error.column), (Some(2), Some(6)), "{error}");
        assert!(error.message.contains("a comma is missing"), "{error}");

        for pasted in ["text = \"a\u{b}b\"\n", "body = \"\"\"a\u{c}b\"\"\"\n"] {
            let error = syntax_error(pasted);
            assert!(error.message.contains("control character"), "{error}");
        }

        let error = syntax_error("date = 2025-3-11\n");
        assert!(
            error.message.contains("two digits for the month"),
            "{error}"
        );

        let unclosed_text = "title = \"Barriers go up\nid = \"b\"\n";
        let error = syntax_error(unclosed_text);
        assert_eq!(error.line, Some(1), "{error}");
        assert!(error.message.contains("no closing `\"`"), "{error}");

        let unclosed_block = "[[event]]\nbody = \"\"\"First.\"\"\"\n\n[[event]]\nbody = \"\"\"\nNever closed.\n\n[[event]]\nid = \"c\"\n";
        let error = syntax_error(unclosed_block);
        assert_eq!((error.line, error.column), (Some(5), Some(8)), "{error}");
        assert!(error.message.contains("never closed"), "{error}");
    }

    #[test]
    fn type_errors_are_said_in_plain_words() {
        let error = |text: &str| {
            #[derive(Debug, serde::Deserialize)]
            #[allow(dead_code)]
            struct Entry {
                title: String,
                sources: Vec<String>,
                draft: Option<bool>,
                weight: Option<i64>,
            }
            let e = toml::from_str::<Entry>(text).unwrap_err();
            in_plain_words(e.message().trim_end())
        };
        let sources = "sources = [\"a\"]";
        assert_eq!(
            error(&format!("title = Why\n{sources}")),
            "text must be in double quotes, \"like this\""
        );
        assert_eq!(
            error("title = 'A'\nsources = \"a\""),
            "expected a list in square brackets, as [\"a\", \"b\"], found string \"a\""
        );
        assert_eq!(
            error(&format!("title = 3\n{sources}")),
            "expected text in double quotes, found integer `3`"
        );
        assert_eq!(
            error(&format!("title = 'A'\n{sources}\ndraft = 'yes'")),
            "expected true or false (no quotes), found string \"yes\""
        );
        assert_eq!(
            error(&format!("title = 'A'\n{sources}\nweight = '2'")),
            "expected a whole number (no quotes), found string \"2\""
        );
        assert_eq!(
            error(&format!(
                "title = 'A'\n{sources}\nweight = 99999999999999999999"
            )),
            "expected a whole number (no quotes), found 99999999999999999999, which is too large"
        );
        assert!(error("title = 'A'").starts_with("`sources` is missing here: every event"));
        assert_eq!(
            in_plain_words("unknown field `langauge`, expected one of `title`, `language`"),
            "\"langauge\" is not a key known here: did you mean \"language\"? (known: title, language)"
        );
        assert_eq!(
            in_plain_words("unknown variant `newspaper`, expected `report` or `blog`"),
            "\"newspaper\" is not a value known here (known: report, blog)"
        );
    }

    #[test]
    fn locates_offsets_in_lines_and_characters() {
        let source = "title = 1\nbäd = 2\n";
        let d =
            Diagnostic::error("site.toml", "oops").at_offset(source, source.find("= 2").unwrap());
        assert_eq!((d.line, d.column), (Some(2), Some(5)));
        assert_eq!(d.source_line.as_deref(), Some("bäd = 2"));
        assert_eq!(
            d.to_string(),
            "site.toml:2:5: error: oops\n  |\n2 | bäd = 2\n  |     ^"
        );
    }

    #[test]
    fn collects_until_finish() {
        let mut all = Diagnostics::default();
        all.push(Diagnostic::warning("a", "w"));
        assert!(!all.has_errors());
        all.push(Diagnostic::error("b", "e"));
        let err = all.finish().unwrap_err();
        assert_eq!(err.diagnostics().len(), 2);
        assert!(err.to_string().ends_with("1 error, 1 warning"));
    }
}
