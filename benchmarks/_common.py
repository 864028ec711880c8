"""Output and settings shared by the benchmark scripts.

Every script prints its environment first (date, machine, versions, git
revision, load average: these machines are shared and noisy, so a reader
must be able to judge a run) and its results as Markdown tables that paste
into docs/benchmarks.md as they are.
"""

import datetime
import os
import platform
import subprocess
from importlib.metadata import version


def add_common_arguments(parser, *, repeats=3):
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke check")
    parser.add_argument("--repeats", type=int, default=repeats,
                        help="timed fits per measurement (median)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="limit BLAS threads (threadpoolctl); default: library default")


def apply_blas_threads(args):
    if args.blas_threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.blas_threads)


def print_table(headers, rows):
    """Markdown table, so that the output can be pasted as is."""
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"

    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells[1:]:
        print(line(r))
    print(flush=True)


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _load_average():
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def _git_revision():
    """Commit of the checkout and whether the package sources differ from it."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def git(*cmd):
        return subprocess.run(["git", *cmd], cwd=root, capture_output=True, text=True,
                              check=True).stdout

    try:
        commit = git("rev-parse", "--short", "HEAD").strip()
        changed = sum(1 for line in git("status", "--porcelain", "--", "sksparse_struct")
                      .splitlines() if line.strip())
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    if changed:
        return f"{commit} with {changed} uncommitted change(s) under sksparse_struct/"
    return commit


def print_environment(args, packages, settings=""):
    """Date, machine, package versions, revision, load and the run's settings."""
    found = []
    for pkg in ["numpy", "scipy", "scikit-learn", *packages, "sksparse_struct"]:
        try:
            found.append(f"{pkg} {version(pkg)}")
        except Exception:  # noqa: BLE001 - a missing optional package is reported, not fatal
            found.append(f"{pkg} missing")
    print(f"date: {datetime.datetime.now().isoformat(timespec='seconds')}")
    print(f"machine: {_cpu_model()}, {os.cpu_count()} logical cores, "
          f"Python {platform.python_version()}")
    print("versions: " + ", ".join(found))
    print(f"sksparse_struct revision: {_git_revision()}")
    print(f"load average at start (other processes share the cores): {_load_average()}")
    print(f"BLAS threads: {args.blas_threads or 'library default'}; repeats: {args.repeats}; "
          f"seed: {args.seed}{'; ' + settings if settings else ''}\n", flush=True)
