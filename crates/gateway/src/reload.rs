//! Hot reload. The reloader compiles the whole work folder into a new
//! generation and, only if every file compiled and every route registered,
//! publishes it on a watch channel every core listens to; each core swaps
//! at a request boundary (`core::Core::swap`). A failed load changes
//! nothing and reports every diagnostic. Triggers: file changes (notify,
//! debounced), `SIGHUP`, and the admin endpoint `POST /__kitwork/reload`.

use super::Generation;
use super::per_core::Generations;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Quiet time after the last file event before reloading: an editor
/// writing a file in several steps causes one reload.
pub const DEBOUNCE: Duration = Duration::from_millis(50);
/// A folder that never goes quiet is reloaded after this long anyway.
pub const MAX_WAIT: Duration = Duration::from_millis(500);

/// How long a served script may be missing or empty before a watched
/// reload believes it: editors save by truncating then writing, or by
/// deleting then recreating, and reloading in between dropped its routes
/// (948 × 404 for a truncate and a write 200 ms later, 1,959 for a
/// delete and a recreate).
pub const GRACE: Duration = Duration::from_secs(1);

pub struct Reloader {
    dir: PathBuf,
    /// The TLS certificates, reloaded with the scripts (not by a change to
    /// a script: their own files are watched by `TlsReloader::watch`).
    pub tls: Option<Arc<super::tls::TlsReloader>>,
    tx: tokio::sync::watch::Sender<Arc<Generation>>,
    /// The last generation number given out; the lock also keeps two
    /// reloads from interleaving.
    number: Mutex<u64>,
    pub ok: AtomicU64,
    pub failed: AtomicU64,
}

/// What a reload did.
pub enum Outcome {
    /// A new generation is being served.
    Swapped(Arc<Generation>),
    /// The files are what is already served.
    Unchanged(Arc<Generation>),
    /// Something failed to compile or register: the rendered diagnostics.
    /// The current generation keeps serving.
    Failed(String),
}

impl Reloader {
    /// A reloader serving `first` (loaded from `dir`); the receiver is
    /// what the cores watch.
    pub fn new(
        dir: &Path,
        first: Generation,
        tls: Option<Arc<super::tls::TlsReloader>>,
    ) -> (Arc<Reloader>, Generations) {
        let number = first.number;
        let (tx, rx) = tokio::sync::watch::channel(Arc::new(first));
        let r = Reloader {
            dir: dir.to_path_buf(),
            tls,
            tx,
            number: Mutex::new(number),
            ok: AtomicU64::new(0),
            failed: AtomicU64::new(0),
        };
        (Arc::new(r), rx)
    }

    /// The generation new requests start on.
    pub fn current(&self) -> Arc<Generation> {
        self.tx.borrow().clone()
    }

    /// The work folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Compiles `dir` as the work folder would be, serving nothing: the
    /// number of routes it would serve, or the diagnostics.
    pub fn compile(&self, dir: &Path) -> Result<usize, String> {
        super::load_with(dir, &self.settings()).map(|g| g.routes.len())
    }

    /// Makes the work folder hold what `from` holds and serves it, holding
    /// the reload lock throughout: no reload (a file event comes for each
    /// file written) sees half of the new folder.
    pub fn replace_folder(&self, from: &Path) -> Outcome {
        let mut number = self.number.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = super::deploy::mirror(from, &self.dir) {
            self.failed.fetch_add(1, Ordering::Relaxed);
            return Outcome::Failed(format!(
                "error: cannot write the new files into {}: {e}\n",
                self.dir.display()
            ));
        }
        self.reload_locked(&mut number)
    }

    fn settings(&self) -> super::Settings {
        let current = self.tx.borrow();
        super::Settings {
            env: current.env.clone(),
            upstreams: current.upstreams.clone(),
        }
    }

    /// Loads the folder again and, if it changed and loads cleanly,
    /// sends the new generation to every core.
    pub fn reload(&self) -> Outcome {
        let mut number = self.number.lock().unwrap_or_else(|p| p.into_inner());
        self.reload_locked(&mut number)
    }

    fn reload_locked(&self, number: &mut u64) -> Outcome {
        match super::load_with(&self.dir, &self.settings()) {
            Err(diagnostics) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                Outcome::Failed(diagnostics)
            }
            Ok(g) if g.hash == self.current().hash => Outcome::Unchanged(self.current()),
            Ok(mut g) => {
                *number += 1;
                g.number = *number;
                let g = Arc::new(g);
                self.tx.send_replace(g.clone());
                self.ok.fetch_add(1, Ordering::Relaxed);
                Outcome::Swapped(g)
            }
        }
    }

    /// Reloads (the TLS certificates too) and logs what happened.
    pub fn reload_and_log(&self, why: &str) -> Outcome {
        if let Some(tls) = &self.tls {
            tls.reload_and_log(why);
        }
        let outcome = self.reload();
        match &outcome {
            Outcome::Swapped(g) => crate::log::info(&format!(
                "reload ({why}): now serving generation {} ({} routes)",
                g.id(),
                g.routes.len()
            )),
            Outcome::Unchanged(g) => crate::log::info(&format!(
                "reload ({why}): nothing changed, still serving generation {}",
                g.id()
            )),
            Outcome::Failed(d) => crate::log::error(&format!(
                "reload ({why}) failed; still serving generation {}:\n{}",
                self.current().id(),
                d.trim_end()
            )),
        }
        outcome
    }

    /// Waits, up to `GRACE` after `since`, while a script the current
    /// generation serves is missing or empty.
    fn wait_for_served_files(&self, since: std::time::Instant) {
        let served: Vec<PathBuf> = self.current().files.clone();
        let unsettled = || {
            served
                .iter()
                .any(|p| std::fs::metadata(p).map_or(true, |m| m.len() == 0))
        };
        while unsettled() && since.elapsed() < GRACE {
            std::thread::sleep(DEBOUNCE);
        }
    }

    /// Watches the work folder, and the folders of every module the
    /// generation imports from outside it (`lib/`, `node_modules/…`), and
    /// reloads after each burst of changes to script, JSON or
    /// `package.json` files. The watcher lives as long as the returned
    /// handle.
    pub fn watch(self: &Arc<Self>) -> notify::Result<Watching> {
        use notify::Watcher;
        let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
        let mut watcher = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })?;
        watcher.watch(&self.dir, notify::RecursiveMode::Recursive)?;
        let watching = Watching(Arc::new(Mutex::new((watcher, Vec::new()))));
        watching.follow(&self.dir, &self.current());
        let handle = watching.clone();
        let me = self.clone();
        std::thread::Builder::new()
            .name("kitwork-reload".into())
            .spawn(move || {
                use std::time::Instant;
                while let Ok(first) = rx.recv() {
                    if !is_script_event(&first) {
                        continue;
                    }
                    let started = Instant::now();
                    if !quiet_after(&rx, started, is_script_event) {
                        return;
                    }
                    me.wait_for_served_files(started);
                    if let Outcome::Swapped(g) = me.reload_and_log("files changed") {
                        handle.follow(&me.dir, &g);
                    }
                }
            })
            .map_err(|e| notify::Error::generic(&e.to_string()))?;
        Ok(watching)
    }
}

/// Debounces a watcher's events: after a relevant one came at `started`,
/// waits until none has come for `DEBOUNCE`, but never longer than
/// `MAX_WAIT` in all (an editor writing a file in several steps, a
/// certificate written just after its key: one reload). `false` when the
/// watcher is gone.
pub(crate) fn quiet_after(
    rx: &std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    started: std::time::Instant,
    relevant: impl Fn(&notify::Result<notify::Event>) -> bool,
) -> bool {
    use std::sync::mpsc::RecvTimeoutError;
    let mut last = started;
    loop {
        let wait = DEBOUNCE.saturating_sub(last.elapsed());
        if wait.is_zero() || started.elapsed() > MAX_WAIT {
            return true;
        }
        match rx.recv_timeout(wait) {
            Ok(e) if relevant(&e) => last = std::time::Instant::now(),
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

/// The file watcher and the folders outside the work folder it watches.
#[derive(Clone)]
pub struct Watching(Arc<Mutex<(notify::RecommendedWatcher, Vec<PathBuf>)>>);

impl Watching {
    /// Adds the folder of every module of `g` outside `dir` (not
    /// recursively: only the files the graph reads matter).
    fn follow(&self, dir: &Path, g: &Generation) {
        use notify::Watcher;
        let Ok(mut w) = self.0.lock() else { return };
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        for f in &g.files {
            let Some(parent) = f.parent() else { continue };
            if parent.starts_with(&dir) || w.1.iter().any(|p| p == parent) {
                continue;
            }
            if w.0
                .watch(parent, notify::RecursiveMode::NonRecursive)
                .is_ok()
            {
                w.1.push(parent.to_path_buf());
            }
        }
    }
}

/// Whether an event touches a script or JSON file (editors' swap and
/// backup files do not count) or a folder.
fn is_script_event(e: &notify::Result<notify::Event>) -> bool {
    use notify::EventKind;
    let Ok(e) = e else { return true };
    if matches!(e.kind, EventKind::Access(_)) {
        return false;
    }
    e.paths.iter().any(|p| {
        p.extension()
            .is_some_and(|x| x == "js" || x == "mjs" || x == "cjs" || x == "json")
            || p.is_dir()
    })
}
