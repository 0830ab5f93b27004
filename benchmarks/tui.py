"""The coding screen on the longest dev transcript with 500 segments: open, code, scroll.

Targets (issue 4): open to first paint <= 300 ms, apply a code <= 50 ms, scroll a page
<= 16 ms.

The project: the shipped codebook and the longest transcript of the dev corpus (by words,
``len(text.split())``), with 500 segments spread over it (seeded random spans of 5 to 80
words, each with one or two of the codebook's codes, a tenth of them linked to a place),
made through the core in one unrecorded transaction. Building it is not timed.

What is timed, each run in a fresh ``App.run_test`` (headless, so the terminal's own drawing
is not included; every screen update is still composed):

- **open**: the app idle on the project (opened, its screen shown); from pushing the coding
  screen, as Enter on a document does, to the first paint of the transcript (the clock stops
  in the first ``call_after_refresh`` after the text was shown). Also reported: the same with
  no project screen below (what the coding screen costs alone), and from starting the app
  on the project file to the transcript's first paint (``workbench open`` straight into it).
- **code**: the code picker is open over a selection with a code highlighted; from Enter to
  the first refresh that shows the coding on screen. The coding screen paints it at once,
  ahead of the write (one transaction through the app's write queue, in a worker); the
  write's worker then reads the segment back and the screen shows that. Reported on their
  own lines: Enter to the refresh after the segment read back is shown ("confirmed"), the
  database write alone, and the same with no project screen below.
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

from workbench.coding import lookups
from workbench.coding import places as place_ops
from workbench.coding import segments as segment_ops
from workbench.services import coding as coding_service

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

    from workbench.coding import codebook
    from workbench.project import coders, db, settings
    from workbench.project.models import Code, Place
    from workbench.services import importing as import_service

    path = folder / "bench.db"
    project = db.create_project(path)
    try:
        with project.transaction("init", record=False) as session:
            settings.put(session, "language", "en")
            codebook.apply_codebook(session, codebook.load_codebook(CODEBOOK))
        (document,) = import_service.import_files(
            project, [transcript], language="en", coder="bench"
        )
        rng = random.Random(4)
        with project.transaction("segments", coder="bench", record=False) as session:
            coder_id = coders.ensure(session, "bench").id
            assert coder_id is not None
            doc = lookups.find_document(session, document.name)
            codes = list(session.exec(select(Code.name).order_by(Code.position)))
            for number in range(3):
                place_ops.add_place(session, f"Bench place {number}", kind="other")
            places = list(session.exec(select(Place.name)))
            words = [(m.start(), m.end()) for m in re.finditer(r"\S+", doc.text)]
            made = 0
            while made < SEGMENTS:
                first = rng.randrange(len(words) - 80)
                last = first + rng.randrange(5, 80)
                start, end = words[first][0], words[last][1]
                picked = rng.sample(codes, rng.choice((1, 1, 1, 2)))
                linked = [rng.choice(places)] if rng.random() < 0.1 else []
                segment_ops.code_span(
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


def bench_app(path: Path, *, below: bool, on_opened: Any = None) -> Any:
    """The app on ``path``; without ``below`` no project screen lies under the coding screen
    (a diagnostic: what the coding screen costs on its own)."""
    from textual import events

    from workbench.tui.app import WorkbenchApp
    from workbench.tui.messages import ProjectOpened

    class App(WorkbenchApp):
        CSS_PATH = str(REPO / "workbench" / "tui" / "app.tcss")

        # Textual calls the handlers of every class in the MRO, subclass first: these run
        # before WorkbenchApp's own (which push the project screen, note the project).
        def on_mount(self, event: events.Mount) -> None:
            if not below:
                event.prevent_default()  # no project screen: WorkbenchApp.on_mount skipped
                self.load_project()

        def on_project_opened(self, message: ProjectOpened) -> None:
            if on_opened is not None:
                self.call_later(on_opened, self)

    return App(path)


async def settle(app: Any, pilot: Any) -> None:
    """Wait until the project is open and no worker runs."""
    while app.project is None or any(w.is_running for w in app.workers) or app.busy:
        await pilot.pause()
        await quiet(app)
    await pilot.pause()


def paint_marker(marks: dict[str, float], painted: asyncio.Event) -> type:
    """A coding screen that notes the time of its first paint after the text is shown."""
    from workbench.tui.messages import DocumentLoaded
    from workbench.tui.screens.coding import CodingScreen

    class Screen(CodingScreen):
        def on_document_loaded(self, message: DocumentLoaded) -> None:
            # Runs before CodingScreen.on_document_loaded (see bench_app); the paint
            # callback runs after the refresh that follows it.
            def paint() -> None:
                marks["painted"] = time.perf_counter()
                marks["painted_cpu"] = time.process_time()
                painted.set()

            self.call_after_refresh(paint)

    return Screen


async def measure_open(path: Path, document: str, *, below: bool = True) -> dict[str, float]:
    """Opening the document on an idle app (the project open, its screen shown): from pushing
    the coding screen, as Enter on a document does, to the first paint of the transcript.
    Seconds of wall time and of the process's CPU time (all threads)."""
    marks: dict[str, float] = {}
    painted = asyncio.Event()
    screen = paint_marker(marks, painted)
    app = bench_app(path, below=below)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        marks["pushed"], marks["pushed_cpu"] = time.perf_counter(), time.process_time()
        app.push_screen(screen(document))
        await asyncio.wait_for(painted.wait(), 600)
        await pilot.pause()
        transcript = app.screen.query_one("#transcript")
        assert transcript.document.line_count > 100
    return {
        "open": marks["painted"] - marks["pushed"],
        "open_cpu": marks["painted_cpu"] - marks["pushed_cpu"],
    }


async def measure_cold_start(path: Path, document: str) -> dict[str, float]:
    """From starting the app on the project file to the first paint of the transcript, the
    coding screen pushed as soon as the project is open (``workbench open`` straight into a
    document)."""
    marks: dict[str, float] = {}
    painted = asyncio.Event()
    screen = paint_marker(marks, painted)
    app = bench_app(path, below=True, on_opened=lambda app: app.push_screen(screen(document)))
    marks["start"], marks["start_cpu"] = time.perf_counter(), time.process_time()
    async with app.run_test(size=(120, 40)) as pilot:
        await asyncio.wait_for(painted.wait(), 600)
        await pilot.pause()
    return {
        "cold": marks["painted"] - marks["start"],
        "cold_cpu": marks["painted_cpu"] - marks["start_cpu"],
    }


async def measure_code_and_scroll(
    path: Path, document: str, runs: int, size: tuple[int, int], *, below: bool = True
) -> dict[str, list[float]]:
    """Apply ``runs`` codes and scroll ``runs`` pages at ``size``; durations in seconds."""
    from textual.geometry import Region

    from workbench.tui.dialogs.common import CodePicker
    from workbench.tui.messages import SegmentsLoaded
    from workbench.tui.screens.coding import CodingScreen
    from workbench.tui.widgets.transcript import TranscriptArea

    shown = asyncio.Event()
    painted = asyncio.Event()
    marks: dict[str, float] = {}
    wanted: list[tuple[int, int]] = []

    class Screen(CodingScreen):
        def on_segments_loaded(self, message: SegmentsLoaded) -> None:
            # Runs before CodingScreen.on_segments_loaded (see bench_app).
            def paint() -> None:
                marks["shown"] = time.perf_counter()
                marks["shown_cpu"] = time.process_time()
                shown.set()

            self.call_after_refresh(paint)

    show_segments = TranscriptArea.show_segments

    def showing(self: TranscriptArea, segments: Any) -> None:
        # Notes the first refresh after the coding is painted (ahead of the write, or with it).
        show_segments(self, segments)
        if wanted and "painting" not in marks:
            if any((s.start, s.end) == wanted[0] and "welcome" in s.codes for s in segments):
                marks["painting"] = time.perf_counter()

                def paint() -> None:
                    marks["painted"] = time.perf_counter()
                    marks["painted_cpu"] = time.process_time()
                    painted.set()

                self.call_after_refresh(paint)

    result: dict[str, list[float]] = {
        "code": [],
        "code_cpu": [],
        "confirmed": [],
        "confirmed_cpu": [],
        "scroll": [],
        "scroll_cpu": [],
        "scroll_press": [],
    }
    TranscriptArea.show_segments = showing  # type: ignore[method-assign]
    try:
        app = bench_app(path, below=below)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            app.push_screen(Screen(document))
            while not isinstance(app.screen, CodingScreen) or app.screen.document is None:
                await pilot.pause()
            await settle(app, pilot)
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
                picker = screen.picker
                assert isinstance(picker, CodePicker)
                await pilot.press("w", "e", "l", "c", "o", "m", "e")
                await pilot.pause()
                shown.clear()
                painted.clear()
                marks.pop("painting", None)
                wanted[:] = [(start, end)]
                before, before_cpu = time.perf_counter(), time.process_time()
                await pilot.press("enter")
                await asyncio.wait_for(painted.wait(), 30)
                await asyncio.wait_for(shown.wait(), 30)
                result["code"].append(marks["painted"] - before)
                result["code_cpu"].append(marks["painted_cpu"] - before_cpu)
                result["confirmed"].append(marks["shown"] - before)
                result["confirmed_cpu"].append(marks["shown_cpu"] - before_cpu)
                wanted.clear()
                assert any(s.start == start and s.end == end and s.id > 0 for s in screen.segments)
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
    finally:
        TranscriptArea.show_segments = show_segments  # type: ignore[method-assign]
    return result


def time_core_write(path: Path, document: str, runs: int) -> list[float]:
    """The database part of applying a code: ``workbench.services.coding.code_span`` alone."""
    from workbench.project import db
    from workbench.services import reading

    project = db.open_project(path)
    try:
        text = reading.document_text(project, document).text
        rng = random.Random(11)
        durations = []
        for _ in range(runs):
            start = rng.randrange(len(text) - 200)
            while text[start].isspace():
                start += 1
            before = time.perf_counter()
            coding_service.code_span(
                project, document, start, start + 30, ["routine"], coder="bench"
            )
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
        # Where each transcript was left is kept in a state folder of this run, not in the
        # user's own.
        os.environ["WORKBENCH_STATE"] = str(Path(folder) / "state")
        path, document, words = build_project(Path(folder), transcript)
        runs = args.runs
        opens = [asyncio.run(measure_open(path, document)) for _ in range(runs)]
        alone = [asyncio.run(measure_open(path, document, below=False)) for _ in range(runs)]
        colds = [asyncio.run(measure_cold_start(path, document)) for _ in range(max(3, runs // 2))]
        small = asyncio.run(measure_code_and_scroll(path, document, runs, (80, 24)))
        large = asyncio.run(measure_code_and_scroll(path, document, runs, (200, 50)))
        single = asyncio.run(measure_code_and_scroll(path, document, runs, (120, 40), below=False))
        core = time_core_write(path, document, runs)
    figures: dict[str, Any] = {
        "transcript": transcript.name,
        "words": words,
        "segments": SEGMENTS,
        "runs": runs,
        "load_average": os.getloadavg()[0],
        "open_ms": median_ms([o["open"] for o in opens]),
        "open_cpu_ms": median_ms([o["open_cpu"] for o in opens]),
        "open_alone_ms": median_ms([o["open"] for o in alone]),
        "open_alone_cpu_ms": median_ms([o["open_cpu"] for o in alone]),
        "cold_start_ms": median_ms([c["cold"] for c in colds]),
        "cold_start_cpu_ms": median_ms([c["cold_cpu"] for c in colds]),
        "code_ms": median_ms(small["code"] + large["code"]),
        "code_cpu_ms": median_ms(small["code_cpu"] + large["code_cpu"]),
        "code_confirmed_ms": median_ms(small["confirmed"] + large["confirmed"]),
        "code_confirmed_cpu_ms": median_ms(small["confirmed_cpu"] + large["confirmed_cpu"]),
        "code_alone_ms": median_ms(single["code"]),
        "code_alone_cpu_ms": median_ms(single["code_cpu"]),
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
    load = figures["load_average"]
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs. Wall time, and the CPU time of the")
    print("process (all threads): on a busy machine the CPU time is the steadier figure.")
    rows = [
        ("open a document (push to first paint)", "open_ms", TARGETS["open_ms"]),
        ("  CPU time", "open_cpu_ms", None),
        ("  no project screen below", "open_alone_ms", None),
        ("  CPU time", "open_alone_cpu_ms", None),
        ("  app start to first paint", "cold_start_ms", None),
        ("  CPU time", "cold_start_cpu_ms", None),
        ("apply a code (Enter to screen shown)", "code_ms", TARGETS["code_ms"]),
        ("  CPU time", "code_cpu_ms", None),
        ("  Enter to the write read back and shown", "code_confirmed_ms", None),
        ("  CPU time", "code_confirmed_cpu_ms", None),
        ("  no project screen below", "code_alone_ms", None),
        ("  CPU time", "code_alone_cpu_ms", None),
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
