//! Broadside: a static site generator for sourced explainer microsites.
//!
//! The pipeline, one module a stage: [`config`] -> [`content`] -> [`story`]
//! -> [`markdown`] -> [`templates`] -> [`output`], tied together by [`site`].
//! The commands in [`cmd`] drive it.

pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod fs;
pub mod markdown;
pub mod output;
pub mod serve;
pub mod site;
pub mod story;
pub mod templates;

pub use diagnostic::{Diagnostic, Error, Result};

/// Deeply nested input (thousands of `>` in a row) makes the HTML minifier
/// recurse once per level; the work runs on threads with room for that.
const STACK_SIZE: usize = 512 * 1024 * 1024;

/// At most this many pages go to one parallel task. Rayon cuts a list into
/// as many pieces as threads and cuts further only when a thread steals, so
/// a thread that started late (on the feeds) could sit idle while the other
/// works through the last big piece alone; small pieces keep every core busy
/// to the end. Rendering takes its pages in batches of this size, each
/// batch one stage at a time (`Site::write_pages`).
const PAGES_PER_TASK: usize = 8;

/// `mi_option_purge_delay` in mimalloc v2's `mi_option_t` (mimalloc.h); the
/// test below checks that the number names it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has mimalloc keep the memory a build frees for the build's next pages.
/// By default it hands freed memory back to the system after 10 ms, and the
/// kernel zeroes it again when the next pages fault it back in: perf showed
/// that clearing as about 2% of a 10,000-page build, and `benches/ab.py`
/// the build 2.5–9% faster without it (README, Performance). Peak memory is
/// unchanged, as the memory is reused. `serve` keeps the default, so a
/// preview left running gives back what a rebuild used. The floor benchmark
/// (`benches/floor.rs`) calls it too, to run with Broadside's settings.
pub fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's documented options to a documented
    // value (-1: never purge); options may be set at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

/// Runs one command of the command line, on threads with a large stack.
pub fn run(cli: cli::Cli) -> Result<()> {
    // Fails only if a pool already exists (a test harness); that one is kept.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build_global();
    std::thread::Builder::new()
        .name("broadside".into())
        .stack_size(STACK_SIZE)
        .spawn(move || run_command(cli))
        .map_err(|e| Error::Usage(format!("cannot start a worker thread: {e}")))?
        .join()
        .unwrap_or_else(|_| {
            Err(Error::Usage(
                "internal error: the build thread panicked".into(),
            ))
        })
}

fn run_command(cli: cli::Cli) -> Result<()> {
    match cli.command {
        cli::Command::Build(args) => cmd::build::run(&args),
        cli::Command::Serve(args) => cmd::serve::run(&args),
        cli::Command::Check(args) => cmd::check::run(&args),
        cli::Command::Init(args) => cmd::init::run(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_we_set() {
        // SAFETY: reads and sets documented options.
        unsafe {
            // 10 ms is the purge delay's default (no MIMALLOC_PURGE_DELAY here).
            if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                assert_eq!(libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY), 10);
            }
        }
        keep_freed_memory();
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) },
            -1
        );
    }
}
