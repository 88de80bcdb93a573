//! A small HTML tokenizer for the link checks: start tags with their
//! attributes, end tags and text, borrowed from the page without copying.
//!
//! Every page of a build goes through it, so it does only what the checks
//! need. It reads HTML as browsers tokenize it for the cases that occur in
//! pages (comments, doctypes, quoted and unquoted attribute values, entities
//! in values, the text inside `script`, `style`, `title` and the like), but
//! it reports no parse errors: the checks look for links and ids, not for
//! invalid markup. The tests compare it with html5gum, a complete HTML5
//! tokenizer.

use std::borrow::Cow;

use memchr::{memchr, memmem};

#[derive(Debug, PartialEq, Eq)]
pub enum Token<'a> {
    StartTag(StartTag<'a>),
    /// The name of an end tag as written (`</A>` gives `A`): compare ignoring case.
    EndTag(&'a [u8]),
    Text(&'a [u8]),
}

#[derive(Debug, PartialEq, Eq)]
pub struct StartTag<'a> {
    pub name: &'a [u8],
    pub self_closing: bool,
}

impl StartTag<'_> {
    /// Whether the tag is named `name` (lowercase), ignoring case.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name.as_bytes())
    }
}

/// One attribute: its name and its value as written (see [`decode`]).
pub type Attribute<'a> = (&'a [u8], &'a [u8]);

/// Reads one `name`, `name=value`, `name="value"` or `name='value'` from the
/// start of `source`. Returns the name, the value as written and what follows.
fn next_attribute(source: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let start = source
        .iter()
        .position(|&b| !b.is_ascii_whitespace() && b != b'/')?;
    let source = &source[start..];
    // A name runs to whitespace, `/`, `>` or `=`, but may start with `=`.
    let name_len = 1 + source[1..]
        .iter()
        .position(|&b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>' | b'='))
        .unwrap_or(source.len() - 1);
    let (name, mut rest) = source.split_at(name_len);
    let after_space = rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    if rest.get(after_space) != Some(&b'=') {
        return Some((name, b"", rest));
    }
    rest = &rest[after_space + 1..];
    rest = &rest[rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(rest.len())..];
    let (raw, rest) = match rest.first() {
        Some(&quote @ (b'"' | b'\'')) => match memchr(quote, &rest[1..]) {
            Some(end) => (&rest[1..1 + end], &rest[end + 2..]),
            None => (&rest[1..], &rest[rest.len()..]),
        },
        _ => {
            let end = rest
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'>')
                .unwrap_or(rest.len());
            rest.split_at(end)
        }
    };
    Some((name, raw, rest))
}

/// An attribute's value as a browser reads it, entities decoded. The checks
/// decode only the values they read, not every `class` and `style`.
pub fn decode(raw: &[u8]) -> Cow<'_, str> {
    // `from_utf8` checks ASCII a word at a time; the lossy path goes byte by
    // byte, and is needed only for a page that is not UTF-8.
    let text = match std::str::from_utf8(raw) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(raw),
    };
    if !text.contains('&') {
        return text;
    }
    Cow::Owned(html_escape::decode_html_entities(&text).into_owned())
}

/// Elements whose contents are text, not tags, up to their end tag.
const RAW_TEXT_ELEMENTS: [&[u8]; 8] = [
    b"script",
    b"style",
    b"title",
    b"textarea",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
];

/// The tokens of an HTML document, in order. After a start tag,
/// [`Tokens::attributes`] holds its attributes.
pub struct Tokens<'a> {
    html: &'a [u8],
    at: usize,
    /// The attributes of the last tag read, start or end, kept as they were
    /// read while finding its end.
    attributes: Vec<Attribute<'a>>,
    /// Set after a tag whose contents are text up to its end tag (`script`, `title`…).
    raw_text_until: Option<&'static [u8]>,
}

impl<'a> Tokens<'a> {
    pub fn new(html: &'a [u8]) -> Self {
        Tokens {
            html,
            at: 0,
            attributes: Vec::new(),
            raw_text_until: None,
        }
    }

    /// The attributes of the start tag just returned, in order; call it
    /// before the next token. A name written twice comes twice: HTML keeps
    /// the first.
    pub fn attributes(&self) -> &[Attribute<'a>] {
        &self.attributes
    }

    fn skip_past(&mut self, needle: &[u8]) {
        self.at = match memmem::find(&self.html[self.at..], needle) {
            Some(i) => self.at + i + needle.len(),
            None => self.html.len(),
        };
    }

    /// The text up to `</name`.
    fn raw_text(&mut self, name: &[u8]) -> &'a [u8] {
        let rest = &self.html[self.at..];
        let mut from = 0;
        let end = loop {
            match memmem::find(&rest[from..], b"</") {
                Some(i) => {
                    let candidate = &rest[from + i + 2..];
                    if candidate.len() >= name.len()
                        && candidate[..name.len()].eq_ignore_ascii_case(name)
                    {
                        break from + i;
                    }
                    from += i + 2;
                }
                None => break rest.len(),
            }
        };
        self.at += end;
        &rest[..end]
    }

    /// Reads a start or end tag's name and attributes from just after `<` or
    /// `</`, keeping the attributes. A tag the document ends inside is no
    /// tag, as in HTML.
    fn tag(&mut self) -> Option<(&'a [u8], bool)> {
        let rest = &self.html[self.at..];
        let name_len = rest
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
            .unwrap_or(rest.len());
        let (name, after_name) = rest.split_at(name_len);
        // The tag ends at the first `>` that is not inside an attribute.
        self.attributes.clear();
        let mut attributes = after_name;
        let mut self_closing = false;
        loop {
            let skip = attributes
                .iter()
                .position(|&b| !b.is_ascii_whitespace() && b != b'/')
                .unwrap_or(attributes.len());
            if attributes.get(skip).is_none_or(|&b| b == b'>') {
                // `/>` closes the tag itself; a `/` inside a value does not.
                self_closing = skip > 0 && attributes[skip - 1] == b'/';
                attributes = &attributes[skip..];
                break;
            }
            let Some((name, value, after)) = next_attribute(attributes) else {
                break;
            };
            self.attributes.push((name, value));
            attributes = after;
        }
        if attributes.is_empty() {
            self.at = self.html.len();
            return None;
        }
        self.at += rest.len() - attributes.len() + 1;
        Some((name, self_closing))
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if let Some(end_tag) = self.raw_text_until.take() {
            let text = self.raw_text(end_tag);
            if !text.is_empty() {
                return Some(Token::Text(text));
            }
        }
        loop {
            let rest = &self.html[self.at..];
            if rest.is_empty() {
                return None;
            }
            if rest[0] != b'<' {
                let end = memchr(b'<', rest).unwrap_or(rest.len());
                self.at += end;
                return Some(Token::Text(&rest[..end]));
            }
            match rest.get(1) {
                Some(b'!') if rest.starts_with(b"<!--") => {
                    self.at += 4;
                    self.skip_past(b"-->");
                }
                Some(b'!' | b'?') => {
                    self.at += 2;
                    self.skip_past(b">");
                }
                Some(b'/') if rest.get(2).is_some_and(u8::is_ascii_alphabetic) => {
                    self.at += 2;
                    let (name, _) = self.tag()?;
                    return Some(Token::EndTag(name));
                }
                Some(b) if b.is_ascii_alphabetic() => {
                    self.at += 1;
                    let (name, self_closing) = self.tag()?;
                    let tag = StartTag { name, self_closing };
                    self.raw_text_until = RAW_TEXT_ELEMENTS
                        .iter()
                        .find(|name| tag.name.eq_ignore_ascii_case(name))
                        .copied();
                    return Some(Token::StartTag(tag));
                }
                _ => {
                    // A `<` that opens no tag is text.
                    let end = memchr(b'<', &rest[1..]).map_or(rest.len(), |i| i + 1);
                    self.at += end;
                    return Some(Token::Text(&rest[..end]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    type Tag = (String, BTreeMap<String, String>, bool);

    #[test]
    fn values_decode_entities_and_survive_bytes_that_are_not_utf8() {
        assert!(matches!(decode(b"/a/b#c"), Cow::Borrowed("/a/b#c")));
        assert_eq!(decode(b"a&amp;b&#x27;c"), "a&b'c");
        assert_eq!(decode("caf\u{e9}".as_bytes()), "caf\u{e9}");
        assert_eq!(decode(b"a\xffb&lt;"), "a\u{fffd}b<");
    }

    /// Start tags (name, attributes with the first of each name, self-closing)
    /// and end tags (`/name`), as this tokenizer reads them.
    fn ours(html: &str) -> Vec<Tag> {
        let mut tokens = Tokens::new(html.as_bytes());
        let mut read = Vec::new();
        while let Some(token) = tokens.next() {
            read.push(match token {
                Token::StartTag(tag) => {
                    let mut attributes = BTreeMap::new();
                    for (name, value) in tokens.attributes() {
                        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
                        attributes
                            .entry(name)
                            .or_insert_with(|| decode(value).into_owned());
                    }
                    let name = String::from_utf8_lossy(tag.name).to_ascii_lowercase();
                    (name, attributes, tag.self_closing)
                }
                Token::EndTag(name) => (
                    format!("/{}", String::from_utf8_lossy(name).to_ascii_lowercase()),
                    BTreeMap::new(),
                    false,
                ),
                Token::Text(_) => continue,
            });
        }
        read
    }

    /// The same, as html5gum (a complete HTML5 tokenizer) reads them.
    fn html5gum(html: &str) -> Vec<Tag> {
        let mut emitter = html5gum::DefaultEmitter::default();
        emitter.naively_switch_states(true);
        html5gum::Tokenizer::new_with_emitter(html, emitter)
            .flatten()
            .filter_map(|token| match token {
                html5gum::Token::StartTag(tag) => Some((
                    String::from_utf8_lossy(&tag.name).into_owned(),
                    tag.attributes
                        .iter()
                        .map(|(k, v)| {
                            (
                                String::from_utf8_lossy(k).into_owned(),
                                String::from_utf8_lossy(v).into_owned(),
                            )
                        })
                        .collect(),
                    tag.self_closing,
                )),
                html5gum::Token::EndTag(tag) => Some((
                    format!("/{}", String::from_utf8_lossy(&tag.name)),
                    BTreeMap::new(),
                    false,
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn reads_tags_as_a_full_html5_tokenizer_does() {
        let documents = [
            "<!doctype html><html lang=en><meta charset=utf-8><title>A <b> title</title>",
            "<a href=/x/>t</a><a href=/x/ />t<br/><img src=a.png alt>",
            "<p id=a class=\"b c\" data-x='1>2'>t</p><P ID=Up>u</P>",
            "<a href=\"/x?a=1&amp;b=2\" title='It&#39;s'>t</a><a href=/y&amp;z>u</a>",
            "<!-- <a href=/hidden/> --><a href=/shown/>t</a>",
            "<script>let s = '<a href=/js/>'; if (a<b) {}</script><style>a>b{}</style><i>x</i>",
            "<a href = '/spaced/' id = s>t</a><div hidden id=h data-a=b=c>x</div>",
            "1 < 2 and 3 <4 <a id=a id=b href=/first/ href=/second/>t</a>",
            "<svg viewBox=\"0 0 1 1\"><path d=\"M0 0\"/></svg><input value=\"a > b\">",
            "<a href=/unterminated",
            "<a href=a/ id=b>t</a><a href=a// >u</a><img src=x alt=/><br /><p\tid=t\n>x</p >",
        ];
        for html in documents {
            assert_eq!(ours(html), html5gum(html), "{html}");
        }
    }

    /// Every page of the microsite in this repository, minified and not.
    #[test]
    fn reads_the_microsite_as_a_full_html5_tokenizer_does() {
        struct Pages(std::sync::Mutex<Vec<(std::path::PathBuf, String)>>);
        impl crate::output::Sink for Pages {
            fn emit(&self, path: &std::path::Path, bytes: &[u8]) -> crate::Result<()> {
                if path.extension().is_some_and(|e| e == "html") {
                    let page = String::from_utf8_lossy(bytes).into_owned();
                    self.0.lock().unwrap().push((path.to_path_buf(), page));
                }
                Ok(())
            }
            fn copy(&self, _: &std::path::Path, _: &std::path::Path) -> crate::Result<()> {
                Ok(())
            }
        }
        for skip_minify in [false, true] {
            let options = crate::site::BuildOptions {
                root: env!("CARGO_MANIFEST_DIR").into(),
                skip_minify,
                ..Default::default()
            };
            let pages = Pages(Default::default());
            crate::site::Site::load(&options)
                .unwrap()
                .render(&pages)
                .unwrap();
            let pages = pages.0.into_inner().unwrap();
            assert!(pages.len() > 5);
            for (path, html) in pages {
                assert_eq!(ours(&html), html5gum(&html), "{}", path.display());
            }
        }
    }

    #[test]
    fn text_between_tags_is_kept() {
        let text: Vec<&[u8]> = Tokens::new(b"<a>one</a> two <b>x</b><script>s</script>")
            .filter_map(|t| match t {
                Token::Text(t) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(text, [&b"one"[..], b" two ", b"x", b"s"]);
    }
}
