//! Reading a data file: the entries serde can read, or every mistake in it
//! said where it was made, rather than only the first one serde meets.

use serde::de::DeserializeOwned;
use toml::Spanned;

/// Reads a data file, or says everything wrong with it: every syntax error,
/// and every entry that cannot be read, rather than only the first.
pub(super) fn file<T: DeserializeOwned>(
    text: &str,
) -> std::result::Result<T, Vec<toml::de::Error>> {
    use toml::de::{DeArray, DeTable, DeValue, Deserializer};
    let first_error = match toml::from_str(text) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let (document, syntax_errors) = DeTable::parse_recoverable(text);
    if let Some(first) = syntax_errors.into_iter().next() {
        return Err(syntax_errors_by_part(text, first));
    }
    let span = document.span();
    let read =
        |table: DeTable| T::deserialize(Deserializer::from(Spanned::new(span.clone(), table)));
    // serde stops at the first error. Read the file again with its lists
    // (`[[event]]`) emptied, for mistakes outside them, then each entry
    // alone in a file of its own. Every list may be empty.
    let mut rest = document.into_inner();
    let mut lists = Vec::new();
    for (key, value) in rest.iter_mut() {
        let span = value.span();
        if let DeValue::Array(entries) = value.get_mut() {
            lists.push((
                key.clone(),
                span,
                std::mem::replace(entries, DeArray::new()),
            ));
        }
    }
    let mut errors: Vec<toml::de::Error> = read(rest).err().into_iter().collect();
    for (key, span, entries) in lists {
        for entry in entries {
            // Each entry alone, in a file of its own.
            let read_entry = |entry: &Spanned<DeValue<'_>>| {
                let mut alone = DeTable::new();
                let list = DeValue::Array(std::iter::once(entry.clone()).collect());
                alone.insert(key.clone(), Spanned::new(span.clone(), list));
                read(alone).err()
            };
            errors.extend(entry_errors(entry, read_entry));
        }
    }
    // In the order they are written; a list under a wrong name fails alike
    // for each of its entries: say that once.
    errors.sort_by_key(|e| e.span().map(|s| s.start));
    errors.dedup_by(|a, b| a.span() == b.span() && a.message() == b.message());
    if errors.is_empty() {
        errors.push(first_error);
    }
    Err(errors)
}

/// Every mistake in one data entry, read by `read` (which gives its first).
/// serde stops at an entry's first bad field: that field is set aside and
/// the entry read again, for the next one. A field set aside is then
/// missing; a value that reads stands in for it, to learn whether another
/// field is missing too.
fn entry_errors<'a>(
    mut entry: Spanned<toml::de::DeValue<'a>>,
    read: impl Fn(&Spanned<toml::de::DeValue<'a>>) -> Option<toml::de::Error>,
) -> Vec<toml::de::Error> {
    use toml::de::DeValue;
    let mut errors = Vec::new();
    let mut set_aside: Vec<Spanned<std::borrow::Cow<'a, str>>> = Vec::new();
    let mut standing_in: Option<(Spanned<std::borrow::Cow<'a, str>>, usize)> = None;
    while let Some(error) = read(&entry) {
        let DeValue::Table(fields) = entry.get_mut() else {
            errors.push(error);
            break;
        };
        let now_missing = set_aside
            .iter()
            .find(|name| error.message() == format!("missing field `{}`", name.get_ref()))
            .cloned();
        let stand_in_failed = standing_in
            .as_ref()
            .is_some_and(|(name, _)| error.span().is_some_and(|at| at.start == name.span().start));
        if now_missing.is_some() || stand_in_failed {
            if let Some(name) = now_missing {
                standing_in = Some((name, 0));
            }
            let Some((name, tried)) = standing_in.as_mut() else {
                break;
            };
            let Some(value) = stand_in(*tried) else { break };
            *tried += 1;
            fields.insert(name.clone(), Spanned::new(name.span(), value));
            continue;
        }
        let bad_field = error.span().and_then(|at| {
            fields
                .iter()
                .find(|(name, value)| {
                    name.span().contains(&at.start) || value.span().contains(&at.start)
                })
                .map(|(name, _)| name.clone())
        });
        errors.push(error);
        let Some(name) = bad_field else { break };
        fields.remove(&name);
        set_aside.push(name);
    }
    errors
}

/// The `n`th value to try in place of a field set aside: one of them reads
/// as any of the story's dates, texts, lists and kinds (`stance`, `kind`).
fn stand_in(n: usize) -> Option<toml::de::DeValue<'static>> {
    use toml::de::{DeArray, DeValue};
    match n {
        0 => Some(DeValue::String("2025".into())),
        1 => Some(DeValue::Array(DeArray::new())),
        2 => Some(DeValue::String("neutral".into())),
        3 => Some(DeValue::String("report".into())),
        4 => Some(DeValue::String("correction".into())),
        _ => None,
    }
}

/// A data file's syntax errors, one a part at most. After a mistake, toml
/// reads on in the state it left (a list left open takes the next lines as
/// its items), so what it says next is mostly the same mistake again: the
/// file is read afresh from the next table header (`[[event]]`) instead.
fn syntax_errors_by_part(text: &str, first: toml::de::Error) -> Vec<toml::de::Error> {
    let mut errors = vec![first];
    let mut part = 0;
    while let Some(at) = errors.last().and_then(|e| e.span()).map(|s| s.start) {
        // A list left open is noticed at the header after it: that header
        // starts the next part.
        let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let Some(next) = table_header_from(text, line.max(part + 1)) else {
            break;
        };
        part = next;
        // Blank out what was read, byte for byte, so places stay the same.
        let mut rest: String = text.as_bytes()[..part]
            .iter()
            .map(|&b| if b == b'\n' { '\n' } else { ' ' })
            .collect();
        rest.push_str(&text[part..]);
        let (_, errors_here) = toml::de::DeTable::parse_recoverable(&rest);
        match errors_here.into_iter().next() {
            Some(e) if e.span().is_some_and(|s| s.start >= part) => errors.push(e),
            _ => break,
        }
    }
    errors
}

/// Where the first line at or after `from` that starts a table of the file's
/// top level (`[[event]]`, not `[[quote.variant]]`, which belongs to the
/// entry before it) begins.
fn table_header_from(text: &str, from: usize) -> Option<usize> {
    let is_header = |line: &str| {
        let line = line.split('#').next().unwrap_or_default().trim();
        let name = line
            .strip_prefix("[[")
            .and_then(|l| l.strip_suffix("]]"))
            .or_else(|| line.strip_prefix('[').and_then(|l| l.strip_suffix(']')));
        name.is_some_and(|name| {
            let name = name.trim();
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
    };
    // From the start of the line after `from`, unless `from` starts one.
    let mut at = match from {
        0 => 0,
        _ if text.as_bytes().get(from - 1) == Some(&b'\n') => from,
        // By bytes: `from` may fall inside a character.
        _ => {
            from + text
                .as_bytes()
                .get(from..)?
                .iter()
                .position(|&b| b == b'\n')?
                + 1
        }
    };
    for line in text.get(at..)?.split_inclusive('\n') {
        if is_header(line) {
            return Some(at);
        }
        at += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Entries {
        #[serde(default)]
        event: Vec<Entry>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Entry {
        id: String,
        title: String,
        sources: Vec<String>,
    }

    const GOOD: &str = "[[event]]\nid = \"café\"\ntitle = \"Qué “pasó”\"\nsources = [\"a\", \"b\"]\n\n[[event]]\nid = \"b\"\ntitle = \"\"\"Two\nlines é\"\"\"\nsources = []\n";

    /// Whatever an editor's typing breaks, reading never panics, and every
    /// mistake is placed inside the file.
    #[test]
    fn broken_files_are_read_without_panics() {
        assert!(file::<Entries>(GOOD).is_ok());
        let inserts = ["\"", "[", "]", "\n", "é", "=", "\"\"\"", ",", "[[event]]\n"];
        let mut rng = fastrand::Rng::with_seed(0x9e37_79b9_7f4a_7c15);
        for _ in 0..2000 {
            let mut text = GOOD.to_string();
            for _ in 0..rng.usize(1..=3) {
                let boundaries: Vec<usize> = (0..=text.len())
                    .filter(|&i| text.is_char_boundary(i))
                    .collect();
                let at = boundaries[rng.usize(..boundaries.len())];
                if rng.bool() {
                    text.insert_str(at, inserts[rng.usize(..inserts.len())]);
                } else if let Some(c) = text[at..].chars().next() {
                    text.replace_range(at..at + c.len_utf8(), "");
                }
            }
            if let Err(errors) = file::<Entries>(&text) {
                assert!(!errors.is_empty(), "{text:?}");
                for e in errors {
                    let span = e.span().unwrap_or(0..0);
                    assert!(span.end <= text.len(), "{text:?}: {e}");
                    // And saying it in plain words places it in the file too.
                    let said =
                        crate::diagnostic::from_toml(std::path::Path::new("x.toml"), &text, 0, &e);
                    assert!(said.line.is_some(), "{text:?}: {said}");
                }
            }
        }
    }
}
