#!/usr/bin/env bash
# benches/run.sh: Broadside's build beside Hugo's and beside the floor (issue 7).
#
# Usage:
#   benches/run.sh [PAGES ...]         page counts, default: 1000 10000
#   benches/run.sh --summary benches/out/STAMP   print a finished run's summary again
#
# For each page count it generates a site with ../shared/bench/gen_corpus.py
# (20 sections, TOML front matter) into $WORK, puts benches/site/ (Broadside's
# site.toml and bench theme) and ../shared/bench/hugo/ (hugo.toml, layouts) beside
# its content/, checks that both build it and write the same pages, then times
# with hyperfine:
#
#   broadside  target/release/broadside build --root SITE --output OUT
#   hugo       hugo --minify --quiet --source SITE --destination OUT
#   floor      target/release/examples/floor SITE OUT
#              (pulldown-cmark + minify-html + file write only: benches/floor.rs)
#   fresh      broadside again, its output folder and the previous output kept
#              beside it removed before each run (not timed), as on a fresh
#              clone: what reusing the previous output saves Broadside
#
# in ROUNDS rounds whose command order alternates, each with a warm-up run and
# RUNS timed runs of every command, and prints the median of all timed runs,
# Broadside/Hugo, Broadside/floor, peak memory (/usr/bin/time -v, maximum
# resident set size), the scaling between page counts, one on-disk comparison
# beside the tmpfs ones, and the warm build time of the repository's own
# microsite. Every tool rebuilds into its existing output folder, as a user
# would (Broadside writes over the output before last, kept hidden beside the
# output, and swaps it in; Hugo and the floor overwrite files in place).
#
# Environment (defaults in brackets):
#   ROUNDS [5]      hyperfine rounds; RUNS [2] timed runs of each command a round
#   WORK [/dev/shm/broadside-bench]   corpora and outputs: a RAM-backed tmpfs;
#                   corpora are kept there between runs (rm -rf it to regenerate)
#   DISK [1]        also time Broadside and Hugo writing to disk, DISK_RUNS [3]
#                   runs, in a temporary folder under DISK_DIR [/var/tmp]
#   WAIT_QUIET [0]  before each round, wait up to this many seconds for the
#                   other processes to leave the cores idle (busy cores make
#                   every wall time noisy)
#   BUILD [1]       cargo build --release the binary and the floor first
#                   (0: use target/release as it is)
#   PROFILE [0]     1: perf record Broadside on the largest corpus; the report
#                   goes to benches/out/
#   SHARED [../shared/bench beside the repository]   gen_corpus.py and hugo/
#
# Needs python3 and cargo. Installs hugo, hyperfine and time (Debian packages)
# with apt-get if they are missing. Writes nothing in the repository but
# benches/out/ (gitignored): one folder per run with the hyperfine JSON, the
# tool versions and summary.txt.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SHARED:-$(cd "$repo/.." && pwd)/shared/bench}
work=${WORK:-/dev/shm/broadside-bench}
rounds=${ROUNDS:-5}
runs=${RUNS:-2}
disk=${DISK:-1}
disk_runs=${DISK_RUNS:-3}
disk_dir=${DISK_DIR:-/var/tmp}
build=${BUILD:-1}
wait_quiet=${WAIT_QUIET:-0}
profile=${PROFILE:-0}
summary_only=""
if [ "${1:-}" = "--summary" ]; then
  summary_only=${2:?usage: run.sh --summary benches/out/STAMP}
  shift 2
fi
if [ "$#" -gt 0 ]; then pages=("$@"); else pages=(1000 10000); fi
for n in "${pages[@]}"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "run.sh: page counts are numbers, got $n" >&2; exit 2; }
done

# summarize RESULTS PAGES...: medians, ratios, memory, scaling and the targets.
summarize() {
python3 - "$@" <<'PY'
import glob, json, os, statistics, sys

results, pages = sys.argv[1], [int(p) for p in sys.argv[2:]]

def times(pattern):
    out = {}
    for path in sorted(glob.glob(os.path.join(results, pattern))):
        for r in json.load(open(path))["results"]:
            out.setdefault(r["command"], []).extend(r["times"])
    return out

def cpu(pattern):
    """Mean user+sys seconds a run, over every round."""
    total, count = {}, {}
    for path in sorted(glob.glob(os.path.join(results, pattern))):
        for r in json.load(open(path))["results"]:
            k, runs = r["command"], len(r["times"])
            total[k] = total.get(k, 0) + (r["user"] + r["system"]) * runs
            count[k] = count.get(k, 0) + runs
    return {k: total[k] / count[k] for k in total}

def peaks(n):
    path = os.path.join(results, f"peak-{n}.txt")
    if not os.path.exists(path):
        return {}
    return {k: int(v) / 1024 for k, v in (l.split() for l in open(path) if l.strip())}

med = {}
print("tmpfs (/dev/shm), medians of all timed runs, seconds; peak RSS in MB")
print(f"{'pages':>6} {'broadside':>10} {'hugo':>8} {'floor':>8} {'bs/hugo':>8} {'bs/floor':>9} {'runs':>5}   peak MB: bs / hugo / floor")
for n in pages:
    t = times(f"tmpfs-{n}-round-*.json")
    m = {k: statistics.median(v) for k, v in t.items()}
    med[n] = m
    p = peaks(n)
    print(f"{n:>6} {m['broadside']:>10.3f} {m['hugo']:>8.3f} {m['floor']:>8.3f} "
          f"{m['broadside'] / m['hugo']:>8.3f} {m['broadside'] / m['floor']:>9.2f} {len(t['broadside']):>5}   "
          f"{p.get('broadside', 0):.0f} / {p.get('hugo', 0):.0f} / {p.get('floor', 0):.0f}")
    c = cpu(f"tmpfs-{n}-round-*.json")
    for k, v in sorted(t.items()):
        print(f"{'':>6}   {k}: min {min(v):.3f}  max {max(v):.3f}  mean {statistics.mean(v):.3f}"
              f"  CPU (user+sys) {c[k]:.3f}")
    print(f"{'':>6}   CPU ratios: bs/hugo {c['broadside'] / c['hugo']:.3f}  bs/floor {c['broadside'] / c['floor']:.2f}")
    if 'fresh' in m:
        print(f"{'':>6}   into a new folder (nothing to reuse): fresh/floor {m['fresh'] / m['floor']:.2f}"
              f"  CPU {c['fresh'] / c['floor']:.2f}; writing over the previous output saves"
              f" {m['fresh'] - m['broadside']:.3f} s wall, {c['fresh'] - c['broadside']:.3f} s CPU")

disk = [(n, times(f"disk-{n}.json")) for n in pages if os.path.exists(os.path.join(results, f"disk-{n}.json"))]
if disk:
    print("\non disk, medians, seconds")
    for n, t in disk:
        m = {k: statistics.median(v) for k, v in t.items()}
        print(f"{n:>6} broadside {m['broadside']:.3f}  hugo {m['hugo']:.3f}  floor {m['floor']:.3f}  "
              f"bs/hugo {m['broadside'] / m['hugo']:.3f}  bs/floor {m['broadside'] / m['floor']:.2f}")

if len(pages) > 1:
    print("\nscaling (median time ratio for the page ratio)")
    for a, b in zip(pages, pages[1:]):
        print("  " + ", ".join(f"{k} {med[b][k] / med[a][k]:.2f}x" for k in ("broadside", "hugo", "floor"))
              + f"  for {b / a:g}x pages")

micro = os.path.join(results, "microsite.json")
micro_ms = None
if os.path.exists(micro):
    r = json.load(open(micro))["results"][0]
    micro_ms = statistics.median(r["times"]) * 1000
    print(f"\nmicrosite (repo root) warm build: median {micro_ms:.1f} ms (min {min(r['times']) * 1000:.1f} ms)")

print("\ntargets (largest corpus)")
big = max(pages)
m, p = med[big], peaks(big)
def verdict(ok): return "ok  " if ok else "MISS"
print(f"  {verdict(m['broadside'] <= m['hugo'] / 4)} Broadside <= 1/4 of Hugo: {m['broadside'] / m['hugo']:.3f}")
print(f"  {verdict(m['broadside'] <= 1.5 * m['floor'])} Broadside <= 1.5x floor: {m['broadside'] / m['floor']:.2f}x")
if p:
    print(f"  {verdict(p['broadside'] < 150)} peak memory < 150 MB: {p['broadside']:.0f} MB")
if micro_ms is not None:
    print(f"  {verdict(micro_ms < 100)} microsite < 100 ms warm: {micro_ms:.1f} ms")
else:
    print("  MISS microsite < 100 ms warm: it did not build (the run's output says why)")
if 1000 in med and 10000 in med:
    s = med[10000]["broadside"] / med[1000]["broadside"]
    print(f"  {verdict(s <= 11)} 10,000 pages <= 11x 1,000 pages: {s:.2f}x")
print(f"\nraw results: {results}")
PY
}

if [ -n "$summary_only" ]; then
  if [ "$#" -eq 0 ]; then
    mapfile -t pages < <(ls "$summary_only" | sed -n 's/^tmpfs-\([0-9]*\)-round-1.json$/\1/p' | sort -n)
  fi
  summarize "$summary_only" "${pages[@]}"
  exit 0
fi

results="$repo/benches/out/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results" "$work/bin"
say() { printf '\n== %s\n' "$*"; }

# The share of CPU time the whole machine spent busy over the next 2 seconds, in %.
busy_percent() {
  local a b
  a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
  local total=0 idle i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  idle=$((b[4] - a[4] + b[5] - a[5]))
  echo $((total > 0 ? 100 * (total - idle) / total : 0))
}

# Waits up to $wait_quiet seconds for the machine to be idle (< 10 % busy).
wait_for_quiet() {
  [ "$wait_quiet" -gt 0 ] || return 0
  local waited=0 busy
  while busy=$(busy_percent); [ "$busy" -ge 10 ] && [ "$waited" -lt "$wait_quiet" ]; do
    waited=$((waited + 2))
  done
  echo "machine ${busy}% busy before this round (waited ${waited}s)"
}

# --- tools -------------------------------------------------------------------
apt_updated=0
need() { # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2 (for $1)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ "$apt_updated" -eq 0 ]; then $sudo apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
}
need python3 python3
need hugo hugo
need hyperfine hyperfine
need /usr/bin/time time
[ "$profile" = 1 ] && need perf linux-perf
[ -f "$shared/gen_corpus.py" ] || { echo "run.sh: no $shared/gen_corpus.py (set SHARED)" >&2; exit 1; }

if [ "$build" = 1 ]; then
  say "cargo build --release; cargo build --release --example floor"
  # Two commands: an example brings in the dev-dependencies, whose features
  # would otherwise change the binary users get from `cargo build --release`.
  (cd "$repo" && cargo build --release)
  cp "$repo/target/release/broadside" "$work/bin/broadside"
  (cd "$repo" && cargo build --release --example floor)
else
  cp "$repo/target/release/broadside" "$work/bin/broadside"
fi
# Copies, so a rebuild in the repository during the run changes nothing.
cp "$repo/target/release/examples/floor" "$work/bin/floor"
bs="$work/bin/broadside"
floor="$work/bin/floor"

{
  echo "date: $(date -Iseconds)"
  if commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null); then
    git -C "$repo" diff --quiet HEAD -- src Cargo.toml Cargo.lock || commit+=" + uncommitted changes"
  else
    commit="none (not a git checkout)"
  fi
  echo "commit: $commit"
  echo "machine: $(nproc) cores, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "broadside: $("$bs" --version)"
  echo "hugo: $(hugo version)"
  echo "hyperfine: $(hyperfine --version)"
  echo "rustc: $(rustc --version 2>/dev/null || echo '?')"
  echo "work: $work ($(df -h --output=fstype "$work" | tail -1 | tr -d ' '))"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results/env.txt"
if awk -v c="$(nproc)" '{exit !($1 > 0.5 * c)}' /proc/loadavg; then
  echo "warning: the machine is busy (load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores):" \
    "wall times will be high and noisy; the rounds alternate so ratios stay fair," \
    "and the summary also gives CPU time (user+sys), which busy cores disturb less." >&2
fi

# --- corpora -----------------------------------------------------------------
prepare_site() { # prepare_site N -> $work/site-N ready for both tools
  local n=$1 site="$work/site-$1"
  if [ ! -f "$site/.generated" ]; then
    rm -rf "$site"
    python3 "$shared/gen_corpus.py" "$site" --pages "$n" >/dev/null
    touch "$site/.generated"
  fi
  rm -rf "$site/themes" "$site/layouts"
  cp "$repo/benches/site/site.toml" "$site/site.toml"
  cp -r "$repo/benches/site/themes" "$site/themes"
  cp "$shared/hugo/hugo.toml" "$site/hugo.toml"
  cp -r "$shared/hugo/layouts" "$site/layouts"
}

check_builds() { # check_builds N: one build of each, and the same pages out
  local n=$1 site="$work/site-$1" out="$work/out-$1" log="$work/broadside-$1.log"
  # Fresh outputs: Broadside replaces only a folder a build of its own wrote.
  rm -rf "$out"
  mkdir -p "$out"
  "$bs" build --root "$site" --output "$out/broadside" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  hugo --minify --quiet --source "$site" --destination "$out/hugo"
  "$floor" "$site" "$out/floor" >/dev/null
  local b h f
  b=$(find "$out/broadside" -name index.html | wc -l)
  h=$(find "$out/hugo" -name index.html | wc -l)
  f=$(find "$out/floor" -name index.html | wc -l)
  echo "pages written: broadside $b, hugo $h, floor $f"
  [ "$b" -eq "$h" ] && [ "$b" -eq "$f" ] || echo "warning: the tools wrote different page counts" >&2
}

peak_kb() { # peak_kb CMD...: the larger max RSS of two runs, in KB
  local best=0 kb
  for _ in 1 2; do
    kb=$(/usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}')
    [ "$kb" -gt "$best" ] && best=$kb
  done
  echo "$best"
}

for n in "${pages[@]}"; do
  site="$work/site-$n"
  out="$work/out-$n"
  say "$n pages: $site"
  prepare_site "$n"
  check_builds "$n"
  du -sh "$site/content" "$out"/* | sed 's/^/  /'

  names=(broadside hugo floor fresh)
  cmds=("$bs build --root $site --output $out/broadside"
        "hugo --minify --quiet --source $site --destination $out/hugo"
        "$floor $site $out/floor"
        "$bs build --root $site --output $out/fresh")
  prepares=(true true true "rm -rf $out/fresh $out/.fresh.previous")
  for r in $(seq 1 "$rounds"); do
    say "$n pages, round $r/$rounds"
    wait_for_quiet
    args=()
    order=(0 1 2 3)
    [ $((r % 2)) -eq 0 ] && order=(3 2 1 0)
    for i in "${order[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
    for i in "${order[@]}"; do args+=(--prepare "${prepares[$i]}"); done
    hyperfine -N --style basic --warmup 1 --runs "$runs" \
      --export-json "$results/tmpfs-$n-round-$r.json" "${args[@]}"
  done

  say "$n pages: peak memory"
  {
    echo "broadside $(peak_kb $bs build --root "$site" --output "$out/broadside")"
    echo "hugo $(peak_kb hugo --minify --quiet --source "$site" --destination "$out/hugo")"
    echo "floor $(peak_kb "$floor" "$site" "$out/floor")"
  } | tee "$results/peak-$n.txt"

  if [ "$disk" = 1 ]; then
    say "$n pages: on disk"
    ddir=$(mktemp -d "$disk_dir/broadside-bench.XXXXXX")
    echo "outputs in $ddir ($(df -h --output=fstype "$ddir" | tail -1 | tr -d ' '))"
    hyperfine -N --style basic --warmup 1 --runs "$disk_runs" \
      --export-json "$results/disk-$n.json" \
      -n broadside "$bs build --root $site --output $ddir/broadside" \
      -n hugo "hugo --minify --quiet --source $site --destination $ddir/hugo" \
      -n floor "$floor $site $ddir/floor"
    rm -rf "$ddir"
  fi
done

say "microsite: $bs build --root $repo (output in $work/microsite)"
# A folder of this script's own: an older binary's output there (one without
# the output mark) would make the build refuse it.
rm -rf "$work/microsite"
if "$bs" build --root "$repo" --output "$work/microsite" >/dev/null 2>"$work/microsite.log"; then
  hyperfine -N --style basic --warmup 3 --runs 30 --export-json "$results/microsite.json" \
    -n microsite "$bs build --root $repo --output $work/microsite"
else
  echo "the microsite does not build right now:" >&2
  head -20 "$work/microsite.log" >&2
fi

if [ "$profile" = 1 ]; then
  n=${pages[-1]}
  say "perf record: broadside on $n pages"
  perf record -o "$work/perf.data" -F 999 --call-graph dwarf,32768 -- \
    "$bs" build --root "$work/site-$n" --output "$work/out-$n/broadside" >/dev/null 2>"$work/perf.log"
  perf report -i "$work/perf.data" --no-children --sort dso,symbol --stdio -g none \
    >"$work/perf-self.txt" 2>/dev/null
  perf report -i "$work/perf.data" --children --sort symbol --stdio -g none \
    >"$work/perf-children.txt" 2>/dev/null
  sed -n '1,150p' "$work/perf-self.txt" > "$results/perf-self-$n.txt"
  sed -n '1,150p' "$work/perf-children.txt" > "$results/perf-children-$n.txt"
  echo "reports: $results/perf-self-$n.txt, $results/perf-children-$n.txt"
fi

say "summary"
summarize "$results" "${pages[@]}" | tee "$results/summary.txt"
