//! Helpers shared by the fuzz targets (included with `#[path]`, not a target).

#![allow(dead_code)]

use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};

use broadside::{Diagnostic, Error};

/// The stack Broadside gives its build threads (`STACK_SIZE` in src/lib.rs):
/// deeply nested HTML makes the minifier recurse once per level, so the
/// targets run the pipeline with the same room the real command has.
pub const STACK_SIZE: usize = 512 * 1024 * 1024;

type Job = Box<dyn FnOnce() + Send>;

/// Runs `job` on one long-lived worker thread with [`STACK_SIZE`] of stack and
/// waits for it. A panic there aborts the process (libfuzzer-sys installs a
/// panic hook that aborts), so libFuzzer still sees it as a crash.
pub fn on_big_stack(job: impl FnOnce() + Send + 'static) {
    static WORKER: OnceLock<Mutex<(mpsc::Sender<Job>, mpsc::Receiver<()>)>> = OnceLock::new();
    let worker = WORKER.get_or_init(|| {
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let (done_tx, done_rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("fuzz-worker".into())
            .stack_size(STACK_SIZE)
            .spawn(move || {
                for job in job_rx {
                    job();
                    done_tx.send(()).expect("the fuzzer waits for every job");
                }
            })
            .expect("cannot start the fuzz worker thread");
        Mutex::new((job_tx, done_rx))
    });
    let worker = worker.lock().unwrap_or_else(|e| e.into_inner());
    worker.0.send(Box::new(job)).expect("the worker is alive");
    worker.1.recv().expect("the worker finished the job");
}

/// Renders a diagnostic the way `check` and `build` print it, and checks the
/// few things that must always hold of one.
pub fn render_diagnostic(d: &Diagnostic) {
    let shown = d.to_string();
    let location = d.location();
    assert!(shown.starts_with(&location), "{shown:?} does not start with {location:?}");
    assert!(!d.message.is_empty(), "a diagnostic without a message: {shown:?}");
    if let Some(line) = d.line {
        assert!(line >= 1, "line numbers are 1-based: {shown:?}");
    }
    if let Some(column) = d.column {
        assert!(column >= 1, "column numbers are 1-based: {shown:?}");
    }
    if let (Some(_), Some(text)) = (d.line, &d.source_line) {
        assert!(!text.contains('\n'), "the source line holds a newline: {shown:?}");
    }
}

/// Renders an error as the command line would, and each of its diagnostics.
pub fn render_error(error: &Error) {
    let shown = error.to_string();
    assert!(!shown.is_empty());
    if let Error::Site(diagnostics) = error {
        assert!(!diagnostics.is_empty(), "a site error without diagnostics");
        assert!(diagnostics.iter().any(Diagnostic::is_error));
    }
    for d in error.diagnostics() {
        render_diagnostic(d);
    }
}

/// Renders diagnostics returned by the Markdown renderer.
pub fn render_diagnostics(diagnostics: &[Diagnostic]) {
    assert!(!diagnostics.is_empty(), "a failed render without diagnostics");
    for d in diagnostics {
        render_diagnostic(d);
    }
    let _ = broadside::diagnostic::render_diagnostics(diagnostics);
}
