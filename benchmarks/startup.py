"""Start-up time of the ``workbench`` command.

Target (DESIGN.md, "Performance budgets"): ``workbench --help`` and every command that needs
neither spaCy nor Textual start in at most 0.3 s.

**What is timed:** the wall-clock time of one fresh ``workbench ...`` process, from spawning
it to its exit (interpreter start, imports, opening the project, the query, printing), the
median of ``--runs`` processes per command. The commands take turns, one round after another,
so that load from other jobs falls on all of them alike; a first round (not counted) warms
the file cache and writes the bytecode, as an installed package has it (into a cache folder
of its own, whatever ``PYTHONDONTWRITEBYTECODE`` says). The CPU time of the child (user +
system) is printed beside the wall time, because on a busy machine the two differ a lot.

The commands run on the demo project (seven transcripts, the shipped codebook, places, two
coders' codings; built in a temporary folder with ``workbench demo --build-only``, not timed):
``--help``, ``--version``, the read commands ``docs``, ``codes``, ``places``, ``cases``,
``history``, ``check`` and ``fragments`` (Markdown to standard output), ``docs --json``, and two
writes, ``memo`` and ``code`` (each run adds a row). Reference rows (no target) time bare
interpreters importing only the layers under the workbench, so that the floor is visible:
``python -c pass``, click, SQLAlchemy, its ORM, SQLModel, ``workbench.project.models`` and
``workbench.project.db``.

Run by hand from the repository root:

    .venv/bin/python benchmarks/startup.py [--runs 9] [--project FILE] [--no-reference] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 0.3
DEFAULT_RUNS = 9

#: Bare interpreters importing the layers under the workbench (no target: the floor).
REFERENCE: list[tuple[str, str]] = [
    ("python -c pass", "pass"),
    ("import click", "import click"),
    ("import sqlalchemy", "import sqlalchemy"),
    ("import sqlalchemy.orm", "import sqlalchemy.orm"),
    ("import sqlmodel", "import sqlmodel"),
    ("import workbench.project.models", "import workbench.project.models"),
    ("import workbench.project.db", "import workbench.project.db"),
]


def workbench_command() -> list[str]:
    """The installed ``workbench`` script next to this interpreter, else ``python -m``."""
    script = Path(sys.executable).with_name("workbench")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "workbench"]  # pragma: no cover - not an installed venv


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process; fails loudly on a non-zero exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}: {message[-1:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(
    lines: list[tuple[str, list[str]]], runs: int, env: dict[str, str]
) -> list[dict[str, Any]]:
    """Per command line: median, minimum and maximum wall time and the median CPU time.

    The commands take turns (one round runs each once), so that a burst of load from other
    jobs spreads over all of them instead of spoiling one. A first round warms the file cache
    and writes the bytecode; it is not counted.
    """
    for _, argv in lines:
        run_once(argv, env)
    walls: list[list[float]] = [[] for _ in lines]
    cpus: list[list[float]] = [[] for _ in lines]
    for _ in range(runs):
        for index, (_, argv) in enumerate(lines):
            wall, cpu = run_once(argv, env)
            walls[index].append(wall)
            cpus[index].append(cpu)
    return [
        {
            "command": label,
            "median": statistics.median(wall),
            "min": min(wall),
            "max": max(wall),
            "cpu": statistics.median(cpu),
        }
        for (label, _), wall, cpu in zip(lines, walls, cpus, strict=True)
    ]


def instructions(argv: list[str], env: dict[str, str]) -> int | None:
    """Instructions executed by one run of ``argv`` under Valgrind's callgrind (None when
    Valgrind is missing). Unlike the time, the count hardly depends on the load."""
    if shutil.which("valgrind") is None:
        return None
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        capture_output=True,
        text=True,
        env=dict(env, PYTHONHASHSEED="0"),
        check=False,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{' '.join(argv)}: failed under valgrind: {done.stderr[-300:]}")
    return int(found.group(1))


def build_project(folder: Path, env: dict[str, str]) -> Path:
    """The demo project in ``folder`` (spaCy runs here, outside every timing)."""
    path = folder / "study.db"
    subprocess.run(
        [*workbench_command(), "demo", "--path", str(path), "--build-only"],
        check=True,
        capture_output=True,
        env=env,
    )
    return path


def first_of(argv: list[str], key: str, env: dict[str, str]) -> str:
    """``key`` of the first row of a ``--json`` listing."""
    out = subprocess.run(argv, check=True, capture_output=True, env=env).stdout
    return str(json.loads(out)[0][key])


def commands(project: Path, env: dict[str, str]) -> list[tuple[str, list[str]]]:
    """The timed command lines (label, arguments after ``workbench``)."""
    wb = workbench_command()
    p = str(project)
    document = first_of([*wb, "docs", p, "--json"], "name", env)
    code = first_of([*wb, "codes", p, "--json"], "name", env)
    return [
        ("--help", ["--help"]),
        ("--version", ["--version"]),
        ("docs", ["docs", p]),
        ("codes", ["codes", p]),
        ("places", ["places", p]),
        ("cases", ["cases", p]),
        ("history", ["history", p]),
        ("check", ["check", p]),
        ("fragments (md)", ["fragments", p]),
        ("docs --json", ["docs", p, "--json"]),
        ("memo (write)", ["memo", p, "project", "startup benchmark"]),
        ("code (write)", ["code", p, document, "0", "20", code]),
    ]


def _millions(row: dict[str, Any]) -> str:
    count = row.get("instructions")
    return (
        f"{count / 1e6:11,.0f}" if count else ("  (no valgrind)" if "instructions" in row else "")
    )


def main() -> None:
    """Parse the options, build the project, time the commands and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="processes per command")
    parser.add_argument(
        "--project", type=Path, default=None, help="time on a copy of this project instead"
    )
    parser.add_argument("--no-reference", action="store_true", help="skip the floor rows")
    parser.add_argument(
        "--only", default=None, metavar="LABELS", help="only these commands (comma-separated)"
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions under valgrind (one run each; slow, load-independent)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    results: list[dict[str, Any]] = []
    reference: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="wb-startup-") as tmp:
        folder = Path(tmp)
        # As installed: bytecode is written and reused (in a cache folder of our own, so that
        # PYTHONDONTWRITEBYTECODE in the caller's shell does not make every run compile).
        env = dict(os.environ, WORKBENCH_CODER="benchmark", PYTHONPYCACHEPREFIX=str(folder / "pyc"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        wb = workbench_command()
        if args.project is not None:
            if not args.project.exists():
                raise SystemExit(f"{args.project}: no such project")
            project = folder / "study.db"
            shutil.copyfile(args.project, project)
        else:
            project = build_project(folder, env)
        wanted = None if args.only is None else {x.strip() for x in args.only.split(",")}
        lines = [
            (label, [*wb, *argv])
            for label, argv in commands(project, env)
            if wanted is None or label in wanted
        ]
        if not lines:
            raise SystemExit(f"--only {args.only}: no such command label")
        results = [{**row, "target": TARGET_SECONDS} for row in measure(lines, args.runs, env)]
        floor = [(label, [sys.executable, "-c", code]) for label, code in REFERENCE]
        if not args.no_reference:
            reference = measure(floor, args.runs, env)
        if args.instructions:
            for rows, argvs in ((results, lines), (reference, floor)):
                for row, (_, argv) in zip(rows, argvs, strict=False):
                    row["instructions"] = instructions(argv, env)

    report = {
        "runs": args.runs,
        "target_seconds": TARGET_SECONDS,
        "python": platform.python_version(),
        "load_average": list(os.getloadavg()),
        "commands": results,
        "reference": reference,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"workbench start-up, median of {args.runs} fresh processes (wall s; CPU s of the child)")
    extra = "  instr (M)" if args.instructions else ""
    print(f"{'command':<24} {'median':>7} {'min':>6} {'max':>6} {'cpu':>6}  target  verdict{extra}")
    for row in results:
        verdict = "PASS" if row["median"] <= TARGET_SECONDS else "FAIL"
        print(
            f"{row['command']:<24} {row['median']:7.3f} {row['min']:6.3f} {row['max']:6.3f}"
            f" {row['cpu']:6.3f}  {TARGET_SECONDS:6.2f}  {verdict:<7}{_millions(row)}"
        )
    if reference:
        print("\nfloor (bare interpreter importing only this; no target)")
        for row in reference:
            print(
                f"{row['command']:<24} {row['median']:7.3f} {row['min']:6.3f} {row['max']:6.3f}"
                f" {row['cpu']:6.3f}  {'':6}  {'':7}{_millions(row)}"
            )
    load = ", ".join(f"{x:.2f}" for x in report["load_average"])
    print(f"\nload average {load}; python {report['python']}")


if __name__ == "__main__":
    main()
