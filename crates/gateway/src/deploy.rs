//! A node's half of `kitwork deploy`: two phases over the admin listener,
//! so that a fleet switches together or not at all. `stage` unpacks a
//! work folder (a tar archive) beside the node's own and compiles it —
//! nothing changes yet; `activate` makes it the work folder and serves it
//! (the reloader's lock held throughout, so no reload sees half a folder);
//! `abort` throws a staged folder away. One staging at a time per node:
//! a new `stage` replaces an earlier one that was never activated.
//! Migrations travel in the archive under `MIGRATIONS`: `migrate` applies
//! the staged ones to the node's database (`kitwork deploy` asks the
//! nodes in turn, after every node staged and before any switches), and
//! `activate` also makes them the node's migrations folder.

use super::reload::{Outcome, Reloader};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The largest archive a node accepts.
pub const MAX_ARCHIVE: usize = 256 << 20;

/// Where an archive carries the migrations, beside the work folder's files.
pub const MIGRATIONS: &str = ".kitwork-migrations";

/// A folder staged and compiled, waiting for `activate`.
struct Staged {
    id: String,
    dir: PathBuf,
    /// The migrations it came with, moved out of `dir`.
    migrations: Option<PathBuf>,
}

/// Applies a folder's pending migrations to the node's database: the
/// names applied, or what failed (after the names applied before it).
pub type Migrator = Box<dyn Fn(&Path) -> Result<Vec<String>, String> + Send + Sync>;

pub struct Deployer {
    reloader: Arc<Reloader>,
    staged: Mutex<Option<Staged>>,
    /// How this node applies migrations, and its migrations folder (none:
    /// a deploy that carries migrations is refused).
    migrator: Option<(Migrator, PathBuf)>,
}

impl Deployer {
    pub fn new(reloader: Arc<Reloader>, migrator: Option<(Migrator, PathBuf)>) -> Deployer {
        Deployer {
            reloader,
            staged: Mutex::new(None),
            migrator,
        }
    }

    /// Unpacks `archive` beside the work folder and compiles it: its id
    /// and how many routes it would serve, or the diagnostics.
    pub fn stage(&self, archive: &[u8]) -> Result<(String, usize), String> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = self.reloader.dir().with_file_name(format!(
            ".{}.staged-{id}",
            self.reloader
                .dir()
                .file_name()
                .map_or("work".into(), |n| n.to_string_lossy())
        ));
        let migrations = PathBuf::from(format!("{}.migrations", dir.display()));
        let unpacked = unpack(archive, &dir).and_then(|_| {
            // The migrations are not part of the work folder.
            let carried = dir.join(MIGRATIONS);
            if carried.is_dir() {
                if self.migrator.is_none() {
                    return Err("the deploy carries migrations, and this node has no database migrations folder (database.migrations is \"\")".into());
                }
                std::fs::rename(&carried, &migrations).map_err(|e| e.to_string())?;
            }
            self.reloader.compile(&dir)
        });
        let routes = match unpacked {
            Ok(routes) => routes,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                let _ = std::fs::remove_dir_all(&migrations);
                return Err(e);
            }
        };
        let mut staged = self.staged.lock().unwrap_or_else(|p| p.into_inner());
        let migrations = migrations.is_dir().then_some(migrations);
        if let Some(old) = staged.replace(Staged {
            id: id.clone(),
            dir,
            migrations,
        }) {
            old.remove();
        }
        Ok((id, routes))
    }

    /// This node's migrations folder, when it has one (what a joining node
    /// is sent with the work folder).
    pub fn migrations(&self) -> Option<&Path> {
        self.migrator
            .as_ref()
            .map(|(_, dir)| dir.as_path())
            .filter(|d| d.is_dir())
    }

    /// Applies the migrations staged as `id` to this node's database:
    /// the names applied (none when it carried none, or they were all
    /// applied before, by another node on the same database).
    pub fn migrate(&self, id: &str) -> Result<Vec<String>, String> {
        let staged = self.staged.lock().unwrap_or_else(|p| p.into_inner());
        let Some(s) = staged.as_ref().filter(|s| s.id == id) else {
            return Err(format!("nothing is staged as {id:?}"));
        };
        match (&s.migrations, &self.migrator) {
            (Some(dir), Some((migrate, _))) => migrate(dir),
            _ => Ok(Vec::new()),
        }
    }

    /// Serves the folder staged as `id`: the generation now served.
    pub fn activate(&self, id: &str) -> Result<Outcome, String> {
        let mut staged = self.staged.lock().unwrap_or_else(|p| p.into_inner());
        let Some(s) = staged.take_if(|s| s.id == id) else {
            return Err(format!("nothing is staged as {id:?}"));
        };
        let outcome = self.reloader.replace_folder(&s.dir);
        // What the node applies at its next start is what it serves now.
        if let (Outcome::Swapped(_) | Outcome::Unchanged(_), Some(from), Some((_, to))) =
            (&outcome, &s.migrations, &self.migrator)
        {
            if let Err(e) = mirror(from, to) {
                crate::log::warn(&format!(
                    "deploy: cannot write the migrations to {}: {e}",
                    to.display()
                ));
            }
        }
        s.remove();
        match outcome {
            Outcome::Failed(d) => Err(d),
            done => Ok(done),
        }
    }

    /// Throws away the folder staged as `id` (or whatever is staged, for
    /// an empty id): whether there was one.
    pub fn abort(&self, id: &str) -> bool {
        let mut staged = self.staged.lock().unwrap_or_else(|p| p.into_inner());
        match staged.take_if(|s| id.is_empty() || s.id == id) {
            Some(s) => {
                s.remove();
                true
            }
            None => false,
        }
    }
}

impl Staged {
    fn remove(self) {
        let _ = std::fs::remove_dir_all(self.dir);
        if let Some(m) = self.migrations {
            let _ = std::fs::remove_dir_all(m);
        }
    }
}

/// A work folder as a tar archive (links followed: the other end gets
/// files), what `kitwork deploy` sends and a joining node fetches.
pub fn pack(dir: &Path) -> std::io::Result<Vec<u8>> {
    pack_with(dir, None)
}

/// `pack`, with a migrations folder's `.sql` files under `MIGRATIONS`.
pub fn pack_with(dir: &Path, migrations: Option<&Path>) -> std::io::Result<Vec<u8>> {
    let mut b = tar::Builder::new(Vec::new());
    b.follow_symlinks(true);
    b.append_dir_all(".", dir)?;
    if let Some(m) = migrations {
        for entry in std::fs::read_dir(m)? {
            let path = entry?.path();
            if path.extension().is_some_and(|x| x == "sql") {
                let name = Path::new(MIGRATIONS).join(path.file_name().unwrap_or_default());
                b.append_path_with_name(&path, name)?;
            }
        }
    }
    b.into_inner()
}

/// An archive as text, for the admin listener's answers (which are
/// text): base64.
pub fn to_text(archive: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(archive)
}

pub fn from_text(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
}

/// Makes `work` hold what `archive` holds (a joining node, before it
/// loads anything): unpacked beside it, then mirrored into it; the
/// migrations it carries, into `migrations` (none: they are left out).
pub fn install(archive: &[u8], work: &Path, migrations: Option<&Path>) -> Result<(), String> {
    let dir = work.with_file_name(format!(
        ".{}.joining",
        work.file_name()
            .map_or("work".into(), |n| n.to_string_lossy())
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let done = unpack(archive, &dir).and_then(|_| {
        let carried = dir.join(MIGRATIONS);
        if carried.is_dir() {
            if let Some(m) = migrations {
                mirror(&carried, m).map_err(|e| format!("cannot write {}: {e}", m.display()))?;
            }
            let _ = std::fs::remove_dir_all(&carried);
        }
        mirror(&dir, work).map_err(|e| format!("cannot write {}: {e}", work.display()))
    });
    let _ = std::fs::remove_dir_all(&dir);
    done
}

/// Unpacks a tar archive into a new `dir`: regular files and folders
/// only, every path relative and inside it. An absolute path or a `..`
/// is refused here, not only by `tar`'s `unpack_in` (which would skip a
/// `..` entry and unpack `/a` as `a`).
fn unpack(archive: &[u8], dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    let mut a = tar::Archive::new(archive);
    let entries = a.entries().map_err(|e| format!("not a tar archive: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("a broken archive: {e}"))?;
        let kind = entry.header().entry_type();
        let path = entry
            .path()
            .map(|p| p.into_owned())
            .map_err(|e| format!("a broken name in the archive: {e}"))?;
        let shown = path.display().to_string();
        if !(kind.is_file() || kind.is_dir()) {
            return Err(format!("{shown}: only files and folders are deployed"));
        }
        let inside = path.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
        if !inside {
            return Err(format!("{shown}: outside the work folder"));
        }
        if !entry
            .unpack_in(dir)
            .map_err(|e| format!("cannot unpack {shown}: {e}"))?
        {
            return Err(format!("{shown}: outside the work folder"));
        }
    }
    Ok(())
}

/// Makes `to` hold exactly what `from` holds (files removed, replaced and
/// added), for the reloader under its lock.
pub(crate) fn mirror(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(to)? {
        let entry = entry?;
        let there = from.join(entry.file_name());
        let kind = entry.file_type()?;
        let keep = match kind.is_dir() {
            true => there.is_dir(),
            false => there.is_file(),
        };
        if !keep {
            match kind.is_dir() {
                true => std::fs::remove_dir_all(entry.path())?,
                false => std::fs::remove_file(entry.path())?,
            }
        }
    }
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        match entry.file_type()?.is_dir() {
            true => mirror(&entry.path(), &target)?,
            false => {
                let new = std::fs::read(entry.path())?;
                if std::fs::read(&target).ok().as_deref() != Some(&new[..]) {
                    std::fs::write(&target, new)?;
                }
            }
        }
    }
    Ok(())
}
