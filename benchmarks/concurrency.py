"""Team coding under load: codings per second with 1, 2 and 6 writers at once, and the latency
one coder feels per coding, on SQLite (a file) and on PostgreSQL (a server URL).

Each writer is its own process that codes passages one transaction each through
``workbench.services.coding.code_span`` (what the CLI and the TUI call), on spans of its own
(pairs of writers share spans, as two coders coding the same passage do). Not a test: run by
hand, e.g.

    .venv/bin/python benchmarks/concurrency.py --codings 200
    .venv/bin/python benchmarks/concurrency.py --codings 200 --database postgresql+psycopg://...

With ``--database`` the URL's database must be empty (it is filled and left behind).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

WRITER = """
import json, sys, time
from workbench.services import coding
from workbench.services.project import open_project
target, coder, spans = json.loads(sys.argv[1])
project = open_project(target)
took = []
first = time.time()
try:
    for start, end, code in spans:
        began = time.perf_counter()
        coding.code_span(project, "talk", start, end, [code], coder=coder)
        took.append(time.perf_counter() - began)
finally:
    project.dispose()
print(json.dumps({"took": took, "first": first, "last": time.time()}))
"""

LINE = "The library is where we meet on Mondays, and the park when it is warm."


def build(target: str, folder: Path, lines: int) -> list[str]:
    """A project with the shipped codebook and one transcript of ``lines`` lines."""
    from sqlmodel import col, select

    from workbench.project.models import Code
    from workbench.services.importing import import_files
    from workbench.services.project import init_project, open_project

    init_project(target, language="en", codebook_path="sociale-infrastructuur", coder="bench")
    source = folder / "talk.txt"
    source.write_text("\n".join(f"R: {LINE} ({n:05d})" for n in range(lines)) + "\n")
    project = open_project(target)
    try:
        import_files(project, [source], language="en", coder="bench")
        with project.session() as session:
            return list(session.exec(select(Code.name).order_by(col(Code.id))).all())[:4]
    finally:
        project.dispose()


def run(target: str, writers: int, codings: int, offset: int, codes: list[str]) -> dict[str, float]:
    """``writers`` processes coding ``codings`` passages each, from line ``offset`` on."""
    stride = len(f"R: {LINE} (00000)") + 1
    procs = []
    for w in range(writers):
        shift = 3 + 2 * (w // 2)  # writers 0 and 1 share spans, 2 and 3 too...
        spans = [
            [(offset + n) * stride + shift, (offset + n) * stride + shift + 20, codes[w % 4]]
            for n in range(codings)
        ]
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", WRITER, json.dumps([target, f"writer{w}", spans])],
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    latencies: list[float] = []
    firsts, lasts = [], []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"a writer failed (exit {proc.returncode})")
        report = json.loads(out.strip().splitlines()[-1])
        latencies += report["took"]
        firsts.append(report["first"])
        lasts.append(report["last"])
    span = max(lasts) - min(firsts)  # from the first writer's first coding to the last's last
    latencies.sort()
    return {
        "writers": writers,
        "codings": writers * codings,
        "codings_per_s": writers * codings / span,
        "seconds": span,
        "latency_median_ms": 1000 * statistics.median(latencies),
        "latency_p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=200, help="codings per writer")
    parser.add_argument("--database", default=None, help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        target = args.database or str(folder / "bench.db")
        rounds = (1, 2, 6)
        codes = build(target, folder, args.codings * len(rounds))
        results = [
            run(target, writers, args.codings, index * args.codings, codes)
            for index, writers in enumerate(rounds)
        ]
    backend = "postgresql" if args.database else "sqlite"
    if args.json:
        print(json.dumps({"backend": backend, "results": results}, indent=2))
        return
    print(f"team coding on {backend}: {args.codings} codings per writer")
    print("writers  codings  codings/s  latency median  p95")
    for r in results:
        print(
            f"{r['writers']:>7}  {r['codings']:>7}  {r['codings_per_s']:>9.0f}  "
            f"{r['latency_median_ms']:>11.1f} ms  {r['latency_p95_ms']:.1f} ms"
        )


if __name__ == "__main__":
    main()
