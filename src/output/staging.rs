//! The folder a build writes into, swapped in for the output folder only
//! when the whole build succeeded.
//!
//! After a swap the previous output is kept, hidden, beside the new one
//! (`.public.previous`), and the next build writes into it, over the files
//! it holds, rather than into a new folder: deleting the old output and
//! creating every folder and file anew was 14% of a 10,000-page rebuild
//! (`benches/HISTORY.md`). What the reused folder holds that the build does
//! not write again is removed before the swap, so the output is the same as
//! a build into a new folder's. Only files written by `emit` (pages, feeds,
//! minified stylesheets: small) are written over; copies, which may be
//! large downloads still being read from the output before last, are
//! always new files.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustc_hash::FxHashSet;

use super::{OUTPUT_MARK, Sink};
use crate::diagnostic::{Diagnostic, Error, Result};
use crate::fs;

/// A build's output being written: a hidden folder beside the real one,
/// swapped in by [`Staging::commit`]. Dropped without commit, it is removed and
/// the previous output stays exactly as it was.
pub struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    files: AtomicUsize,
    /// When the folder is a previous output taken up again: what it holds
    /// that this build has not written (yet).
    leftovers: Option<Mutex<Leftovers>>,
    /// The permissions a new file gets, which a file written over must
    /// have too, to be the same as a new one.
    new_file_mode: u32,
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
        let leftovers = take_previous(&previous_beside(target), dir.path())
            .map_err(|e| Error::io(dir.path(), e))?;
        let mut staging = Staging {
            dir,
            target: target.to_path_buf(),
            files: AtomicUsize::new(0),
            leftovers: leftovers.map(Mutex::new),
            new_file_mode: 0,
        };
        // Always a new file, to learn what permissions new files get.
        let mark = staging.dir.path().join(OUTPUT_MARK);
        let io = |e| Error::io(&mark, e);
        if staging.make_way(Path::new(OUTPUT_MARK)).map_err(io)? {
            std::fs::remove_file(&mark).map_err(io)?;
        }
        fs::write(
            &mark,
            b"Written by `broadside build`, which replaces this whole folder each time.\n",
        )?;
        staging.new_file_mode = mode_of(&mark).map_err(io)?;
        Ok(staging)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file_count(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Replaces the output folder with the staged one, and keeps the old one
    /// for the next build to write into: until the swap, the previous site
    /// is whole.
    pub fn commit(self) -> Result<()> {
        if let Some(leftovers) = &self.leftovers {
            let leftovers = leftovers.lock().expect("no panic holding the lock");
            leftovers
                .remove_from(self.dir.path())
                .map_err(|e| Error::io(self.dir.path(), e))?;
        }
        let staged = self.dir.keep();
        if !self.target.exists() {
            return fs::rename(&staged, &self.target);
        }
        let old = swap_in(&staged, &self.target)?;
        let previous = previous_beside(&self.target);
        if !can_reuse(&self.target) || std::fs::rename(&old, &previous).is_err() {
            // Something else has the name, or reusing the folder is not safe here.
            return remove_tree(&old).map_err(|e| Error::io(&old, e));
        }
        // An output kept in git (`docs/` for GitHub Pages) must not bring
        // its copy along: git ignores a folder whose files all ignore
        // themselves. The next build removes it with the other leftovers.
        // Without it the site is still right, so a failure is not reported.
        let _ = std::fs::write(previous.join(".gitignore"), GITIGNORE_ALL);
        Ok(())
    }

    /// In a reused folder: notes that `path` is written again, removes what
    /// of the old output stands in its way, and says whether an old file is
    /// at `path`.
    fn make_way(&self, path: &Path) -> std::io::Result<bool> {
        match &self.leftovers {
            Some(leftovers) => leftovers
                .lock()
                .expect("no panic holding the lock")
                .make_way(self.dir.path(), path),
            None => Ok(false),
        }
    }
}

impl Sink for Staging {
    fn emit(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.files.fetch_add(1, Ordering::Relaxed);
        let to = safe_join(self.dir.path(), path)?;
        let io = |e| Error::io(&to, e);
        if self.make_way(path).map_err(io)? {
            if overwrite(&to, bytes, self.new_file_mode).map_err(io)? {
                return Ok(());
            }
            std::fs::remove_file(&to).map_err(io)?;
        }
        fs::write(&to, bytes)
    }

    fn copy(&self, from: &Path, path: &Path) -> Result<()> {
        self.files.fetch_add(1, Ordering::Relaxed);
        let to = safe_join(self.dir.path(), path)?;
        let io = |e| Error::io(&to, e);
        // A copy is a new file, with the permissions of the original.
        if self.make_way(path).map_err(io)? {
            std::fs::remove_file(&to).map_err(io)?;
        }
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, &to)
            .map(drop)
            .map_err(|e| Error::io(from, e))
    }
}

/// What a reused folder holds that the build has not written, by path
/// relative to the folder.
#[derive(Debug, Default)]
struct Leftovers {
    files: FxHashSet<PathBuf>,
    folders: FxHashSet<PathBuf>,
}

impl Leftovers {
    /// Notes that the file `path` is written, under `dir`: it stays, and so
    /// do the folders that lead to it. An old file where one of those
    /// folders goes, or an old folder where the file goes, is removed (a
    /// page `a.md` become `a/_index.md`, say). True if an old file is at
    /// `path`. Only what the list holds is removed, never what this build
    /// wrote, and each thing by one thread.
    fn make_way(&mut self, dir: &Path, path: &Path) -> std::io::Result<bool> {
        for folder in path.ancestors().skip(1) {
            if folder.as_os_str().is_empty() {
                break;
            }
            self.folders.remove(folder);
            if self.files.remove(folder) {
                std::fs::remove_file(dir.join(folder))?;
            }
        }
        if self.folders.remove(path) {
            remove_tree(&dir.join(path))?;
        }
        Ok(self.files.remove(path))
    }

    /// Removes what was not written from `dir`. A folder goes with all it
    /// holds, so the files inside it may be gone already.
    fn remove_from(&self, dir: &Path) -> std::io::Result<()> {
        use std::io::ErrorKind::{NotADirectory, NotFound};
        let mut folders: Vec<&PathBuf> = self.folders.iter().collect();
        folders.sort_unstable_by_key(|f| f.components().count());
        for folder in folders {
            match remove_tree(&dir.join(folder)) {
                Err(e) if !matches!(e.kind(), NotFound | NotADirectory) => return Err(e),
                _ => {}
            }
        }
        for file in &self.files {
            match std::fs::remove_file(dir.join(file)) {
                Err(e) if !matches!(e.kind(), NotFound | NotADirectory) => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

const GITIGNORE_ALL: &str =
    "# Broadside's previous output, kept to write the next build into: not part of the site.\n*\n";

/// `.public.previous`: the previous output, kept beside the output `target`.
fn previous_beside(target: &Path) -> PathBuf {
    target.with_file_name(hidden_beside(target, "previous"))
}

/// Moves the previous output kept beside the output folder, if a build left
/// one there, into `into` (an empty folder), and lists what it holds.
#[cfg(unix)]
fn take_previous(previous: &Path, into: &Path) -> std::io::Result<Option<Leftovers>> {
    let is_ours = std::fs::symlink_metadata(previous).is_ok_and(|m| m.is_dir())
        && previous.join(OUTPUT_MARK).is_file()
        && can_reuse(previous);
    // `into` is new: it has the permissions every new folder gets.
    let folder_mode = mode_of(into)?;
    // A rename onto an empty folder: of two builds at once, one gets it.
    if !is_ours || std::fs::rename(previous, into).is_err() {
        return Ok(None);
    }
    let (mut files, mut folders) = (Vec::new(), Vec::new());
    let listed = open_dir(rustix::fs::CWD, into)
        .and_then(|dir| list_tree(dir, Path::new(""), folder_mode, &mut files, &mut folders));
    if listed.is_err() {
        // Something in it cannot be read (a folder without permissions):
        // put it back, and start from a new folder after all.
        if std::fs::rename(into, previous).is_err() {
            remove_tree(into)?;
        }
        std::fs::create_dir(into)?;
        std::fs::set_permissions(
            into,
            std::os::unix::fs::PermissionsExt::from_mode(folder_mode),
        )?;
        return Ok(None);
    }
    Ok(Some(Leftovers {
        files: files.into_iter().collect(),
        folders: folders.into_iter().collect(),
    }))
}

#[cfg(not(unix))]
fn take_previous(_previous: &Path, _into: &Path) -> std::io::Result<Option<Leftovers>> {
    Ok(None)
}

/// Whether the output folder `dir` (which has its `.broadside` file) may
/// be written over by the next build. Not where the file system ignores
/// case or Unicode normalization (macOS, Windows, Linux folders with
/// `casefold`): there a page renamed from `About.md` to `about.md` would
/// write over its old file by the old name, and removing the old name
/// would then remove the page.
fn can_reuse(dir: &Path) -> bool {
    cfg!(target_os = "linux")
        && dir
            .join(OUTPUT_MARK.to_uppercase())
            .symlink_metadata()
            .is_err()
}

/// Writes `bytes` over the old file at `path` in place, if it is a file this
/// folder alone holds (not hard-linked from elsewhere, which writing over it
/// would change too) with the permissions `mode` of a new file. False if it
/// is not. In place, a file costs less than a new one, whose folder entry,
/// and whose old version's, cost more than the writing.
#[cfg(unix)]
fn overwrite(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<bool> {
    use std::io::Write;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let Ok(mut file) = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
    else {
        // Read-only, or changed since it was listed: made anew.
        return Ok(false);
    };
    let metadata = file.metadata()?;
    if !metadata.is_file() || metadata.nlink() != 1 || metadata.mode() & 0o7777 != mode {
        return Ok(false);
    }
    file.write_all(bytes)?;
    if metadata.len() > bytes.len() as u64 {
        file.set_len(bytes.len() as u64)?;
    }
    Ok(true)
}

#[cfg(not(unix))]
fn overwrite(_path: &Path, _bytes: &[u8], _mode: u32) -> std::io::Result<bool> {
    Ok(false)
}

/// The permission bits of the file at `path`.
#[cfg(unix)]
fn mode_of(path: &Path) -> std::io::Result<u32> {
    use std::os::unix::fs::MetadataExt;
    Ok(std::fs::metadata(path)?.mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode_of(_path: &Path) -> std::io::Result<u32> {
    Ok(0)
}

/// The name of a hidden folder beside the output `target` for one step of
/// replacing it: `.public.staging-…`, `.public.old-…`.
fn hidden_beside(target: &Path, step: &str) -> OsString {
    let mut name = OsString::from(".");
    name.push(target.file_name().unwrap_or(OsStr::new("output")));
    name.push(".");
    name.push(step);
    name
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
    use rustix::fs::AtFlags;
    let mut entries = rustix::fs::Dir::new(dir)?;
    let folders = read_folder(&mut entries, |dir, name, _| {
        Ok(rustix::fs::unlinkat(dir, name, AtFlags::empty())?)
    })?;
    let dir = entries.fd()?;
    // A task a folder, so that neither thread is left alone at the end
    // with a long run of them.
    folders.par_iter().with_max_len(1).try_for_each(|name| {
        remove_contents(open_dir(dir, name.as_c_str())?)?;
        rustix::fs::unlinkat(dir, name.as_c_str(), AtFlags::REMOVEDIR).map_err(Into::into)
    })
}

/// Lists the files and folders in `dir`, which is `at` below the folder
/// being listed, on all cores, giving each folder `folder_mode`, a new
/// folder's permissions. Anything else (a link) is removed: a build writes
/// none, and writing through one could lead out of the folder.
#[cfg(unix)]
fn list_tree(
    dir: std::os::fd::OwnedFd,
    at: &Path,
    folder_mode: u32,
    files: &mut Vec<PathBuf>,
    folders: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    use rustix::fs::{AtFlags, FileType, Mode};
    use std::os::unix::ffi::OsStrExt;
    // A folder kept must have the permissions a new one would get.
    if rustix::fs::fstat(&dir)?.st_mode & 0o7777 != folder_mode {
        rustix::fs::fchmod(&dir, Mode::from_raw_mode(folder_mode))?;
    }
    let name_at = |name: &std::ffi::CStr| at.join(std::ffi::OsStr::from_bytes(name.to_bytes()));
    let mut entries = rustix::fs::Dir::new(dir)?;
    let subfolders = read_folder(&mut entries, |dir, name, file_type| {
        if file_type == FileType::RegularFile {
            files.push(name_at(name));
            Ok(())
        } else {
            Ok(rustix::fs::unlinkat(dir, name, AtFlags::empty())?)
        }
    })?;
    let dir = entries.fd()?;
    let below = subfolders
        .par_iter()
        .with_max_len(1)
        .map(|name| {
            let at = name_at(name);
            let (mut files, mut folders) = (Vec::new(), Vec::new());
            let folder = open_dir(dir, name.as_c_str())?;
            list_tree(folder, &at, folder_mode, &mut files, &mut folders)?;
            folders.push(at);
            Ok((files, folders))
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    for (below_files, below_folders) in below {
        files.extend(below_files);
        folders.extend(below_folders);
    }
    Ok(())
}

/// Reads a folder's entries but `.` and `..`: returns the names of its
/// subfolders, and gives each other entry to `other` with its type.
#[cfg(unix)]
fn read_folder(
    entries: &mut rustix::fs::Dir,
    mut other: impl FnMut(
        std::os::fd::BorrowedFd<'_>,
        &std::ffi::CStr,
        rustix::fs::FileType,
    ) -> std::io::Result<()>,
) -> std::io::Result<Vec<std::ffi::CString>> {
    use rustix::fs::{AtFlags, FileType};
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
            other(entries.fd()?, name, file_type)?;
        }
    }
    Ok(folders)
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let kept: &[&str] = if cfg!(target_os = "linux") {
            &[".public.previous", "public"]
        } else {
            &["public"]
        };
        assert_eq!(
            names(dir.path()),
            kept,
            "the old output kept for the next build, and nothing else"
        );
    }

    /// The files under `dir` with their text, and its folders (ending in `/`).
    fn tree(dir: &Path) -> std::collections::BTreeMap<String, String> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                let name = e.path().strip_prefix(dir).unwrap().to_string_lossy();
                if e.file_type().is_dir() {
                    (format!("{name}/"), String::new())
                } else {
                    (name.into(), std::fs::read_to_string(e.path()).unwrap())
                }
            })
            .collect()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Builds `files` into `target` through a staging folder.
    fn build(target: &Path, files: &[(&str, &str)]) {
        let staging = Staging::new(target).unwrap();
        for (path, text) in files {
            staging.emit(Path::new(path), text.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_build_writes_over_the_output_before_last_and_leaves_what_a_new_folder_would() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let inode = |path: &Path| std::fs::metadata(path).unwrap().ino();
        build(
            &target,
            &[
                ("index.html", "first, and longer"),
                ("a/index.html", "a"),
                ("b", "b is a file"),
                ("gone/deeper/index.html", "gone"),
                ("kept/x.html", "x"),
                ("kept/y.html", "y"),
                ("d/index.html", "d"),
                ("d/sub/index.html", "d/sub"),
            ],
        );
        let first_index = inode(&target.join("index.html"));
        build(&target, &[("index.html", "second")]);
        let previous = dir.path().join(".public.previous");
        assert_eq!(tree(&previous)["gone/deeper/index.html"], "gone");
        // Kept, a file or folder would keep permissions a new one does not get.
        let chmod = |path: &str, mode: u32| {
            let permissions = std::os::unix::fs::PermissionsExt::from_mode(mode);
            std::fs::set_permissions(previous.join(path), permissions).unwrap();
        };
        chmod("kept/x.html", 0o600);
        chmod("kept", 0o1777);
        chmod("", 0o700);

        let third = [
            ("index.html", "third"),
            ("a", "a is a file now"),
            ("b/index.html", "b is a folder now"),
            ("b/other.html", "and holds two files"),
            ("d", "d and its subfolder are a file now"),
            ("kept/x.html", "x again"),
            ("new/index.html", "new"),
        ];
        build(&target, &third);
        let mark = tree(&target)[OUTPUT_MARK].clone();
        let mut expected: std::collections::BTreeMap<String, String> = third
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string()))
            .collect();
        for folder in ["b/", "kept/", "new/"] {
            expected.insert(folder.into(), String::new());
        }
        expected.insert(OUTPUT_MARK.into(), mark);
        assert_eq!(tree(&target), expected);
        assert_eq!(
            inode(&target.join("index.html")),
            first_index,
            "the first build's file written over"
        );
        let mode = |path: &str| mode_of(&target.join(path)).unwrap();
        assert_eq!(mode("kept/x.html"), mode(OUTPUT_MARK));
        assert_eq!((mode("kept"), mode("")), (mode("new"), mode("new")));
        assert_eq!(tree(&previous)["index.html"], "second");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn writing_over_the_output_before_last_changes_nothing_outside_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        build(
            &target,
            &[("index.html", "1"), ("page/index.html", "page 1")],
        );
        build(
            &target,
            &[("index.html", "2"), ("page/index.html", "page 2")],
        );
        // A copy made with hard links (`cp -al`) of what is now the previous output.
        let previous = dir.path().join(".public.previous");
        std::fs::hard_link(
            previous.join("page/index.html"),
            outside.join("snapshot.html"),
        )
        .unwrap();
        std::os::unix::fs::symlink(&outside, previous.join("linked")).unwrap();
        std::os::unix::fs::symlink(outside.join("snapshot.html"), previous.join("file.html"))
            .unwrap();
        std::fs::hard_link(
            previous.join("index.html"),
            outside.join("copy-snapshot.html"),
        )
        .unwrap();
        let source = dir.path().join("static.html");
        std::fs::write(&source, "copied").unwrap();

        let third = Staging::new(&target).unwrap();
        for (path, text) in [
            ("page/index.html", "page 3"),
            ("linked/snapshot.html", "in a folder of its own"),
            ("file.html", "a file of its own"),
        ] {
            third.emit(Path::new(path), text.as_bytes()).unwrap();
        }
        third.copy(&source, Path::new("index.html")).unwrap();
        third.commit().unwrap();
        assert_eq!(tree(&outside)["snapshot.html"], "page 1");
        assert_eq!(tree(&outside)["copy-snapshot.html"], "1");
        assert_eq!(names(&outside), ["copy-snapshot.html", "snapshot.html"]);
        assert_eq!(tree(&target)["index.html"], "copied");
        assert_eq!(
            tree(&target)["linked/snapshot.html"],
            "in a folder of its own"
        );
        assert!(!target.join("linked").is_symlink() && !target.join("file.html").is_symlink());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn writes_at_once_under_an_old_file_each_find_their_way() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let old: Vec<(String, &str)> = (0..4).map(|i| (format!("f{i}"), "a file")).collect();
        let old: Vec<(&str, &str)> = old.iter().map(|(p, t)| (p.as_str(), *t)).collect();
        build(&target, &old);
        build(&target, &[("index.html", "second")]);

        let staging = Staging::new(&target).unwrap();
        std::thread::scope(|threads| {
            for page in 0..16 {
                let staging = &staging;
                threads.spawn(move || {
                    let path = format!("f{}/page-{page}.html", page % 4);
                    staging.emit(Path::new(&path), b"page").unwrap();
                });
            }
        });
        staging.commit().unwrap();
        let files = tree(&target).into_keys().filter(|p| p.ends_with(".html"));
        assert_eq!(files.count(), 16);
    }

    #[test]
    fn a_previous_folder_that_no_build_wrote_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let previous = dir.path().join(".public.previous");
        std::fs::create_dir(&previous).unwrap();
        std::fs::write(previous.join("notes.txt"), "mine").unwrap();
        for round in ["1", "2", "3"] {
            build(&target, &[("index.html", round)]);
        }
        assert_eq!(tree(&target)["index.html"], "3");
        assert_eq!(names(&previous), ["notes.txt"]);
        assert_eq!(tree(&previous)["notes.txt"], "mine");
        assert_eq!(names(dir.path()), [".public.previous", "public"]);
    }

    #[test]
    fn a_failed_build_over_the_previous_output_leaves_the_output_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        build(&target, &[("index.html", "1")]);
        build(&target, &[("index.html", "2")]);
        let before = tree(&target);
        let failed = Staging::new(&target).unwrap();
        failed.emit(Path::new("index.html"), b"3").unwrap();
        drop(failed);
        assert_eq!(tree(&target), before);
        assert_eq!(
            names(dir.path()),
            ["public"],
            "the staging folder is removed"
        );
        build(&target, &[("index.html", "4")]);
        assert_eq!(tree(&target)["index.html"], "4");
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
