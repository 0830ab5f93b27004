"""Analysis speed: co-occurrence, matrices, fragments and search on a generated project.

Targets (DESIGN.md, issue 3) on 1,000 transcripts of 8,000 words with 100 codes, 200,000
segments and 500 places: every ``cooccur`` scope <= 1 s, each ``matrix`` <= 0.5 s, peak
memory <= 500 MB. ``find_fragments`` (a query returning about 10 fragments per document)
and ``search --lemma`` are timed too, without a target here.

The project comes from ``benchmarks/generate.py`` (imported transcripts, bulk coding) and is
cached between runs, keyed by its parameters, the generator version and the schema
revision. The timings run in a fresh child process, so that its peak memory is that of the
analysis alone (not of the spaCy import that generating needs).

What is timed: each call on an open session, best of ``--repeat`` runs (the first run is
reported apart: it reads the file from the OS cache into SQLite). CPU time is the process
time of the child; on a busy machine wall time grows with the load while CPU time hardly
does, so PASS/FAIL is judged on CPU time, which equals wall time on an idle machine (the
work is single-threaded). The load average is printed with the results.

Run by hand from the repository root:

    .venv/bin/python benchmarks/cooccurrence.py [--docs 100,1000] [--repeat 3] [--cache DIR]
        [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

COOCCUR_TARGET = 1.0
MATRIX_TARGET = 0.5
MEMORY_TARGET_MB = 500
SEARCH_WORD = "buurthuis"


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def _time(call: Callable[[], Any], repeat: int) -> dict[str, Any]:
    """Run ``call`` ``repeat`` times: the first run, and the best wall and CPU time."""
    runs = []
    result = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    size = len(result) if isinstance(result, list) else None
    return {
        "first": runs[0][0],
        "wall": min(r[0] for r in runs),
        "cpu": min(r[1] for r in runs),
        "size": size,
    }


def measure(path: Path, repeat: int) -> dict[str, Any]:
    """Time everything on one project (runs in the child process)."""
    import sqlalchemy as sa

    from workbench.analysis import cooccurrence
    from workbench.project.db import open_project
    from workbench.project.models import Coding, Document, Segment

    project = open_project(path)
    results: dict[str, Any] = {}
    with project.session() as session:
        docs = session.execute(sa.select(sa.func.count(Document.id))).scalar_one()  # type: ignore[arg-type]
        segments = session.execute(sa.select(sa.func.count(Segment.id))).scalar_one()  # type: ignore[arg-type]
        results["project"] = {"documents": docs, "segments": segments}
        checks: list[tuple[str, Callable[[], Any], float | None]] = []
        for scope in cooccurrence.SCOPES:
            checks.append(
                (
                    f"cooccur {scope}",
                    lambda scope=scope: cooccurrence.cooccur(session, scope=scope).pairs,
                    COOCCUR_TARGET,
                )
            )
        checks += [
            (
                "cooccur overlap --rollup",
                lambda: cooccurrence.cooccur(session, scope="overlap", rollup=True).pairs,
                COOCCUR_TARGET,
            ),
            (
                "cooccur sentence --rollup",
                lambda: cooccurrence.cooccur(session, scope="sentence", rollup=True).pairs,
                COOCCUR_TARGET,
            ),
            (
                "cooccur turn --coder bo",
                lambda: (
                    cooccurrence.cooccur(
                        session, scope="turn", filters=cooccurrence.Filters(coder="bo")
                    ).pairs
                ),
                COOCCUR_TARGET,
            ),
            (
                "matrix place",
                lambda: cooccurrence.matrix(session, cols="place").rows,
                MATRIX_TARGET,
            ),
            (
                "matrix attr:wijk",
                lambda: cooccurrence.matrix(session, cols="attr:wijk").rows,
                MATRIX_TARGET,
            ),
        ]
        # fragments: the code whose segment count is nearest to 10 per document
        counts = session.execute(
            sa.select(Coding.code_id, sa.func.count(sa.distinct(Coding.segment_id))).group_by(  # type: ignore[arg-type]
                Coding.code_id
            )
        ).all()
        try:
            from workbench.analysis.fragments import find_fragments
            from workbench.project.models import Code

            code_id = min(counts, key=lambda row: abs(row[1] - 10 * docs))[0]
            name = session.get(Code, code_id).name  # type: ignore[union-attr]
            checks.append((f"find_fragments {name!r}", lambda: find_fragments(session, name), None))
        except (ImportError, AttributeError) as exc:
            results["find_fragments"] = f"n/a ({exc})"
        try:
            from workbench.analysis.search import search

            checks.append(
                (
                    f"search {SEARCH_WORD!r} --lemma",
                    lambda: search(session, SEARCH_WORD, lemma=True),
                    None,
                )
            )
        except (ImportError, AttributeError) as exc:
            results["search"] = f"n/a ({exc})"
        timings = []
        for label, call, target in checks:
            try:
                timing = _time(call, repeat)
            except Exception as exc:  # a helper's function may not exist yet or fail
                timings.append({"name": label, "error": f"{type(exc).__name__}: {exc}"})
                continue
            timings.append({"name": label, "target": target, **timing, "rss": peak_rss_mb()})
        results["timings"] = timings
    project.dispose()
    results["peak_rss_mb"] = peak_rss_mb()
    results["load"] = os.getloadavg()
    return results


def run(docs: int, args: argparse.Namespace) -> dict[str, Any]:
    """Generate (or reuse) the project for ``docs`` and measure it in a child process."""
    from benchmarks.generate import cached_project

    started = time.perf_counter()
    path, generated = cached_project(
        docs=docs,
        words=args.words,
        segments=args.segments,
        places=args.places,
        folder=args.cache,
    )
    generation = time.perf_counter() - started if generated else None
    child = subprocess.run(
        [sys.executable, __file__, "--measure", str(path), "--repeat", str(args.repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(child.stdout)
    result["docs"] = docs
    result["path"] = str(path)
    result["generation_s"] = generation
    result["generation_steps"] = generated
    return result


def _verdict(row: dict[str, Any]) -> str:
    if "error" in row:
        return "ERROR"
    if row.get("target") is None:
        return "-"
    return "PASS" if row["cpu"] <= row["target"] else "FAIL"


def print_report(result: dict[str, Any]) -> None:
    """A table per project size."""
    project = result["project"]
    print(
        f"\n{result['docs']} documents, {project['segments']} segments "
        f"({Path(result['path']).name})"
    )
    if result["generation_s"] is not None:
        steps = ", ".join(f"{k} {v:.0f} s" for k, v in result["generation_steps"].items())
        print(f"generated in {result['generation_s']:.0f} s ({steps})")
    print(
        f"{'what':44} {'cpu s':>7} {'wall s':>7} {'first s':>8} {'n':>7} {'target':>7}  "
        "result  peak MB so far"
    )
    for row in result["timings"]:
        if "error" in row:
            print(f"{row['name']:44} {row['error']}")
            continue
        target = "" if row["target"] is None else f"{row['target']:.1f}"
        size = "" if row["size"] is None else str(row["size"])
        print(
            f"{row['name']:44} {row['cpu']:7.3f} {row['wall']:7.3f} {row['first']:8.3f} "
            f"{size:>7} {target:>7}  {_verdict(row):6}  {row['rss']:.0f}"
        )
    for key in ("find_fragments", "search"):
        if key in result:
            print(f"{key:44} {result[key]}")
    memory = result["peak_rss_mb"]
    verdict = "PASS" if memory <= MEMORY_TARGET_MB else "FAIL"
    blank = ""
    print(
        f"{'peak memory (MB)':44} {memory:7.0f} {blank:7} {blank:8} {blank:7} "
        f"{MEMORY_TARGET_MB:7}  {verdict}"
    )
    load = ", ".join(f"{x:.1f}" for x in result["load"])
    print(f"load average: {load} (n: pairs, rows or fragments returned)")


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default="100,1000", help="project sizes, comma-separated")
    parser.add_argument("--words", type=int, default=8000)
    parser.add_argument("--segments", type=int, default=200, help="segments per document")
    parser.add_argument("--places", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=None, help="where projects are kept")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.repeat)))
        return 0
    results = [run(int(n), args) for n in args.docs.split(",") if n.strip()]
    if args.json:
        print(json.dumps(results))
    else:
        for result in results:
            print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
