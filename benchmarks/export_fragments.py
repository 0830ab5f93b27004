"""Fragment export: 10,000 cited fragments to DOCX and to Markdown.

Targets: DOCX <= 5 s and Markdown <= 0.5 s for 10,000 fragments (a comparable tool, Taguette,
needs 15 s for 5,000 highlights to DOCX on the development machine).

Two measurements:

1. **Renderers** (the headline figures): 10,000
   :class:`workbench.analysis.fragments.Fragment` objects built in memory from the demo
   transcripts (real Dutch interview text, 80 to 500 characters, about a third spanning
   several lines; one to three codes, zero to two places, one in ten with a memo) are written
   with :func:`workbench.exchange.publish.write`, ungrouped, to ``.docx`` and ``.md``. Also
   reported: grouped by code (a fragment appears once per code, so about twice the quotes),
   HTML, CSV and JSON, and pseudonymising the 10,000 fragments with a 30-name table
   including the leftover check.
2. **Command line**: a copy of the demo project with 10,000 more segments (inserted in bulk,
   not timed) is exported with ``workbench fragments PROJECT -o FILE`` run in-process
   (click's runner): opening the project, :func:`~workbench.analysis.fragments.find_fragments`,
   rendering and writing. Reported as is, without a target of its own.

Each timing is the best of ``--repeat`` runs (default 3), in wall-clock seconds; the CPU time
of this process is printed too, because on a busy machine (several test runs at once) the wall
time can be several times the CPU time. Run by hand from the repository root:

    .venv/bin/python benchmarks/export_fragments.py [--fragments 10000] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET_DOCX_SECONDS = 5.0
TARGET_MD_SECONDS = 0.5
DEFAULT_FRAGMENTS = 10_000


CPU_TIMES: dict[str, float] = {}
"""The CPU time (this process) of the fastest run of each timing, by result key."""


def best_of(repeat: int, action: Callable[[], object], key: str = "") -> float:
    """The shortest wall-clock time of ``repeat`` runs of ``action``; the CPU time of the
    same run is kept in :data:`CPU_TIMES` under ``key``."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        run = (time.perf_counter() - wall, time.process_time() - cpu)
        best = min(best, run)
    if key:
        CPU_TIMES[key] = best[1]
    return best[0]


def make_fragments(count: int, seed: int = 7) -> list[Any]:
    """``count`` fragments cut from the demo transcripts, deterministic for a seed."""
    from workbench.analysis.fragments import Fragment
    from workbench.demo import transcript_files

    rng = random.Random(seed)
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in transcript_files()]
    codes = [
        "welcome",
        "host role",
        "weak ties",
        "strong ties",
        "routine",
        "stigma",
        "lost place",
        "second home",
        "low threshold",
        "in-group closure",
    ]
    places = ["Huiskamer De Klaproos", "Bibliotheek Hatert", "Lunchroom Bij Joost", "De Klup"]
    fragments = []
    for number in range(count):
        name, text = texts[number % len(texts)]
        length = rng.randint(80, 500)
        start = rng.randrange(0, max(1, len(text) - length))
        end = min(len(text), start + length)
        line_start = text.count("\n", 0, start) + 1
        fragments.append(
            Fragment(
                segment=number + 1,
                document=name,
                case=f"R{number % len(texts) + 1:02d}",
                start=start,
                end=end,
                line_start=line_start,
                line_end=line_start + text.count("\n", start, end - 1),
                speaker=rng.choice(["Bewoner", "Interviewer", "R", None]),
                text=text[start:end],
                codes=sorted(rng.sample(codes, rng.randint(1, 3))),
                places=sorted(rng.sample(places, rng.randint(0, 2))),
                memo="Gerda als gastvrouw; vergelijk met R03." if number % 10 == 0 else None,
            )
        )
    return fragments


def pseudonym_table() -> Any:
    """A 30-name table with variants, like a real study's."""
    from workbench.exchange.pseudonyms import PseudonymTable, make_entry

    first = ["Gerda", "Joost", "Henk", "Els", "Jan", "Fatima", "Mohammed", "Anouk", "Bram", "Ria"]
    entries = [make_entry(name, f"P{index:02d}") for index, name in enumerate(first)]
    entries += [make_entry(f"{name} de Vries", f"Q{index:02d}") for index, name in enumerate(first)]
    entries += [
        make_entry(f"Plek {index}", f"Plaats {index}", kind="place", variants=[f"plek{index}"])
        for index in range(10)
    ]
    return PseudonymTable(entries)


def bench_renderers(count: int, repeat: int, folder: Path) -> dict[str, Any]:
    """Time the renderers on fragments built in memory."""
    from workbench.exchange import publish

    fragments = make_fragments(count)
    quotes_by_code = sum(len(f.codes) for f in fragments)
    result: dict[str, Any] = {"fragments": count, "quotes_grouped_by_code": quotes_by_code}
    plain = publish.Options(memos=True)
    by_code = publish.Options(group_by="code", memos=True)
    for label, fmt, options in [
        ("docx", "docx", plain),
        ("md", "md", plain),
        ("docx_by_code", "docx", by_code),
        ("md_by_code", "md", by_code),
        ("html", "html", plain),
        ("csv", "csv", plain),
        ("json", "json", plain),
    ]:
        target = folder / f"fragments-{label}.{fmt}"
        result[f"{label}_s"] = best_of(
            repeat,
            lambda t=target, f=fmt, o=options: publish.write(fragments, t, f, o),
            f"{label}_s",
        )
        result[f"{label}_bytes"] = target.stat().st_size
    names = pseudonym_table()

    def pseudonymise() -> None:
        names.check_fragments(names.fragments(fragments))

    result["pseudonymise_and_check_s"] = best_of(repeat, pseudonymise, "pseudonymise")
    return result


def build_project(count: int, folder: Path, seed: int = 11) -> Path:
    """The demo project plus ``count`` segments on its documents, inserted in bulk."""
    import sqlalchemy as sa
    from sqlmodel import select

    from workbench.demo import build_demo
    from workbench.project import coders, db
    from workbench.project.models import (
        Code,
        Coding,
        Document,
        Place,
        Segment,
        SegmentPlace,
        new_guid,
        utcnow,
    )

    path = build_demo(folder / "study.db")
    project = db.open_project(path)
    rng = random.Random(seed)
    try:
        with project.transaction("bench", record=False) as session:
            coder = coders.ensure(session, "bench").id
            documents = [(d.id, len(d.text)) for d in session.exec(select(Document)).all()]
            code_ids = list(session.exec(select(Code.id)).all())
            place_ids = list(session.exec(select(Place.id)).all())
            taken = {
                (r[0], r[1], r[2])
                for r in session.execute(
                    sa.select(Segment.document_id, Segment.start, Segment.end)  # type: ignore[call-overload]
                )
            }
            now = utcnow()
            segments = []
            while len(segments) < count:
                document_id, size = rng.choice(documents)
                length = rng.randint(80, 500)
                start = rng.randrange(0, max(1, size - length))
                span = (document_id, start, min(size, start + length))
                if span in taken:
                    continue
                taken.add(span)
                segments.append(
                    {
                        "document_id": span[0],
                        "start": span[1],
                        "end": span[2],
                        "guid": new_guid(),
                        "created_at": now,
                        "coder_id": coder,
                    }
                )
            first = (session.execute(sa.select(sa.func.max(Segment.id))).scalar() or 0) + 1
            session.execute(sa.insert(Segment), segments)
            codings, links = [], []
            for segment_id in range(first, first + count):
                for code_id in rng.sample(code_ids, rng.randint(1, 3)):
                    codings.append(
                        {
                            "segment_id": segment_id,
                            "code_id": code_id,
                            "coder_id": coder,
                            "guid": new_guid(),
                            "created_at": now,
                        }
                    )
                for place_id in rng.sample(place_ids, rng.randint(0, 2)):
                    links.append(
                        {
                            "segment_id": segment_id,
                            "place_id": place_id,
                            "coder_id": coder,
                            "created_at": now,
                        }
                    )
            session.execute(sa.insert(Coding), codings)
            session.execute(sa.insert(SegmentPlace), links)
    finally:
        project.dispose()
    return path


def bench_cli(count: int, repeat: int, folder: Path) -> dict[str, Any]:
    """Time ``workbench fragments PROJECT -o FILE`` in-process on a project with ``count``
    extra segments."""
    from click.testing import CliRunner

    from workbench.cli import main

    folder.mkdir(parents=True, exist_ok=True)
    path = build_project(count, folder)
    runner = CliRunner()
    result: dict[str, Any] = {}

    def run(*args: str) -> None:
        done = runner.invoke(main, ["fragments", str(path), *args], catch_exceptions=False)
        if done.exit_code != 0:
            raise SystemExit(f"export_fragments: {args} failed: {done.stderr}")

    for fmt in ("docx", "md"):
        target = folder / f"cli.{fmt}"
        result[f"cli_{fmt}_s"] = best_of(repeat, lambda t=target: run("-o", str(t)))
    target = folder / "cli-pseudonyms.docx"
    runner.invoke(main, ["pseudonym", "add", str(path), "Gerda", "Marja"])
    result["cli_docx_pseudonyms_s"] = best_of(
        repeat, lambda: run("-o", str(target), "--pseudonyms", "--group-by", "code")
    )
    with_fragments = runner.invoke(main, ["fragments", str(path), "--format", "json"])
    result["cli_fragments"] = len(json.loads(with_fragments.stdout))
    return result


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fragments", type=int, default=DEFAULT_FRAGMENTS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line pass")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.fragments <= 0 or args.repeat <= 0:
        parser.error("--fragments and --repeat must be positive")

    folder = Path(tempfile.mkdtemp(prefix="wb-fragments-bench-"))
    try:
        result = bench_renderers(args.fragments, args.repeat, folder)
        if not args.no_cli:
            # the `fragments` command lives on `main`: import the command modules first
            import workbench.cli  # noqa: F401

            result.update(bench_cli(args.fragments, args.repeat, folder / "cli"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result["cpu_s"] = dict(CPU_TIMES)
    result["load_average"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    result["cores"] = os.cpu_count()
    result["docx_pass"] = result["docx_s"] <= TARGET_DOCX_SECONDS
    result["md_pass"] = result["md_s"] <= TARGET_MD_SECONDS
    result["python"] = platform.python_version()
    if args.json:
        print(json.dumps(result))
        return 0
    verdict = {True: "PASS", False: "FAIL"}
    print(f"fragment export, {result['fragments']:,} fragments (best of {args.repeat})")
    print(
        f"  machine load {result['load_average']:.1f} on {result['cores']} cores; CPU time of "
        f"this process: DOCX {result['cpu_s']['docx_s']:.2f} s, "
        f"Markdown {result['cpu_s']['md_s']:.3f} s"
    )
    print(
        f"  DOCX          {result['docx_s']:.2f} s   target <= {TARGET_DOCX_SECONDS} s "
        f"{verdict[result['docx_pass']]}"
    )
    print(
        f"  Markdown      {result['md_s']:.3f} s  target <= {TARGET_MD_SECONDS} s "
        f"{verdict[result['md_pass']]}"
    )
    quotes = result["quotes_grouped_by_code"]
    print(f"  DOCX by code  {result['docx_by_code_s']:.2f} s   ({quotes:,} quotes)")
    print(f"  MD by code    {result['md_by_code_s']:.3f} s  ({quotes:,} quotes)")
    print(
        f"  HTML {result['html_s']:.3f} s, CSV {result['csv_s']:.3f} s, "
        f"JSON {result['json_s']:.3f} s"
    )
    print(f"  pseudonymise + leftover check  {result['pseudonymise_and_check_s']:.3f} s")
    if "cli_docx_s" in result:
        print(
            f"  command line ({result['cli_fragments']:,} fragments in the project): "
            f"DOCX {result['cli_docx_s']:.2f} s, Markdown {result['cli_md_s']:.2f} s, "
            f"DOCX pseudonymised by code {result['cli_docx_pseudonyms_s']:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main_())
