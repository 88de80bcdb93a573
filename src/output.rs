//! The one writer: minification, fingerprinted static files, and a staging
//! folder swapped in only when the whole build succeeded.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use walkdir::WalkDir;

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

/// A build's output being written: a hidden folder beside the real one,
/// swapped in by [`Staging::commit`]. Dropped without commit, it is removed and
/// the previous output stays exactly as it was.
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    files: AtomicUsize,
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let dir = tempfile::Builder::new()
            .prefix(&hidden_beside(target, "staging-"))
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        fs::write(
            &dir.path().join(OUTPUT_MARK),
            b"Written by `broadside build`, which replaces this whole folder each time.\n",
        )?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            files: AtomicUsize::new(0),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file_count(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Replaces the output folder with the staged one, then removes the old
    /// one: until the swap, the previous site is whole.
    pub fn commit(self) -> Result<()> {
        let staged = self.dir.keep();
        if !self.target.exists() {
            return fs::rename(&staged, &self.target);
        }
        let old = swap_in(&staged, &self.target)?;
        remove_tree(&old).map_err(|e| Error::io(&old, e))
    }
}

/// The name of a hidden folder beside the output `target` for one step of
/// replacing it: `.public.staging-…`, `.public.old-…`.
fn hidden_beside(target: &Path, step: &str) -> String {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("output");
    format!(".{name}.{step}")
}

/// Puts the folder `staged` where `target` is and returns where the previous
/// `target` now lies. On Linux the two are exchanged in one step, so a web
/// server reading the output never finds it missing; elsewhere, or on a file
/// system that cannot exchange, the old folder is renamed aside first.
fn swap_in(staged: &Path, target: &Path) -> Result<PathBuf> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, staged, CWD, target, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(staged.to_path_buf()),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
            Err(e) => {
                let _ = remove_tree(staged);
                return Err(Error::io(target, e.into()));
            }
        }
    }
    let old = staged.with_file_name(hidden_beside(
        target,
        &format!("old-{}", std::process::id()),
    ));
    fs::rename(target, &old)?;
    if let Err(e) = fs::rename(staged, target) {
        // Put the previous site back before reporting.
        let _ = std::fs::rename(&old, target);
        let _ = remove_tree(staged);
        return Err(e);
    }
    Ok(old)
}

impl Sink for Staging {
    fn emit(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.files.fetch_add(1, Ordering::Relaxed);
        fs::write(&safe_join(self.dir.path(), path)?, bytes)
    }

    fn copy(&self, from: &Path, path: &Path) -> Result<()> {
        self.files.fetch_add(1, Ordering::Relaxed);
        let to = safe_join(self.dir.path(), path)?;
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, &to)
            .map(drop)
            .map_err(|e| Error::io(from, e))
    }
}

/// Removes a folder and everything in it, on all cores: a large site leaves
/// as many files to unlink as it wrote. It works from directory handles, so a
/// symbolic link inside is removed, never followed, and a folder swapped for a
/// link while it runs cannot lead it elsewhere. The `remove_dir_all` crate
/// does the same but opens and stats every file first: four system calls a
/// file where one will do.
#[cfg(unix)]
fn remove_tree(path: &Path) -> std::io::Result<()> {
    remove_contents(open_dir(rustix::fs::CWD, path)?)?;
    std::fs::remove_dir(path)
}

#[cfg(unix)]
fn remove_contents(dir: std::os::fd::OwnedFd) -> std::io::Result<()> {
    use rayon::prelude::*;
    use rustix::fs::{AtFlags, Dir, FileType};
    let mut entries = Dir::new(dir)?;
    let mut folders = Vec::new();
    while let Some(entry) = entries.next() {
        let entry = entry?;
        let name = entry.file_name();
        if name == c"." || name == c".." {
            continue;
        }
        let file_type = match entry.file_type() {
            // Some file systems do not say in the listing.
            FileType::Unknown => FileType::from_raw_mode(
                rustix::fs::statat(entries.fd()?, name, AtFlags::SYMLINK_NOFOLLOW)?.st_mode,
            ),
            known => known,
        };
        if file_type == FileType::Directory {
            folders.push(name.to_owned());
        } else {
            rustix::fs::unlinkat(entries.fd()?, name, AtFlags::empty())?;
        }
    }
    let dir = entries.fd()?;
    // A task a folder, so that neither thread is left alone at the end
    // with a long run of them.
    folders.par_iter().with_max_len(1).try_for_each(|name| {
        remove_contents(open_dir(dir, name.as_c_str())?)?;
        rustix::fs::unlinkat(dir, name.as_c_str(), AtFlags::REMOVEDIR).map_err(Into::into)
    })
}

/// Opens a folder to read and remove from, refusing a symbolic link.
#[cfg(unix)]
fn open_dir(
    at: impl std::os::fd::AsFd,
    path: impl rustix::path::Arg,
) -> std::io::Result<std::os::fd::OwnedFd> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(rustix::fs::openat(at, path, flags, Mode::empty())?)
}

#[cfg(not(unix))]
fn remove_tree(path: &Path) -> std::io::Result<()> {
    remove_dir_all::remove_dir_all(path)
}

/// Joins a relative output path, refusing one that would climb out.
fn safe_join(base: &Path, path: &Path) -> Result<PathBuf> {
    if path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
    {
        Ok(base.join(path))
    } else {
        Err(Diagnostic::error(path, "refusing to write outside the output folder").into())
    }
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

    #[test]
    fn staging_swaps_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();

        let failed = Staging::new(&target).unwrap();
        failed.emit(Path::new("new.html"), b"new").unwrap();
        drop(failed);
        assert!(target.join("old.html").exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "staging left behind"
        );

        let ok = Staging::new(&target).unwrap();
        ok.emit(Path::new("a/new.html"), b"new").unwrap();
        assert!(ok.emit(Path::new("../escape.html"), b"x").is_err());
        ok.commit().unwrap();
        assert!(!target.join("old.html").exists());
        assert!(target.join("a/new.html").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn swapping_in_keeps_the_previous_output_aside() {
        let dir = tempfile::tempdir().unwrap();
        let (staged, target) = (dir.path().join(".staged"), dir.path().join("public"));
        std::fs::create_dir(&staged).unwrap();
        std::fs::write(staged.join("index.html"), "new").unwrap();
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("index.html"), "old").unwrap();

        let old = swap_in(&staged, &target).unwrap();

        let read = |folder: &Path| std::fs::read_to_string(folder.join("index.html")).unwrap();
        assert_eq!(read(&target), "new");
        assert_eq!(read(&old), "old");
        if cfg!(target_os = "linux") {
            assert_eq!(old, staged, "exchanged in one step");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);

        // A swap that fails leaves no staging folder behind.
        if cfg!(target_os = "linux") {
            let gone = dir.path().join("gone");
            assert!(swap_in(&old, &gone).is_err());
            assert!(!old.exists(), "the staging folder is removed");
        }
    }

    #[cfg(unix)]
    #[test]
    fn removing_the_old_output_never_follows_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(outside.join("sub")).unwrap();
        std::fs::write(outside.join("keep.txt"), "keep").unwrap();
        std::fs::write(outside.join("sub/keep.txt"), "keep").unwrap();
        let old = dir.path().join("old");
        for page in 0..40 {
            let folder = old.join(format!("section-{}/page-{page}", page % 3));
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("index.html"), "x").unwrap();
        }
        std::fs::create_dir_all(old.join("empty/deeper")).unwrap();
        std::os::unix::fs::symlink(&outside, old.join("link-to-folder")).unwrap();
        std::os::unix::fs::symlink(&outside, old.join("section-1/link")).unwrap();
        std::os::unix::fs::symlink(outside.join("keep.txt"), old.join("link-to-file")).unwrap();

        remove_tree(&old).unwrap();

        assert!(!old.exists());
        assert_eq!(
            std::fs::read_to_string(outside.join("keep.txt")).unwrap(),
            "keep"
        );
        assert!(outside.join("sub/keep.txt").exists());
        assert!(
            remove_tree(&dir.path().join("link-to-old")).is_err(),
            "a missing folder is an error"
        );
        std::os::unix::fs::symlink(&outside, dir.path().join("link")).unwrap();
        assert!(
            remove_tree(&dir.path().join("link")).is_err(),
            "a link is refused"
        );
        assert!(outside.join("keep.txt").exists());
    }
}
