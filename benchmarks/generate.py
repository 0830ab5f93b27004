"""A generated project for the analysis benchmark: imported transcripts plus bulk coding.

``generate(path, docs=1000)`` writes ``docs`` synthetic Dutch-like speaker-turn transcripts of
about ``words`` words each, imports them with :func:`workbench.services.importing.import_files`
(so turns, sentences and paragraphs are the real ones), then bulk-inserts with SQLAlchemy core:

- 100 codes in a tree: 10 top-level codes with 9 children each;
- 200 segments per document (``segments``), 40 to 600 characters long, anywhere in the text,
  so segments overlap each other now and then, as real coding does;
- codings: one code per segment, a second code on 30 % of the segments, and the same code
  by the second coder on 10 % (double coding for agreement); codes drawn with a mild skew
  (weight 1 / rank^0.7), so some codes are common and some rare, as in real codebooks;
- 500 places (``places``); 40 % of the segments linked to one place, 10 % to two;
- one case per document with attributes ``wijk`` (text, 20 values), ``leeftijd`` (integer)
  and ``rol`` (text).

Everything is drawn from ``random.Random(seed)``: the same parameters give the same
project. Run as a script to build one project::

    .venv/bin/python benchmarks/generate.py OUT.db [--docs 100] [--words 8000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

GENERATOR_VERSION = 1
N_TOP_CODES = 10
N_CHILD_CODES = 9
NEIGHBOURHOODS = [
    "Hatert", "Lindenholt", "Dukenburg", "Bottendaal", "Heseveld", "Neerbosch", "Hees",
    "Biezen", "Wolfskuil", "Meijhorst", "Tolhuis", "Zwanenveld", "Aldenhof", "Malvert",
    "Weezenhof", "Lankforst", "Brakkenstein", "Altrade", "Galgenveld", "Hunnerberg",
]  # fmt: skip
PLACE_WORDS = [
    "buurthuis", "bibliotheek", "bieb", "park", "speeltuin", "markt", "kerk", "moskee",
    "supermarkt", "sportschool", "zwembad", "huiskamer", "wijkcentrum", "café", "school",
]  # fmt: skip
WORDS = (
    "ik je we ze hij het de een en van in op met naar voor niet maar dan wel ook nog al "
    "heel gewoon eigenlijk altijd soms vaak nooit daar hier toen nu straks morgen gisteren "
    "gaan komen zitten praten lopen wonen werken kijken denken zeggen weten voelen missen "
    "buren kinderen mensen vrijwilligers koffie tafel deur straat wijk stad huis tuin hond "
    "welkom fijn gezellig eenzaam moeilijk druk rustig oud nieuw mooi lelijk groot klein "
    "vroeger samen alleen iedereen niemand iets niets veel weinig beetje keer dag week jaar "
    "gemeente bus fiets auto boodschappen activiteit bingo breien kaarten zingen sporten"
).split()


def _text(rng: random.Random, words: int, doc: int) -> str:
    """A transcript: alternating ``Interviewer:`` / ``Bewoner:`` turns, one line each."""
    lines = [f"Interview {doc} (gegenereerd voor de benchmark)", ""]
    count = 0
    interviewer = True
    while count < words:
        sentences = []
        for _ in range(rng.randint(1, 3) if interviewer else rng.randint(2, 12)):
            length = rng.randint(4, 22)
            chosen = [rng.choice(WORDS) for _ in range(length)]
            if rng.random() < 0.3:
                chosen[rng.randrange(length)] = rng.choice(PLACE_WORDS)
            sentence = " ".join(chosen)
            sentences.append(sentence[0].upper() + sentence[1:] + rng.choice(".?.!."))
            count += length
        label = "Interviewer" if interviewer else "Bewoner"
        lines.append(f"{label}: {' '.join(sentences)}")
        lines.append("")
        interviewer = not interviewer
    return "\n".join(lines)


def _now() -> datetime:
    return datetime.now(UTC)


def generate(
    path: Path,
    *,
    docs: int = 1000,
    words: int = 8000,
    segments: int = 200,
    places: int = 500,
    seed: int = 1,
    progress: bool = True,
) -> dict[str, float]:
    """Create the project at ``path`` (must not exist); returns the seconds of each phase."""
    from workbench.project import db, settings
    from workbench.project.models import (
        Case,
        CaseValue,
        Code,
        Coder,
        Coding,
        Document,
        DocumentCase,
        Place,
        Segment,
        SegmentPlace,
        Variable,
    )
    from workbench.services import importing as import_service

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    project = db.create_project(path)
    try:
        with project.transaction("init", record=False) as session:
            settings.put(session, "language", "nl")
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            batch = 100
            for first in range(0, docs, batch):
                files = []
                for doc in range(first, min(first + batch, docs)):
                    file = Path(folder) / f"interview-{doc:05d}.txt"
                    file.write_text(_text(rng, words, doc), encoding="utf-8")
                    files.append(file)
                import_service.import_files(project, files, language="nl", coder="ann")
                for file in files:
                    file.unlink()
                if progress:
                    print(f"  imported {min(first + batch, docs)}/{docs}", file=sys.stderr)
        timings["import"] = time.perf_counter() - started

        started = time.perf_counter()
        with project.transaction("generate", record=False) as session:
            connection = session.connection()
            connection.execute(sa.delete(Coder).where(Coder.name != "ann"))
            ann = connection.execute(sa.select(Coder.id).where(Coder.name == "ann")).scalar_one()
            bo = connection.execute(
                sa.insert(Coder).values(name="bo", guid=str(uuid.uuid4()), created_at=_now())
            ).inserted_primary_key[0]
            now = _now()
            code_rows = []
            code_id = 0
            for top in range(N_TOP_CODES):
                code_id += 1
                parent = code_id
                code_rows.append((code_id, f"thema-{top:02d}", None))
                for child in range(N_CHILD_CODES):
                    code_id += 1
                    code_rows.append((code_id, f"thema-{top:02d}-{child}", parent))
            connection.execute(
                sa.insert(Code),
                [
                    {
                        "id": i,
                        "name": name,
                        "parent_id": parent,
                        "position": i,
                        "guid": str(uuid.UUID(int=rng.getrandbits(128))),
                        "created_at": now,
                        "color": "#888888",
                        "keywords": "[]",
                        "label": "",
                        "description": "",
                        "inclusion": "",
                        "exclusion": "",
                        "example": "",
                    }
                    for i, name, parent in code_rows
                ],
            )
            code_ids = [row[0] for row in code_rows]
            weights = [1 / (rank + 1) ** 0.7 for rank in range(len(code_ids))]
            rng.shuffle(weights)
            place_ids = list(range(1, places + 1))
            connection.execute(
                sa.insert(Place),
                [
                    {
                        "id": i,
                        "name": f"{rng.choice(PLACE_WORDS)} {i}",
                        "kind": "other",
                        "status": "existing",
                        "neighbourhood": rng.choice(NEIGHBOURHOODS),
                        "municipality": "Nijmegen",
                        "address": "",
                        "description": "",
                        "guid": str(uuid.UUID(int=rng.getrandbits(128))),
                        "created_at": now,
                    }
                    for i in place_ids
                ],
            )
            documents = connection.execute(
                sa.select(Document.id, Document.char_count).order_by(Document.id)
            ).all()
            segment_id = 0
            seg_rows: list[dict[str, object]] = []
            coding_rows: list[dict[str, object]] = []
            link_rows: list[dict[str, object]] = []

            def flush() -> None:
                for model, rows in (
                    (Segment, seg_rows),
                    (Coding, coding_rows),
                    (SegmentPlace, link_rows),
                ):
                    if rows:
                        connection.execute(sa.insert(model), rows)
                        rows.clear()

            for doc_id, length in documents:
                seen: set[tuple[int, int]] = set()
                while len(seen) < segments:
                    size = rng.randint(40, 600)
                    start = rng.randrange(0, max(length - size, 1))
                    span = (start, min(start + size, length))
                    if span in seen or span[1] <= span[0]:
                        continue
                    seen.add(span)
                    segment_id += 1
                    coder = ann if rng.random() < 0.6 else bo
                    seg_rows.append(
                        {
                            "id": segment_id,
                            "document_id": doc_id,
                            "start": span[0],
                            "end": span[1],
                            "guid": str(uuid.UUID(int=rng.getrandbits(128))),
                            "created_at": now,
                            "coder_id": coder,
                        }
                    )
                    first_code = rng.choices(code_ids, weights)[0]
                    chosen = [(first_code, coder)]
                    if rng.random() < 0.3:
                        second = rng.choices(code_ids, weights)[0]
                        if second != first_code:
                            chosen.append((second, coder))
                    if rng.random() < 0.1:
                        chosen.append((first_code, bo if coder == ann else ann))
                    for code, by in chosen:
                        coding_rows.append(
                            {
                                "segment_id": segment_id,
                                "code_id": code,
                                "coder_id": by,
                                "guid": str(uuid.UUID(int=rng.getrandbits(128))),
                                "created_at": now,
                            }
                        )
                    draw = rng.random()
                    linked = rng.sample(place_ids, 2 if draw < 0.1 else 1 if draw < 0.5 else 0)
                    for place in linked:
                        link_rows.append(
                            {
                                "segment_id": segment_id,
                                "place_id": place,
                                "coder_id": coder,
                                "created_at": now,
                            }
                        )
                if len(seg_rows) >= 20_000:
                    flush()
            flush()

            variables = {"wijk": "text", "leeftijd": "integer", "rol": "text"}
            var_ids = {}
            for name, type_name in variables.items():
                var_ids[name] = connection.execute(
                    sa.insert(Variable).values(
                        name=name, type=type_name, description="", guid=str(uuid.uuid4())
                    )
                ).inserted_primary_key[0]
            case_rows, member_rows, value_rows = [], [], []
            for index, (doc_id, _length) in enumerate(documents, start=1):
                case_rows.append(
                    {
                        "id": index,
                        "name": f"deelnemer {index:05d}",
                        "description": "",
                        "guid": str(uuid.UUID(int=rng.getrandbits(128))),
                        "created_at": now,
                        "coder_id": ann,
                    }
                )
                member_rows.append({"document_id": doc_id, "case_id": index})
                values = {
                    "wijk": rng.choice(NEIGHBOURHOODS),
                    "leeftijd": str(rng.randint(18, 90)),
                    "rol": rng.choice(["bewoner", "vrijwilliger", "professional"]),
                }
                value_rows += [
                    {"case_id": index, "variable_id": var_ids[name], "value": value}
                    for name, value in values.items()
                ]
            connection.execute(sa.insert(Case), case_rows)
            connection.execute(sa.insert(DocumentCase), member_rows)
            connection.execute(sa.insert(CaseValue), value_rows)
        timings["coding"] = time.perf_counter() - started
        try:
            from workbench.text import lemmas

            started = time.perf_counter()
            lemmas.index_project(project)
            timings["lemma index"] = time.perf_counter() - started
        except (ImportError, AttributeError):
            pass
    except BaseException:
        project.dispose()
        db.remove_project_files(path)
        raise
    project.dispose()
    return timings


def cache_dir() -> Path:
    """Where generated projects are kept between runs."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("workbench")) / "benchmarks"


def cached_project(
    *,
    docs: int,
    words: int = 8000,
    segments: int = 200,
    places: int = 500,
    seed: int = 1,
    folder: Path | None = None,
) -> tuple[Path, dict[str, float] | None]:
    """The project for these parameters, generated on first use; returns its path and the
    generation timings (None when it came from the cache).

    The file name holds every parameter, the generator version and the schema revision, so
    a changed generator or schema makes a new project instead of migrating an old one.
    """
    from workbench.project.db import HEAD_REVISION

    folder = folder or cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = (
        f"analysis-d{docs}-w{words}-s{segments}-p{places}-seed{seed}"
        f"-g{GENERATOR_VERSION}-r{HEAD_REVISION}.db"
    )
    path = folder / name
    if path.exists():
        return path, None
    partial = folder / f"partial-{name}"
    from workbench.project.db import remove_project_files

    remove_project_files(partial)
    timings = generate(partial, docs=docs, words=words, segments=segments, places=places, seed=seed)
    partial.rename(path)
    return path, timings


def main(argv: list[str] | None = None) -> int:
    """Build one project from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--words", type=int, default=8000)
    parser.add_argument("--segments", type=int, default=200)
    parser.add_argument("--places", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    timings = generate(
        args.out,
        docs=args.docs,
        words=args.words,
        segments=args.segments,
        places=args.places,
        seed=args.seed,
    )
    print(", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
