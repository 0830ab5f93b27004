"""Import throughput: words per second on the dev corpus repeated to a word count.

The requirement: importing the dev corpus repeated to 1,000,000 words runs at >= 150,000
words/s end to end (read and decode, speaker turns, paragraphs, spaCy sentences, store).
Words are counted as the importer counts them: ``len(text.split())`` per document
(``Document.word_count``).

What is timed: ONE call of ``workbench.services.importing.import_files`` that imports every
file in one transaction, on a fresh project. Not timed: writing the input files, creating the
project, and loading the spaCy pipeline (reported on its own line).

The breakdown comes from a second pass on a second fresh project, so it does not disturb the
headline figure. (a) The steps of ``prepare`` are timed by calling the package's own
functions over all files (read_file, parse_turns, paragraph_spans, sentence_pieces,
nlp.sentence_spans, sha256). (b) One more ``import_files`` call is timed with timers wrapped
around ``importing.prepare`` and ``importing.store`` for the length of that call (no package
code is changed); "other" is what is left: duplicate checks, coder, commit.

Run by hand from the repository root:

    .venv/bin/python benchmarks/import_throughput.py [--words 1000000] [--corpus PATH]
        [--keep DIR] [--json] [--no-breakdown]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TARGET_WORDS_PER_SECOND = 150_000
DEFAULT_WORDS = 1_000_000
DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
LANGUAGE = "en"


def build_input(corpus: Path, target_words: int, folder: Path) -> tuple[list[Path], int, int]:
    """Write copies of the corpus files into ``folder`` until ``target_words`` is reached.

    Copy ``i`` of ``NAME.txt`` is ``NAME_r{i}.txt`` with ``\\n(copy i)\\n`` appended, so that no
    two texts are the same (the importer refuses a text it already holds). Returns the paths,
    the words and the characters written (counted as the importer counts them).
    """
    sources = sorted(corpus.glob("*.txt"))
    originals = [(path.stem, path.read_bytes()) for path in sources]
    paths: list[Path] = []
    words = characters = 0
    copy = 0
    while words < target_words:
        copy += 1
        for stem, data in originals:
            text = data.decode("utf-8") + f"\n(copy {copy})\n"
            path = folder / f"{stem}_r{copy}.txt"
            path.write_text(text, encoding="utf-8", newline="")
            paths.append(path)
            words += len(text.split())
            characters += len(text)
            if words >= target_words:
                break
    return paths, words, characters


def peak_rss_bytes() -> int:
    """Peak resident set size of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def project_file_bytes(path: Path) -> int:
    """Size of a closed SQLite project, with any WAL left beside it."""
    return sum(
        Path(f"{path}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


@contextmanager
def timed_attribute(module: Any, name: str, totals: dict[str, float]) -> Iterator[None]:
    """Accumulate the time spent in ``module.name`` while the block runs, then restore it."""
    original: Callable[..., Any] = getattr(module, name)
    totals.setdefault(name, 0.0)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - start

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, original)


def breakdown(paths: list[Path], folder: Path) -> dict[str, float]:
    """Phase times in seconds from a second pass (see the module docstring)."""
    from workbench.coding import importing
    from workbench.project.db import create_project
    from workbench.services import importing as import_service
    from workbench.text import nlp, units
    from workbench.text.readers import read_file
    from workbench.text.turns import parse_turns

    phases = dict.fromkeys(
        ("read_decode", "turns", "paragraphs", "sentence_pieces", "spacy_sentences", "sha256"),
        0.0,
    )
    clock = time.perf_counter
    for path in paths:
        t0 = clock()
        text = read_file(path).text
        t1 = clock()
        turns = parse_turns(text)
        t2 = clock()
        paragraphs = units.paragraph_spans(text, "lines")
        t3 = clock()
        pieces = units.sentence_pieces(paragraphs, turns, text)
        t4 = clock()
        list(nlp.sentence_spans(LANGUAGE, pieces))
        t5 = clock()
        hashlib.sha256(text.encode("utf-8")).hexdigest()
        t6 = clock()
        phases["read_decode"] += t1 - t0
        phases["turns"] += t2 - t1
        phases["paragraphs"] += t3 - t2
        phases["sentence_pieces"] += t4 - t3
        phases["spacy_sentences"] += t5 - t4
        phases["sha256"] += t6 - t5
    phases["phases_sum"] = sum(phases.values())

    project = create_project(folder / "breakdown.wbproj")
    inside: dict[str, float] = {}
    try:
        with (
            timed_attribute(importing, "prepare", inside),
            timed_attribute(importing, "store", inside),
        ):
            start = clock()
            import_service.import_files(project, paths, language=LANGUAGE)
            total = clock() - start
    finally:
        project.dispose()
    phases["import_prepare"] = inside["prepare"]
    phases["import_store"] = inside["store"]
    phases["import_other"] = total - inside["prepare"] - inside["store"]
    phases["import_total"] = total
    return phases


def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    input_dir = folder / "input"
    input_dir.mkdir()
    paths, words_written, chars_written = build_input(args.corpus, args.words, input_dir)

    from workbench.project.db import create_project
    from workbench.services import importing as import_service
    from workbench.text import nlp

    project_path = folder / "bench.wbproj"
    project = create_project(project_path)

    start = time.perf_counter()
    nlp.pipeline(LANGUAGE)
    spacy_load = time.perf_counter() - start

    try:
        start = time.perf_counter()
        imported = import_service.import_files(project, paths, language=LANGUAGE)
        seconds = time.perf_counter() - start
    finally:
        project.dispose()
    peak = peak_rss_bytes()

    words = sum(doc.words for doc in imported)
    characters = sum(doc.characters for doc in imported)
    if (words, characters) != (words_written, chars_written):
        print(
            f"warning: the importer counted {words:,} words / {characters:,} characters, "
            f"the files hold {words_written:,} / {chars_written:,}",
            file=sys.stderr,
        )
    rate = words / seconds
    import spacy
    import sqlalchemy

    result: dict[str, Any] = {
        "benchmark": "import_throughput",
        "corpus": str(args.corpus),
        "files": len(imported),
        "words": words,
        "characters": characters,
        "turns": sum(doc.turns for doc in imported),
        "paragraphs": sum(doc.paragraphs for doc in imported),
        "sentences": sum(doc.sentences for doc in imported),
        "spacy_load_seconds": round(spacy_load, 3),
        "seconds": round(seconds, 3),
        "words_per_second": round(rate),
        "target_words_per_second": TARGET_WORDS_PER_SECOND,
        "result": "PASS" if rate >= TARGET_WORDS_PER_SECOND else "FAIL",
        "peak_rss_bytes": peak,
        "project_file_bytes": project_file_bytes(project_path),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "sqlalchemy": sqlalchemy.__version__,
    }
    if not args.no_breakdown:
        result["breakdown_seconds"] = {
            key: round(value, 3) for key, value in breakdown(paths, folder).items()
        }
    return result


def print_report(result: dict[str, Any]) -> None:
    mib = 1024 * 1024
    print("workbench import throughput (dev corpus repeated)")
    print(f"  corpus        {result['corpus']}")
    print(
        f"  input         {result['files']:,} files, {result['words']:,} words, "
        f"{result['characters']:,} characters"
    )
    print(
        f"  stored        {result['turns']:,} turns, {result['paragraphs']:,} paragraphs, "
        f"{result['sentences']:,} sentences"
    )
    print(f"  spaCy load    {result['spacy_load_seconds']:.3f} s (not counted)")
    print(f"  import        {result['seconds']:.3f} s (one import_files call, one transaction)")
    print(
        f"  throughput    {result['words_per_second']:,} words/s  {result['result']} "
        f"(target >= {result['target_words_per_second']:,} words/s)"
    )
    print(f"  peak RSS      {result['peak_rss_bytes'] / mib:.1f} MiB")
    print(f"  project file  {result['project_file_bytes'] / mib:.1f} MiB")
    phases = result.get("breakdown_seconds")
    if not phases:
        return
    print("  breakdown (second pass, second fresh project)")
    print("    steps of prepare, called directly:")
    rows = [
        ("read + decode", "read_decode"),
        ("turn parsing", "turns"),
        ("paragraphs", "paragraphs"),
        ("sentence pieces", "sentence_pieces"),
        ("spaCy sentences", "spacy_sentences"),
        ("sha256", "sha256"),
        ("sum", "phases_sum"),
    ]
    total = phases["phases_sum"]
    for label, key in rows:
        print(f"      {label:<18}{phases[key]:8.3f} s  {100 * phases[key] / total:5.1f} %")
    print("    one more import_files call, timed inside:")
    rows = [
        ("prepare", "import_prepare"),
        ("store", "import_store"),
        ("other", "import_other"),
        ("total", "import_total"),
    ]
    total = phases["import_total"]
    for label, key in rows:
        print(f"      {label:<18}{phases[key]:8.3f} s  {100 * phases[key] / total:5.1f} %")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--words",
        type=int,
        default=DEFAULT_WORDS,
        help=f"words to import (default {DEFAULT_WORDS:,})",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help=f"folder with the corpus .txt files (default {DEFAULT_CORPUS})",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="work in DIR (new or empty) and keep the files and projects there",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip the second pass that times the phases"
    )
    args = parser.parse_args(argv)

    if args.words <= 0:
        parser.error("--words must be positive")
    if not args.corpus.is_dir() or not any(args.corpus.glob("*.txt")):
        sys.exit(f"import_throughput: no corpus .txt files at {args.corpus} (use --corpus PATH)")

    if args.keep is not None:
        if args.keep.exists() and (not args.keep.is_dir() or any(args.keep.iterdir())):
            sys.exit(f"import_throughput: --keep {args.keep} must be a new or empty folder")
        args.keep.mkdir(parents=True, exist_ok=True)
        folder = args.keep
    else:
        folder = Path(tempfile.mkdtemp(prefix="wb-import-bench-"))
    try:
        result = run(args, folder)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)

    if args.json:
        print(json.dumps(result))
    else:
        print_report(result)
        if args.keep is not None:
            print(f"  kept in       {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
