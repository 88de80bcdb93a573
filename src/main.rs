use std::process::ExitCode;

use broadside::cli::Command;
use clap::Parser;

// A build allocates many short-lived strings on both cores at once; mimalloc
// keeps per-thread heaps where the system allocator contends and consolidates.
// Its v2 line (the `v2` feature in Cargo.toml), not v3: on the 10,000-page
// benchmark v2 was 2–5% faster and peaked 8–10 MB lower (README, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = broadside::cli::Cli::parse();
    if matches!(cli.command, Command::Build(_) | Command::Check(_)) {
        keep_freed_memory();
    }
    match broadside::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// `mi_option_purge_delay` in mimalloc v2's `mi_option_t` (mimalloc.h); the
/// test below checks that the number names it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has mimalloc keep the memory a build frees for the build's next pages.
/// By default it hands freed memory back to the system after 10 ms, and the
/// kernel zeroes it again when the next pages fault it back in: perf showed
/// that clearing as about 2% of a 10,000-page build, and `benches/ab.py`
/// the build 2.5–9% faster without it (README, Performance). Peak memory is
/// unchanged, as the memory is reused. `serve` keeps the default, so a
/// preview left running gives back what a rebuild used.
fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's documented options to a documented
    // value (-1: never purge); options may be set at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
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
