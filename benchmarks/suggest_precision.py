"""How many suggestions, and how many of them a researcher would accept (issue 14).

Builds a project with the shipped codebook (``sociale-infrastructuur``, language English)
and the dev corpus (``../shared/corpus``, 17 English interviews), lists the suggestions as
``workbench suggest`` does, and prints:

- how many suggestions are shown, how many matches there are in all (``--all``), and the
  most shown for one document;
- the precision of two samples judged by hand, from ``benchmarks/data/``:
  ``first50``, the first 50 suggestions in the order the tool presents them, and
  ``random50``, 50 drawn from all the suggestions shown (``random.Random(14).sample``, in
  the tool's order). Each row says whether a careful researcher would accept the code for
  that passage, with the code's definition in the codebook as the yardstick.

``suggest_judgements_before.csv`` judges the suggestions of commit 848c61c (every keyword
matched by lemma, every match shown, in document order); ``suggest_judgements_after.csv``
the ranked, limited suggestions of :mod:`workbench.analysis.suggest`. The files hold
document names, offsets, codes, codebook keywords and the judgement: no transcript text (the
corpus is third-party data). The script checks that the ``after`` samples are still what
the tool lists now, and says so when they are not (then judge the new rows again).

    .venv/bin/python benchmarks/suggest_precision.py [--corpus PATH] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
SEED = 14
#: The figures of commit 848c61c on the same project (its code is not kept here).
BEFORE = {"shown": 8052, "every": 8052, "most_in_one_document": 765}


def build(corpus: Path, folder: Path) -> Any:
    """A project with the shipped codebook and the corpus, indexed; returns it open."""
    from workbench.project import db
    from workbench.services.importing import import_files
    from workbench.services.project import init_project
    from workbench.text import lemmas

    target = folder / "corpus.db"
    init_project(target, language="en", codebook_path="sociale-infrastructuur")
    project = db.open_project(target)
    import_files(project, sorted(corpus.glob("*.txt")), language="en")
    lemmas.index_project(project)
    return project


def judged(path: Path) -> dict[str, list[dict[str, str]]]:
    """The judgement rows of a file, per sample."""
    samples: dict[str, list[dict[str, str]]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            samples.setdefault(row["sample"], []).append(row)
    return samples


def key(row: dict[str, Any]) -> tuple[str, int, int, str]:
    return (
        str(row["document"]),
        int(row["start"]),
        int(row["end"]),
        str(row.get("code") or row.get("target")),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    args = parser.parse_args()
    if not any(args.corpus.glob("*.txt")):
        print(
            f"no transcripts in {args.corpus}: give the dev corpus with --corpus", file=sys.stderr
        )
        return 2
    from workbench.analysis.suggest import suggest

    with tempfile.TemporaryDirectory() as folder:
        project = build(args.corpus, Path(folder))
        try:
            with project.session() as session:
                shown = [s.to_dict() for s in suggest(session)]
                every = suggest(session, every=True)
        finally:
            project.dispose()
    per_document = Counter(s["document"] for s in shown)
    samples_now = {
        "first50": shown[:50],
        "random50": [shown[i] for i in sorted(random.Random(SEED).sample(range(len(shown)), 50))],
    }
    report: dict[str, Any] = {
        "before": {**BEFORE},
        "after": {
            "shown": len(shown),
            "every": len(every),
            "most_in_one_document": max(per_document.values(), default=0),
        },
    }
    for which in ("before", "after"):
        for sample, rows in judged(DATA / f"suggest_judgements_{which}.csv").items():
            accepted = sum(row["accept"] == "yes" for row in rows)
            report[which][f"precision_{sample}"] = f"{accepted}/{len(rows)}"
            if which == "after":
                stale = [
                    r for r, s in zip(rows, samples_now[sample], strict=False) if key(r) != key(s)
                ]
                if stale or len(rows) != len(samples_now[sample]):
                    report[which][f"stale_{sample}"] = len(stale) + abs(
                        len(rows) - len(samples_now[sample])
                    )
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for which in ("before", "after"):
        figures = report[which]
        print(
            f"{which:>6}: {figures['shown']} suggestions shown ({figures['every']} matches), "
            f"at most {figures['most_in_one_document']} in one document; accepted: "
            f"first 50 {figures['precision_first50']}, random 50 {figures['precision_random50']}"
        )
        for sample in ("first50", "random50"):
            if f"stale_{sample}" in figures:
                print(
                    f"        {figures[f'stale_{sample}']} rows of the {sample} sample are not "
                    "what the tool lists now: judge them again"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
