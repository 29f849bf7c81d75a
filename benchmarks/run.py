"""`make bench`: run every benchmarks/*.py that defines run(), write BENCHMARKS.md.

Each benchmark module exposes `run() -> str` returning a Markdown section (its own heading,
figures, targets and the anchor measured in the same run). BENCH_ONLY=name1,name2 limits the set.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
MARK = "\n<<<BENCHMARK SECTION>>>\n"
CHILD = (
    "import importlib.util, sys\n"
    "spec = importlib.util.spec_from_file_location('bench', sys.argv[1])\n"
    "mod = importlib.util.module_from_spec(spec); sys.modules['bench'] = mod; spec.loader.exec_module(mod)\n"
    "text = mod.run() if hasattr(mod, 'run') else ''\n"
    f"sys.stdout.write({MARK!r} + text)\n"
)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}; Python {platform.python_version()}; {platform.system()} {platform.release()}"


def main() -> int:
    only = {s for s in os.environ.get("BENCH_ONLY", "").split(",") if s}
    sections = []
    failed = 0
    # Every section names its own machine and date: a partial run keeps older sections that may
    # have been measured elsewhere, and the page header only describes the latest run.
    stamp = f"{machine().split(';')[0]}, {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d')}"
    for path in sorted(HERE.glob("*.py")):
        if path.name in {"run.py", "__init__.py"} or path.name.startswith("_"):
            continue
        if only and path.stem not in only:
            continue
        print(f"== {path.stem}", flush=True)
        t0 = time.perf_counter()
        # Each benchmark runs in a fresh process, so one's memory high-water mark cannot leak into
        # another's (Linux keeps ru_maxrss across fork and exec).
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            capture_output=True,
            text=True,
            cwd=HERE.parent,
        )
        if proc.returncode != 0:
            failed += 1
            text = f"## {path.stem}\n\nFAILED:\n\n```\n{proc.stderr[-4000:]}\n```\n"
        else:
            text = proc.stdout.split(MARK, 1)[-1]
        sections.append(
            text.rstrip() + f"\n\n_({path.stem}: {time.perf_counter() - t0:.0f} s wall; {stamp})_\n"
        )
    head = (
        "# Benchmarks\n\n"
        f"Latest run — machine: {machine()}  \nDate: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}  \n"
        "Written by `make bench` (benchmarks/run.py). Machines are noisy: ratios and medians are the figures to trust.\n\n"
    )
    out = HERE.parent / "BENCHMARKS.md"
    if only and out.exists():
        # Partial run: replace only the sections that ran, keep the rest.
        old = out.read_text()
        kept = []
        for block in old.split("\n## ")[1:]:
            name = block.split("\n", 1)[0]
            if not any(s.startswith(f"## {name}\n") for s in sections):
                kept.append("## " + block.rstrip() + "\n")
        sections = kept + sections
    out.write_text(head + "\n".join(sections))
    print(f"wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
