"""REFI-QDA export: time and peak memory of exporting a large coded project to ``.qdpx``.

The budget (DESIGN.md): exporting 800 transcripts with their codings to REFI-QDA takes at
most 5 s, with memory bounded by a streaming writer.

The project is generated, not imported (the import is benchmarked elsewhere): 800
transcripts of about 8,000 words each, 100 codes in a two-level tree, 40 places, two coders,
and about 200 codings per transcript on about 160 segments (some segments carry two codes or
a second coder), a tenth of the segments linked to a place, a few segment memos, and a case
with two attributes per transcript. Rows go in with bulk inserts (building takes about a minute).

What is timed: one ``workbench.exchange.refi.writer.export_qdpx`` call in a fresh process: the read
session, the incremental XML writer, the texts streamed into the zip, the streaming schema
validation (for a project this size in a second process, on another core) and the rename.
Reported besides: wall and CPU time of the export and of the validating process, the load
average (on a busy machine the wall time says little), the resident memory before the
export and the peaks during it, and the sizes of ``project.qde`` and the ``.qdpx``. Memory
is bounded when the peak grows far less than the project: compare ``--documents 200`` with
``--documents 800``.

Run by hand from the repository root:

    .venv/bin/python benchmarks/export_qdpx.py [--documents 800] [--words 8000]
        [--codings 200] [--keep DIR] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

TARGET_SECONDS = 5.0
WORDS = (
    "de het een en van ik je we dat die niet is was er op in met voor naar bij buurthuis "
    "bibliotheek koffie markt park school kerk winkel vrijwilliger buren praatje welkom "
    "alleen samen vroeger nu altijd soms gezellig ontmoeten wijk straat plein bankje café "
    "the a and of to was we they people place library neighbour coffee morning together "
    "café naïve Zoë één coördinaten ’t"
).split()


def rss_now() -> int:
    """The current resident set size of this process in bytes (Linux)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize()


def peak_rss(who: int = resource.RUSAGE_SELF) -> int:
    """The peak resident set size of this process (or its largest child) in bytes."""
    peak = resource.getrusage(who).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def build(path: Path, documents: int, words: int, codings: int, seed: int = 7) -> dict[str, int]:
    """Generate the project at ``path``; return what it holds."""
    import sqlalchemy as sa

    from workbench.project import db
    from workbench.project.models import (
        Case,
        CaseValue,
        Code,
        Coder,
        Coding,
        Document,
        DocumentCase,
        Memo,
        Place,
        PlaceKind,
        Segment,
        SegmentPlace,
        Variable,
    )

    rng = random.Random(seed)
    now = datetime.now(UTC)
    clock = [now - timedelta(days=90)]

    def tick() -> datetime:
        """Distinct, increasing times (a coding every few seconds), as real work has."""
        clock[0] += timedelta(milliseconds=rng.randrange(500, 9000))
        return clock[0]

    project = db.create_project(path)
    counts = {"documents": documents, "segments": 0, "codings": 0, "links": 0, "characters": 0}
    with project.engine.begin() as conn:

        def insert(model: type, rows: list[dict[str, object]]) -> None:
            if rows:
                conn.execute(sa.insert(model.__table__), rows)  # type: ignore[attr-defined]

        insert(
            Coder,
            [
                {"id": i, "name": n, "guid": str(uuid.uuid4()), "created_at": now}
                for i, n in ((1, "anouk"), (2, "bram"))
            ],
        )
        code_rows = []
        for top in range(10):
            code_rows.append(
                {
                    "id": top * 10 + 1,
                    "name": f"theme {top}",
                    "parent_id": None,
                    "position": top,
                    "color": "#4a90e2",
                }
            )
            for child in range(1, 10):
                code_rows.append(
                    {
                        "id": top * 10 + 1 + child,
                        "name": f"code {top}.{child}",
                        "parent_id": top * 10 + 1,
                        "position": child,
                        "color": "#50e2e2",
                        "description": f"Code {top}.{child}.",
                    }
                )
        for row in code_rows:
            row.update(
                guid=str(uuid.uuid4()),
                created_at=now,
                label="",
                inclusion="",
                exclusion="",
                example="",
                keywords="[]",
            )
            row.setdefault("description", "")
        insert(Code, code_rows)
        leaf_codes = [r["id"] for r in code_rows if r["parent_id"] is not None]
        insert(PlaceKind, [{"name": "library", "label": "", "description": "", "position": 0}])
        insert(
            Place,
            [
                {
                    "id": i + 1,
                    "name": f"Plek {i}",
                    "kind": "library",
                    "status": "existing",
                    "neighbourhood": "Hatert",
                    "municipality": "Nijmegen",
                    "address": "",
                    "latitude": 51.8 + i / 1000,
                    "longitude": 5.8,
                    "description": "",
                    "guid": str(uuid.uuid4()),
                    "created_at": now,
                }
                for i in range(40)
            ],
        )
        insert(
            Variable,
            [
                {
                    "id": 1,
                    "name": "wijk",
                    "type": "text",
                    "description": "",
                    "guid": str(uuid.uuid4()),
                },
                {
                    "id": 2,
                    "name": "leeftijd",
                    "type": "integer",
                    "description": "",
                    "guid": str(uuid.uuid4()),
                },
            ],
        )
        segment_id = coding_id = 0
        for doc in range(1, documents + 1):
            chosen_words = rng.choices(WORDS, k=words)
            for turn in range(0, words, 120):  # a speaker label every 120 words
                chosen_words[turn] = f"\nR{doc % 3 + 1}: {chosen_words[turn]}"
            text = " ".join(chosen_words).lstrip() + f"\n(transcript {doc})\n"
            counts["characters"] += len(text)
            insert(
                Document,
                [
                    {
                        "id": doc,
                        "name": f"interview-{doc:04d}",
                        "text": text,
                        "source_name": f"interview-{doc:04d}.txt",
                        "sha256": hashlib.sha256(text.encode()).hexdigest(),
                        "language": "nl",
                        "encoding": "utf-8",
                        "paragraph_mode": "lines",
                        "char_count": len(text),
                        "word_count": words,
                        "guid": str(uuid.uuid4()),
                        "imported_at": now,
                        "coder_id": 1,
                    }
                ],
            )
            insert(
                Case,
                [
                    {
                        "id": doc,
                        "name": f"R{doc:04d}",
                        "description": "",
                        "guid": str(uuid.uuid4()),
                        "created_at": now,
                    }
                ],
            )
            insert(DocumentCase, [{"document_id": doc, "case_id": doc}])
            insert(
                CaseValue,
                [
                    {"case_id": doc, "variable_id": 1, "value": "Hatert"},
                    {"case_id": doc, "variable_id": 2, "value": str(20 + doc % 60)},
                ],
            )
            segments, coding_rows, links, memos = [], [], [], []
            step = len(text) // (codings * 4 // 5)
            position, made = 0, 0
            while made < codings and position + 200 < len(text):
                segment_id += 1
                start = position + rng.randrange(0, step // 2)
                end = start + rng.randrange(40, 400)
                position += step
                coder = rng.choice((1, 2))
                segments.append(
                    {
                        "id": segment_id,
                        "document_id": doc,
                        "start": start,
                        "end": min(end, len(text)),
                        "guid": str(uuid.uuid4()),
                        "created_at": tick(),
                        "coder_id": coder,
                    }
                )
                chosen = [
                    (code, coder) for code in rng.sample(leaf_codes, 2 if rng.random() < 0.2 else 1)
                ]
                if rng.random() < 0.1:  # the other coder applied the same code
                    chosen.append((chosen[0][0], 3 - coder))
                for code, who in chosen:
                    coding_id += 1
                    coding_rows.append(
                        {
                            "id": coding_id,
                            "segment_id": segment_id,
                            "code_id": code,
                            "coder_id": who,
                            "guid": str(uuid.uuid4()),
                            "created_at": tick(),
                        }
                    )
                    made += 1
                if rng.random() < 0.1:
                    links.append(
                        {
                            "segment_id": segment_id,
                            "place_id": rng.randrange(1, 41),
                            "coder_id": coder,
                            "created_at": tick(),
                        }
                    )
                if rng.random() < 0.02:
                    memos.append(
                        {
                            "text": "Een memo bij deze passage.",
                            "segment_id": segment_id,
                            "guid": str(uuid.uuid4()),
                            "created_at": clock[0],
                            "updated_at": tick(),
                            "coder_id": coder,
                        }
                    )
            insert(Segment, segments)
            insert(Coding, coding_rows)
            insert(SegmentPlace, links)
            insert(Memo, memos)
            counts["segments"] += len(segments)
            counts["codings"] += len(coding_rows)
            counts["links"] += len(links)
    project.dispose()
    return counts


def child(project: Path, output: Path) -> None:
    """Run in the subprocess: export and print timing and memory as JSON."""
    from workbench.exchange.refi import writer
    from workbench.project import db

    writer.project_schema()  # load the XSD before the clock starts, as lxml does it once
    proj = db.open_project(project)
    before = rss_now()
    start, cpu = time.perf_counter(), time.process_time()
    with proj.session() as session:
        report = writer.export_qdpx(session, output, name="benchmark")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    proj.dispose()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "rss_before": before,
                "rss_peak": peak_rss(),
                "validator_rss_peak": peak_rss(resource.RUSAGE_CHILDREN),
                "validator_cpu_seconds": sum(
                    getattr(resource.getrusage(resource.RUSAGE_CHILDREN), field)
                    for field in ("ru_utime", "ru_stime")
                ),
                "report": report.to_dict(),
            }
        )
    )


def main() -> None:
    """Build the project, export it in a fresh process, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=800)
    parser.add_argument("--words", type=int, default=8000)
    parser.add_argument("--codings", type=int, default=200)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="wb-export-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        project, output = folder / "bench.db", folder / "bench.qdpx"
        for stale in (project, output):
            stale.unlink(missing_ok=True)
        started = time.perf_counter()
        counts = build(project, args.documents, args.words, args.codings)
        built = time.perf_counter() - started
        run = subprocess.run(
            [sys.executable, __file__, "--child", str(project), str(output)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(run.stdout)
        with zipfile.ZipFile(output) as archive:
            qde = archive.getinfo("project.qde").file_size
        summary = {
            **counts,
            "build_seconds": round(built, 1),
            "export_seconds": round(result["seconds"], 2),
            "export_cpu_seconds": round(result["cpu_seconds"], 2),
            "load_average": round(os.getloadavg()[0], 1),
            "target_seconds": TARGET_SECONDS,
            "pass": result["seconds"] <= TARGET_SECONDS,
            "rss_before_mb": round(result["rss_before"] / 2**20, 1),
            "rss_peak_mb": round(result["rss_peak"] / 2**20, 1),
            "validator_rss_peak_mb": round(result["validator_rss_peak"] / 2**20, 1),
            "validator_cpu_seconds": round(result["validator_cpu_seconds"], 2),
            "project_qde_mb": round(qde / 2**20, 1),
            "qdpx_mb": round(output.stat().st_size / 2**20, 1),
            "selections": result["report"]["selections"],
            "exported_codings": result["report"]["codings"],
        }
        if args.json:
            print(json.dumps(summary))
            return
        print(
            f"project: {counts['documents']} documents, {counts['characters']:,} characters, "
            f"{counts['segments']:,} segments, {counts['codings']:,} codings, "
            f"{counts['links']:,} place links (built in {built:.1f} s)"
        )
        print(
            f"export: {result['seconds']:.2f} s wall, {result['cpu_seconds']:.2f} s CPU "
            f"(target <= {TARGET_SECONDS:.0f} s: {'PASS' if summary['pass'] else 'FAIL'}; "
            f"load average {summary['load_average']} on {os.cpu_count()} CPUs)"
        )
        print(
            f"memory: {summary['rss_before_mb']} MB before, {summary['rss_peak_mb']} MB peak; "
            f"schema check in a second process: {summary['validator_cpu_seconds']} s CPU, "
            f"{summary['validator_rss_peak_mb']} MB peak"
        )
        print(
            f"output: project.qde {summary['project_qde_mb']} MB, "
            f".qdpx {summary['qdpx_mb']} MB; {summary['selections']:,} selections, "
            f"{summary['exported_codings']:,} codings (incl. place links)"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
