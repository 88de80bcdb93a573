//! The one writer: minification, fingerprinted static files, and a staging
//! folder swapped in only when the whole build succeeded.

mod staging;

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

pub use staging::Staging;

use crate::diagnostic::{Diagnostic, Error, Result};
use crate::fs;

/// Where rendered files go: a staging folder for `build`, nowhere for `check`.
pub trait Sink: Sync {
    /// Receives one output file; `path` is relative to the output folder.
    fn emit(&self, path: &Path, bytes: &[u8]) -> Result<()>;
    /// Copies a file as it is.
    fn copy(&self, from: &Path, path: &Path) -> Result<()>;
    /// Hears of a file that could not be made (a page with errors): the
    /// link checks count it as there, so that links to it are not
    /// reported too, without knowing its anchors.
    fn skipped(&self, _path: &Path) {}
}

/// Minifies a whole HTML page, with its inline CSS and JS.
pub fn minify_html(html: &[u8]) -> Vec<u8> {
    let cfg = minify_html::Cfg {
        minify_css: true,
        minify_js: true,
        ..minify_html::Cfg::new()
    };
    minify_html::minify(html, &cfg)
}

/// Minifies a stylesheet or script file with the same minifiers minify-html
/// uses inside pages, by wrapping it in the matching element. Falls back to
/// the original text if the result is not the element we wrapped.
pub fn minify_static(extension: &str, text: &str) -> Vec<u8> {
    let tag = match extension {
        "css" => "style",
        "js" => "script",
        _ => return text.as_bytes().to_vec(),
    };
    let wrapped = format!("<{tag}>{text}</{tag}>");
    let minified = minify_html(wrapped.as_bytes());
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    match minified
        .strip_prefix(open.as_bytes())
        .and_then(|m| m.strip_suffix(close.as_bytes()))
    {
        Some(inner) => inner.to_vec(),
        None => text.as_bytes().to_vec(),
    }
}

/// `style.css` -> `style.3fa2c1d9.css`: a name that changes when the content does,
/// so hosts can cache it forever.
pub fn fingerprinted_name(path: &str, bytes: &[u8]) -> String {
    let hash = xxhash_rust::xxh3::xxh3_64(bytes);
    let short = format!("{:08x}", (hash >> 32) as u32);
    match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => {
            format!("{stem}.{short}.{ext}")
        }
        _ => format!("{path}.{short}"),
    }
}

/// Files a browser or crawler asks for by a fixed name keep it.
pub fn keeps_its_name(path: &str) -> bool {
    path.starts_with(".well-known/")
        || matches!(
            path.rsplit_once('.').map(|(_, ext)| ext),
            Some("ico" | "txt" | "html" | "xml" | "json" | "webmanifest") | None
        )
}

/// The file at the top of every output folder a build writes. A folder
/// without it holds files no build wrote, which a build must not replace.
pub const OUTPUT_MARK: &str = ".broadside";

/// Refuses output folders whose replacement would destroy the site or more,
/// or files that are not a previous build's.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    // Without a trailing `/`, which would make a link to a folder look like one.
    let unresolved: PathBuf = root.join(output).components().collect();
    let output = normalize(&root, output);
    let refuse = |why: &str| {
        refuse(
            &output,
            &format!("{why}. Choose a new folder such as public/"),
        )
    };
    if output.parent().is_none() {
        return refuse("it is the file system root");
    }
    if root.starts_with(&output) {
        return refuse(
            "it is the site folder or one of its parents, and the build replaces the output folder",
        );
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && output == normalize(&root, &home)
    {
        return refuse("it is your home folder");
    }
    for protected in ["content", "themes", "templates", "static"] {
        if output.starts_with(root.join(protected)) {
            return refuse(&format!("it is inside the site's {protected}/ folder"));
        }
    }
    if output == root.join("site.toml") {
        return refuse("it is the site's configuration file");
    }
    check_existing_output(&unresolved)
}

/// What is at `output` already must be a previous build's output, or
/// nothing: the build replaces the folder, with all it holds.
fn check_existing_output(output: &Path) -> Result<()> {
    let refuse = |why: &str| refuse(output, why);
    let metadata = match std::fs::symlink_metadata(output) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(output, e)),
        Ok(metadata) => metadata,
    };
    if metadata.file_type().is_symlink() {
        return refuse(
            "it is a symbolic link, and the build replaces the folder itself. Name the folder it points to instead",
        );
    }
    if !metadata.is_dir() {
        return refuse("it is a file, not a folder");
    }
    let mut entries = std::fs::read_dir(output).map_err(|e| Error::io(output, e))?;
    if entries.next().is_none() || output.join(OUTPUT_MARK).is_file() {
        return Ok(());
    }
    refuse(&format!(
        "it holds files that no build wrote (it has no {OUTPUT_MARK} file), and the build would replace them all. \
         Choose a new or empty folder; if this is an old output of the site, delete it once"
    ))
}

fn refuse(output: &Path, why: &str) -> Result<()> {
    Err(Error::Usage(format!(
        "refusing to use {} as the output folder: {why}",
        output.display()
    )))
}

/// Makes `path` absolute against `root` and removes `.` and `..` without touching the disk
/// (the output folder may not exist yet).
fn normalize(root: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve symlinks in the part that exists, so a link cannot disguise the site root.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_owned()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// Static files of the theme and the site (`static/` overrides the theme's), as
/// (path relative to the static folder, file on disk), sorted. What cannot
/// be read, or is a link out of the site, is left out with a warning.
pub fn static_files(
    root: &Path,
    theme_static: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let mut files = std::collections::BTreeMap::new();
    let shown = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    for dir in [root.join(theme_static), root.join("static")] {
        for entry in WalkDir::new(&dir).follow_links(false) {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e)
                    if e.io_error()
                        .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound) =>
                {
                    continue;
                }
                Err(e) => {
                    let path = e.path().map(shown).unwrap_or_default();
                    warnings.push(Diagnostic::warning(
                        path,
                        format!("skipped: cannot read: {e}"),
                    ));
                    continue;
                }
            };
            let file_type = entry.file_type();
            if file_type.is_symlink() && !fs::links_to_file_inside(root, entry.path()) {
                warnings.push(fs::skipped_link(entry.path(), &shown(entry.path())));
                continue;
            }
            if !file_type.is_file() && !file_type.is_symlink() {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(&dir) else {
                continue;
            };
            let name = relative.to_string_lossy().replace('\\', "/");
            if !name
                .split('/')
                .any(|part| part.starts_with('.') && part != ".well-known")
            {
                files.insert(name, entry.into_path());
            }
        }
    }
    files.into_iter().collect()
}

/// Escapes text for XML (sitemap, feed).
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_change_with_content() {
        let a = fingerprinted_name("css/style.css", b"a{}");
        assert!(
            a.starts_with("css/style.")
                && a.ends_with(".css")
                && a.len() == "css/style..css".len() + 8
        );
        assert_ne!(a, fingerprinted_name("css/style.css", b"b{}"));
        assert!(keeps_its_name("favicon.ico") && !keeps_its_name("logo.svg"));
    }

    #[test]
    fn static_css_is_minified() {
        let out = minify_static("css", "body {\n  color : red ;\n}\n");
        assert_eq!(String::from_utf8(out).unwrap(), "body{color:red}");
    }

    #[test]
    fn refuses_dangerous_output_folders() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        for bad in [".", "..", "content", "content/x", "themes", "/"] {
            assert!(
                check_output_dir(root, Path::new(bad)).is_err(),
                "{bad} accepted"
            );
        }
        assert!(check_output_dir(root, Path::new("public")).is_ok());
        assert!(check_output_dir(root, Path::new("../elsewhere")).is_ok());
    }

    #[test]
    fn replaces_only_a_previous_output_or_an_empty_folder() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        let accepts = |output: &str| check_output_dir(root, Path::new(output)).is_ok();
        std::fs::create_dir(root.join("empty")).unwrap();
        assert!(accepts("empty") && accepts("new"));

        std::fs::create_dir(root.join("theirs")).unwrap();
        std::fs::write(root.join("theirs/notes.txt"), "mine").unwrap();
        let error = check_output_dir(root, Path::new("theirs")).unwrap_err();
        assert!(error.to_string().contains("no build wrote"), "{error}");

        let built = Staging::new(&root.join("built")).unwrap();
        built.emit(Path::new("index.html"), b"x").unwrap();
        built.commit().unwrap();
        assert!(accepts("built"), "a previous build's output is replaced");

        std::fs::write(root.join("file"), "x").unwrap();
        assert!(!accepts("file"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("built"), root.join("link")).unwrap();
            let error = check_output_dir(root, Path::new("link")).unwrap_err();
            assert!(error.to_string().contains("symbolic link"), "{error}");
        }
    }
}
