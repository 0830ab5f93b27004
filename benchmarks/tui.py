"""The coding screen on the longest dev transcript with 500 segments: open, code, scroll.

Targets (issue 4): open to first paint <= 300 ms, apply a code <= 50 ms, scroll a page
<= 16 ms.

The project: the shipped codebook and the longest transcript of the dev corpus (by words,
``len(text.split())``), with 500 segments spread over it (seeded random spans of 5 to 80
words, each with one or two of the codebook's codes, a tenth of them linked to a place),
made through the core in one unrecorded transaction. Building it is not timed.

What is timed, each run in a fresh ``App.run_test`` (headless, so the terminal's own drawing
is not included; every screen update is still composed):

- **open**: from ``App.run_test`` starting the app on the project file (opening it, the
  project screen) to the first paint of the transcript: the coding screen is pushed as soon as
  the project is open, and the clock stops in the first ``call_after_refresh`` after the
  transcript was filled. Reported also from pushing the coding screen only (the project
  already open), which is what a user waits for after Enter on a document.
- **code**: the code picker is open over a selection with a code highlighted; from Enter to
  the screen showing the new segment: the write (one transaction through the app's write
  queue), reading the segments again, repainting the highlights, and the next refresh.
  The database write alone is reported on its own line.
- **scroll**: one page down (``TextArea.action_cursor_page_down``) followed by rendering every
  visible line of the transcript (``render_lines`` over its region, line cache cold for the
  new lines), at 80x24 and 200x50. Also a full ``pilot.press("pagedown")`` round trip, which
  adds Pilot's own waiting.

Run by hand from the repository root:

    .venv/bin/python benchmarks/tui.py [--corpus PATH] [--runs 7] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
CODEBOOK = REPO / "codebook" / "sociale-infrastructuur.yaml"
SEGMENTS = 500
TARGETS = {"open_ms": 300.0, "code_ms": 50.0, "scroll_ms": 16.0}


def longest_transcript(corpus: Path) -> Path:
    """The ``.txt`` transcript of the corpus with the most words."""
    files = sorted(corpus.glob("*.txt"))
    if not files:
        sys.exit(f"benchmarks/tui.py: no .txt transcripts in {corpus} (see ../shared/corpus)")
    return max(files, key=lambda path: len(path.read_text(encoding="utf-8").split()))


def build_project(folder: Path, transcript: Path) -> tuple[Path, str, int]:
    """A project with the codebook, the transcript and 500 coded segments. Returns its path,
    the document's name and its number of words."""
    from sqlmodel import select

    from workbench import codebook, coders, coding, db, importer, settings
    from workbench.models import Code, Place

    path = folder / "bench.db"
    project = db.create_project(path)
    try:
        with project.transaction("init", record=False) as session:
            settings.put(session, "language", "en")
            codebook.apply_codebook(session, codebook.load_codebook(CODEBOOK))
        (document,) = importer.import_files(project, [transcript], language="en", coder="bench")
        rng = random.Random(4)
        with project.transaction("segments", coder="bench", record=False) as session:
            coder_id = coders.ensure(session, "bench").id
            assert coder_id is not None
            doc = coding.find_document(session, document.name)
            codes = list(session.exec(select(Code.name).order_by(Code.position)))
            for number in range(3):
                coding.add_place(session, f"Bench place {number}", kind="other")
            places = list(session.exec(select(Place.name)))
            words = [(m.start(), m.end()) for m in re.finditer(r"\S+", doc.text)]
            made = 0
            while made < SEGMENTS:
                first = rng.randrange(len(words) - 80)
                last = first + rng.randrange(5, 80)
                start, end = words[first][0], words[last][1]
                picked = rng.sample(codes, rng.choice((1, 1, 1, 2)))
                linked = [rng.choice(places)] if rng.random() < 0.1 else []
                coding.code_span(
                    session, doc.name, start, end, picked, places=linked, coder_id=coder_id
                )
                made += 1
            count = len(doc.text.split())
    finally:
        project.dispose()
    return path, document.name, count


async def quiet(app: Any) -> None:
    """Wait for the app's workers (one replaced by a newer one counts as done)."""
    from textual.worker import WorkerCancelled

    with contextlib.suppress(WorkerCancelled):
        await app.workers.wait_for_complete()


def median_ms(values: list[float]) -> float:
    """The median of durations in seconds, in milliseconds."""
    return statistics.median(values) * 1000


async def measure_open(path: Path, document: str) -> dict[str, float]:
    """App start to first paint, and the coding screen's push to first paint, in seconds of
    wall time and of the process's CPU time (all threads)."""
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.coding import CodingScreen
    from workbench.tui.messages import DocumentLoaded, ProjectOpened

    marks: dict[str, float] = {}
    painted = asyncio.Event()

    class Screen(CodingScreen):
        def on_document_loaded(self, message: DocumentLoaded) -> None:
            super().on_document_loaded(message)

            def paint() -> None:
                marks["painted"] = time.perf_counter()
                marks["painted_cpu"] = time.process_time()
                painted.set()

            self.call_after_refresh(paint)

    class App(WorkbenchApp):
        CSS_PATH = str(REPO / "workbench" / "tui" / "app.tcss")

        def on_project_opened(self, message: ProjectOpened) -> None:
            super().on_project_opened(message)
            marks["pushed"] = time.perf_counter()
            marks["pushed_cpu"] = time.process_time()
            self.push_screen(Screen(document))

    app = App(path)
    marks["start"] = time.perf_counter()
    marks["start_cpu"] = time.process_time()
    async with app.run_test(size=(120, 40)) as pilot:
        await asyncio.wait_for(painted.wait(), 600)
        await pilot.pause()
        transcript = app.screen.query_one("#transcript")
        assert transcript.document.line_count > 100  # type: ignore[attr-defined]
    return {
        "open": marks["painted"] - marks["start"],
        "open_cpu": marks["painted_cpu"] - marks["start_cpu"],
        "open_screen": marks["painted"] - marks["pushed"],
        "open_screen_cpu": marks["painted_cpu"] - marks["pushed_cpu"],
    }


async def measure_code_and_scroll(
    path: Path, document: str, runs: int, size: tuple[int, int]
) -> dict[str, list[float]]:
    """Apply ``runs`` codes and scroll ``runs`` pages at ``size``; durations in seconds."""
    from textual.geometry import Region

    from workbench.tui.app import WorkbenchApp
    from workbench.tui.coding import CodingScreen
    from workbench.tui.dialogs import CodePicker
    from workbench.tui.messages import SegmentsLoaded
    from workbench.tui.transcript import TranscriptArea

    shown = asyncio.Event()
    marks: dict[str, float] = {}

    class Screen(CodingScreen):
        def on_segments_loaded(self, message: SegmentsLoaded) -> None:
            super().on_segments_loaded(message)

            def paint() -> None:
                marks["shown"] = time.perf_counter()
                marks["shown_cpu"] = time.process_time()
                shown.set()

            self.call_after_refresh(paint)

    class App(WorkbenchApp):
        CSS_PATH = str(REPO / "workbench" / "tui" / "app.tcss")

        def open_document(self, name: str) -> None:
            self.push_screen(Screen(name))

    result: dict[str, list[float]] = {
        "code": [],
        "code_cpu": [],
        "scroll": [],
        "scroll_cpu": [],
        "scroll_press": [],
    }
    app = App(path)
    async with app.run_test(size=size) as pilot:
        while app.project is None or app.workers:
            await pilot.pause()
            await quiet(app)
        app.open_document(document)
        while not isinstance(app.screen, CodingScreen) or app.screen.document is None:
            await pilot.pause()
        await quiet(app)
        await pilot.pause()
        screen = app.screen
        transcript = screen.query_one(TranscriptArea)
        text = transcript.text
        rng = random.Random(7)
        for _ in range(runs):
            start = rng.randrange(len(text) - 200)
            while text[start].isspace():
                start += 1
            end = start + 40
            transcript.select_span(start, end)
            await pilot.press("c")
            await pilot.pause()
            picker = app.screen
            assert isinstance(picker, CodePicker)
            await pilot.press("w", "e", "l", "c", "o", "m", "e")
            await pilot.pause()
            shown.clear()
            before, before_cpu = time.perf_counter(), time.process_time()
            await pilot.press("enter")
            await asyncio.wait_for(shown.wait(), 30)
            result["code"].append(marks["shown"] - before)
            result["code_cpu"].append(marks["shown_cpu"] - before_cpu)
            assert any(s.start == start and s.end == end for s in screen.segments)
            await quiet(app)
            await pilot.pause()
        transcript.move_cursor((0, 0))
        await pilot.pause()
        region = Region(0, 0, transcript.size.width, transcript.size.height)
        for _ in range(runs):
            before, before_cpu = time.perf_counter(), time.process_time()
            transcript.action_cursor_page_down()
            transcript.render_lines(region)
            result["scroll"].append(time.perf_counter() - before)
            result["scroll_cpu"].append(time.process_time() - before_cpu)
            await pilot.pause()
        for _ in range(runs):
            before = time.perf_counter()
            await pilot.press("pagedown")
            result["scroll_press"].append(time.perf_counter() - before)
    return result


def time_core_write(path: Path, document: str, runs: int) -> list[float]:
    """The database part of applying a code: ``workbench.tui.data.code_span`` alone."""
    from workbench import db
    from workbench.tui import data

    project = db.open_project(path)
    try:
        text = data.document_text(project, document).text
        rng = random.Random(11)
        durations = []
        for _ in range(runs):
            start = rng.randrange(len(text) - 200)
            while text[start].isspace():
                start += 1
            before = time.perf_counter()
            data.code_span(project, document, start, start + 30, ["routine"], coder="bench")
            durations.append(time.perf_counter() - before)
        return durations
    finally:
        project.dispose()


def main() -> None:
    """Build the project, run the measurements and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"benchmarks/tui.py: the corpus folder {args.corpus} is missing")
    transcript = longest_transcript(args.corpus)
    with tempfile.TemporaryDirectory() as folder:
        path, document, words = build_project(Path(folder), transcript)
        opens = [asyncio.run(measure_open(path, document)) for _ in range(args.runs)]
        small = asyncio.run(measure_code_and_scroll(path, document, args.runs, (80, 24)))
        large = asyncio.run(measure_code_and_scroll(path, document, args.runs, (200, 50)))
        core = time_core_write(path, document, args.runs)
    figures: dict[str, Any] = {
        "transcript": transcript.name,
        "words": words,
        "segments": SEGMENTS,
        "runs": args.runs,
        "open_ms": median_ms([o["open"] for o in opens]),
        "open_cpu_ms": median_ms([o["open_cpu"] for o in opens]),
        "open_screen_ms": median_ms([o["open_screen"] for o in opens]),
        "open_screen_cpu_ms": median_ms([o["open_screen_cpu"] for o in opens]),
        "code_ms": median_ms(small["code"] + large["code"]),
        "code_cpu_ms": median_ms(small["code_cpu"] + large["code_cpu"]),
        "code_core_ms": median_ms(core),
        "scroll_ms": median_ms(small["scroll"] + large["scroll"]),
        "scroll_cpu_ms": median_ms(small["scroll_cpu"] + large["scroll_cpu"]),
        "scroll_80x24_ms": median_ms(small["scroll"]),
        "scroll_200x50_ms": median_ms(large["scroll"]),
        "scroll_press_ms": median_ms(small["scroll_press"] + large["scroll_press"]),
        "python": platform.python_version(),
    }
    figures["pass"] = {key: figures[key] <= target for key, target in TARGETS.items()}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{transcript.name}: {words:,} words, {SEGMENTS} segments; median of {args.runs} runs")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time; CPU time")
    print("of the process, all threads, is the figure a busy machine distorts least)")
    rows = [
        ("open (app start to first paint)", "open_ms", TARGETS["open_ms"]),
        ("  CPU time", "open_cpu_ms", None),
        ("  coding screen pushed to first paint", "open_screen_ms", None),
        ("  CPU time", "open_screen_cpu_ms", None),
        ("apply a code (Enter to screen shown)", "code_ms", TARGETS["code_ms"]),
        ("  CPU time", "code_cpu_ms", None),
        ("  the database write alone", "code_core_ms", None),
        ("scroll a page (page down + render)", "scroll_ms", TARGETS["scroll_ms"]),
        ("  CPU time", "scroll_cpu_ms", None),
        ("  at 80x24", "scroll_80x24_ms", None),
        ("  at 200x50", "scroll_200x50_ms", None),
        ("  pilot.press('pagedown') round trip", "scroll_press_ms", None),
    ]
    for label, key, target in rows:
        verdict = ""
        if target is not None:
            verdict = f"  target {target:.0f} ms  {'PASS' if figures[key] <= target else 'FAIL'}"
        print(f"{label:<40} {figures[key]:8.1f} ms{verdict}")


if __name__ == "__main__":
    main()
