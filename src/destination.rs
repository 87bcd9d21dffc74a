//! Where `export --output` and `backup` write, under one set of rules: never over the logbook or
//! its working files (-journal, -wal, -shm), by whatever path, symbolic link or hard link they
//! are named; an existing file only with `--force`; `-` (or /dev/stdout) is standard output; a
//! special file (a terminal, /dev/null, a FIFO) is written to as it is, never replaced; and a
//! regular file appears whole or not at all — written to an owner-only temporary file beside
//! it, then renamed into place.

use std::fs::{File, Metadata};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result, plain};

/// Where a command's output goes.
#[derive(Debug)]
pub enum Destination {
    /// Standard output (`-`).
    Stdout,
    /// A special file, written to as it is.
    Special(PathBuf),
    /// A regular file, new or to be replaced: the path with its symbolic links followed, so that
    /// a link is written through rather than replaced.
    File { path: PathBuf, replace: bool },
}

impl Destination {
    /// Chooses where `given` (named `shown` in messages) writes, refusing the logbook at
    /// `logbook` and its companion files, a folder, and an existing file unless `force`.
    pub fn choose(given: &Path, shown: &str, logbook: &Path, force: bool) -> Result<Destination> {
        if given.as_os_str() == "-" {
            if let Some(stdout) = stdout_metadata()
                && is_logbook_file(&stdout, logbook)
            {
                return Err(Error::input(
                    "standard output is the logbook itself: it would be overwritten",
                )
                .hint("send the output to another file"));
            }
            return Ok(Destination::Stdout);
        }
        refuse_logbook(given, shown, logbook)?;
        let found = std::fs::metadata(given);
        // Standard output by another name (/dev/stdout), even when it is a regular file.
        if let (Ok(file), Some(stdout)) = (&found, stdout_metadata())
            && file.dev() == stdout.dev()
            && file.ino() == stdout.ino()
        {
            return Ok(Destination::Stdout);
        }
        match found {
            Ok(m) if m.is_dir() => Err(Error::input(format!("{shown} is a directory"))
                .hint("give the name of a file, not of a folder")),
            Ok(m) if !m.is_file() => Ok(Destination::Special(given.to_path_buf())),
            Ok(_) if !force => Err(Error::input(format!("{shown} already exists"))
                .hint("use --force to replace it, or choose another name")),
            found => {
                if let Err(e) = &found
                    && e.kind() != std::io::ErrorKind::NotFound
                {
                    return Err(Error::failure(format!(
                        "cannot write {shown}: {}",
                        plain(e)
                    )));
                }
                let path = resolve(given).ok_or_else(|| {
                    Error::input(format!(
                        "cannot write {shown}: the directory {} does not exist",
                        folder(given).display()
                    ))
                })?;
                Ok(Destination::File {
                    path,
                    replace: found.is_ok(),
                })
            }
        }
    }

    /// Writes what `write` produces: straight to standard output or a special file, or to a
    /// regular file whole or not at all.
    pub fn write(
        &self,
        stdout: &mut dyn Write,
        shown: &str,
        write: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        match self {
            Destination::Stdout => write(stdout),
            Destination::Special(path) => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| Error::failure(format!("cannot write {shown}: {}", plain(&e))))?;
                let mut buffered = std::io::BufWriter::new(file);
                write(&mut buffered)?;
                buffered.flush()?;
                Ok(())
            }
            Destination::File { .. } => {
                let temp = self.temporary(shown)?;
                let mut buffered = std::io::BufWriter::new(temp);
                write(&mut buffered).map_err(|e| e.context(format_args!("writing {shown}")))?;
                let temp = buffered.into_inner().map_err(|e| {
                    Error::from(e.into_error()).context(format_args!("cannot write {shown}"))
                })?;
                self.finish(temp, stdout, shown)
            }
        }
    }

    /// An owner-only temporary file to write the output into, for `finish` to put in place:
    /// beside a regular file, so that it can be renamed over it; in the system's temporary
    /// folder for standard output or a special file.
    pub fn temporary(&self, shown: &str) -> Result<NamedTempFile> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".caselog-").suffix(".tmp");
        let made = match self {
            Destination::File { path, .. } => builder.tempfile_in(folder(path)),
            Destination::Stdout | Destination::Special(_) => builder.tempfile(),
        };
        made.map_err(|e| match e.kind() {
            std::io::ErrorKind::StorageFull => Error::disk_full(),
            _ => Error::failure(format!("cannot write {shown}: {}", plain(&e))),
        })
    }

    /// Puts a finished temporary file in place: synced and renamed over a regular file (which
    /// is replaced only if it was there to be replaced when the command started), or copied to
    /// standard output or a special file. The temporary file is gone afterwards either way.
    pub fn finish(&self, temp: NamedTempFile, stdout: &mut dyn Write, shown: &str) -> Result<()> {
        match self {
            Destination::File { path, replace } => {
                temp.as_file()
                    .sync_all()
                    .map_err(|e| Error::from(e).context(format_args!("cannot write {shown}")))?;
                let persisted = if *replace {
                    temp.persist(path).map(|_| ())
                } else {
                    temp.persist_noclobber(path).map(|_| ())
                };
                persisted.map_err(|e| match e.error.kind() {
                    std::io::ErrorKind::AlreadyExists => Error::input(format!(
                        "{shown} was created by something else meanwhile: it was left as it is"
                    ))
                    .hint("use --force to replace it, or choose another name"),
                    _ => Error::failure(format!("cannot write {shown}: {}", plain(&e.error))),
                })
            }
            Destination::Stdout | Destination::Special(_) => {
                let mut copy = temp.reopen()?;
                self.write(stdout, shown, |w| {
                    std::io::copy(&mut copy, w)?;
                    Ok(())
                })
            }
        }
    }
}

/// Refuses `target` (named `shown`) when it is the logbook at `logbook` or one of its companion
/// files (-journal, -wal, -shm), by path once symbolic links are followed — whether or not the file
/// exists yet — or as the same file under another name (a hard link).
fn refuse_logbook(target: &Path, shown: &str, logbook: &Path) -> Result<()> {
    let Ok(book) = logbook.canonicalize() else {
        return Ok(());
    };
    let same_path = resolve(target).is_some_and(|t| companions(&book).contains(&t));
    let same_file = std::fs::metadata(target).is_ok_and(|t| is_logbook_file(&t, &book));
    if same_path || same_file {
        return Err(Error::input(format!(
            "{shown} is the logbook itself or one of its working files: it would be overwritten"
        ))
        .hint("choose another file name; caselog never writes over the logbook"));
    }
    Ok(())
}

/// The logbook and its companion files: the rollback journal of a new logbook's first import,
/// and the write-ahead log and its index.
fn companions(book: &Path) -> [PathBuf; 4] {
    ["", "-journal", "-wal", "-shm"].map(|suffix| {
        let mut name = book.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    })
}

/// Whether a file, by its device and inode, is the logbook or one of its companion files.
fn is_logbook_file(file: &Metadata, logbook: &Path) -> bool {
    let Ok(book) = logbook.canonicalize() else {
        return false;
    };
    companions(&book)
        .iter()
        .any(|c| std::fs::metadata(c).is_ok_and(|m| m.dev() == file.dev() && m.ino() == file.ino()))
}

/// What standard output is, when it can be told.
fn stdout_metadata() -> Option<Metadata> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    File::from(fd).metadata().ok()
}

/// The folder a path is in (the current one for a bare file name).
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The path `path` names with every symbolic link followed, even when the file it ends at does
/// not exist yet (its folder must); none when that folder does not exist.
fn resolve(path: &Path) -> Option<PathBuf> {
    let mut path = path.to_path_buf();
    // As many links as the system itself follows.
    for _ in 0..40 {
        if let Ok(resolved) = path.canonicalize() {
            return Some(resolved);
        }
        match std::fs::read_link(&path) {
            // A link to a file that does not exist yet: follow it.
            Ok(to) => path = folder(&path).join(to),
            Err(_) => {
                let name = path.file_name()?;
                return Some(folder(&path).canonicalize().ok()?.join(name));
            }
        }
    }
    None
}
