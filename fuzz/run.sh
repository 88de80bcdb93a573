#!/usr/bin/env bash
# Runs the fuzz targets one after another, each for SECONDS (default 600),
# with the repository's pages and story data as seeds and a dictionary.
#
#   fuzz/run.sh                         # all three targets, 10 minutes each
#   fuzz/run.sh 60 markdown             # one target, one minute
#   SANITIZER=none fuzz/run.sh 600      # without AddressSanitizer: several times faster
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). On a stable toolchain
# RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass the nightly-only flags it needs.
# A crash is written to fuzz/artifacts/<target>/ and stops that target's run.
set -uo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$fuzz")"
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(front_matter story markdown)
sanitizer="${SANITIZER:-address}"
target_dir=()
[ "$sanitizer" = address ] || target_dir=(--target-dir "$fuzz/target/$sanitizer")

"$fuzz/seed.sh" > /dev/null
cd "$repo"
status=0
for target in "${targets[@]}"; do
    dict=toml
    [ "$target" = markdown ] && dict=markdown
    echo "== $target: ${seconds}s, sanitizer $sanitizer"
    RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run -s "$sanitizer" "${target_dir[@]}" "$target" -- \
        -dict="$fuzz/dicts/$dict.dict" -max_total_time="$seconds" -print_final_stats=1 \
        2>&1 | grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::|==[0-9]+==|thread|SUMMARY|Test unit|artifact_prefix|.*panicked)'
    [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "== $target: FAILED, see fuzz/artifacts/$target/"; status=1; }
done
exit $status
