#!/usr/bin/env python3
"""benches/ab.py: two or more builds of the same corpus, runs interleaved.

Usage:
  benches/ab.py RUNS PAGES NAME=COMMAND [NAME=COMMAND ...]

For telling whether a change made Broadside faster on this noisy machine:
the commands run one after another in each round (A, B, ..., A, B, ...), so
a slow spell of the machine hits them all alike, and the medians and the
ratios to the LAST command are printed. In a command, SITE is replaced by
$WORK/site-PAGES and OUT by an output folder of its own. The corpus is the
one benches/run.sh generates (run that once first). One warm-up round is not
counted. Example, the working tree against a saved binary and the floor:

  cp target/release/broadside /tmp/before   # then change and rebuild
  benches/ab.py 8 10000 \\
    "before=/tmp/before build --root SITE --output OUT" \\
    "after=target/release/broadside build --root SITE --output OUT" \\
    "floor=target/release/examples/floor SITE OUT"

CPU is user + system time of the command and its children.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

if len(sys.argv) < 4 or not sys.argv[1].isdigit() or not sys.argv[2].isdigit():
    sys.exit(__doc__)
runs, pages = int(sys.argv[1]), sys.argv[2]
work = os.environ.get("WORK", "/dev/shm/broadside-bench")
site = f"{work}/site-{pages}"
if not os.path.isdir(site):
    sys.exit(f"ab.py: no corpus at {site}: run benches/run.sh {pages} first")
commands = []
for arg in sys.argv[3:]:
    name, _, command = arg.partition("=")
    if not command:
        sys.exit(f"ab.py: expected NAME=COMMAND, got {arg!r}")
    out = f"{work}/ab-out-{pages}-{name}"
    commands.append((name, command.replace("SITE", site).replace("OUT", out)))

# Each command starts from no output folder (nor the previous output Broadside
# keeps beside it): Broadside replaces only a folder one of its own builds
# wrote, and an older binary may have left this one.
for name, _ in commands:
    for folder in (f"ab-out-{pages}-{name}", f".ab-out-{pages}-{name}.previous"):
        shutil.rmtree(f"{work}/{folder}", ignore_errors=True)

wall = {name: [] for name, _ in commands}
cpu = {name: [] for name, _ in commands}
for i in range(runs + 1):
    for name, command in commands:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, shell=True, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if i > 0:
            wall[name].append(elapsed)
            cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)

median = statistics.median
for name, _ in commands:
    print(f"{name:>12}  wall median {median(wall[name]):.3f} s (min {min(wall[name]):.3f})"
          f"  CPU median {median(cpu[name]):.3f} s")
base = commands[-1][0]
for name, _ in commands[:-1]:
    print(f"{name:>12}  / {base}: wall {median(wall[name]) / median(wall[base]):.3f}"
          f"  CPU {median(cpu[name]) / median(cpu[base]):.3f}")
