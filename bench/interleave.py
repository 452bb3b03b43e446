#!/usr/bin/env python3
"""Round-robin timing of whole commands: run 1 of every command, then run 2 of every command,
and so on, so that load from other jobs on the machine hits all of them alike (hyperfine runs
one command's runs back to back). Per command: median, p10 and p90 of the wall time, and the
mean CPU time (user + sys of the command and its descendants that it waited for).

  bench/interleave.py [-r RUNS] [-w WARMUP] [-b NAME] [-n NAME=COMMAND]...
Each COMMAND is split like a shell word list (no shell runs it); stdout and stderr go to
/dev/null; a command that exits non-zero stops the run. Ratios are against the command NAME (-b), else the first.
"""
import argparse, os, resource, shlex, subprocess, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("-r", type=int, default=20)
ap.add_argument("-w", type=int, default=3)
ap.add_argument("-b", help="the command the ratios are against (default: the first)")
ap.add_argument("-n", action="append", required=True, metavar="NAME=COMMAND")
a = ap.parse_args()
cmds = [(n.split("=", 1)[0], shlex.split(n.split("=", 1)[1])) for n in a.n]
wall = {n: [] for n, _ in cmds}
cpu = {n: [] for n, _ in cmds}
for r in range(-a.w, a.r):
    for name, argv in cmds:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        rc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        t = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if rc != 0:
            sys.exit(f"interleave: {name} exited {rc}: {shlex.join(argv)}")
        if r >= 0:
            wall[name].append(t * 1e3)
            cpu[name].append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e3)

def q(xs, f):
    s = sorted(xs)
    return s[min(len(s) - 1, int(f * len(s)))]

bname = a.b or cmds[0][0]
base = q(wall[bname], 0.5)
print(f"| command | median | p10 | p90 | mean CPU (user+sys) | median / {bname} |")
print("|---|---|---|---|---|---|")
for name, _ in cmds:
    m = q(wall[name], 0.5)
    print(f"| {name} | {m:.1f} ms | {q(wall[name], 0.1):.1f} | {q(wall[name], 0.9):.1f} | "
          f"{sum(cpu[name]) / len(cpu[name]):.1f} ms | {m / base:.2f}x |")
print(f"({a.r} interleaved rounds after {a.w} warm-up rounds)")
