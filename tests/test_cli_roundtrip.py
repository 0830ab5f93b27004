"""A research session through the command line, checked through ``--json``.

Init with the shipped codebook, import real transcripts, code spans with several codes and
places, list, undo and redo (also across separate processes), memos, cases, the codebook
commands.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Targets, as_json, corpus_file, needs_corpus
from workbench.project.target import ProjectTarget

pytestmark = needs_corpus

P01 = "P01_male_24_Newham"
P17 = "P17_female_20_Newham"


def _text_of(path: Path) -> str:
    from workbench.text.readers import normalise

    return normalise(path.read_text(encoding="utf-8"))


@pytest.fixture
def study(targets: Targets, cli) -> ProjectTarget:  # type: ignore[no-untyped-def]
    path = targets.new()
    cli("init", path, "--codebook", "sociale-infrastructuur", "--language", "en")
    cli(
        "import",
        path,
        corpus_file(P01),
        corpus_file(P17, ".docx"),
        "--case",
        "young adults",
        "--attr",
        "borough=Newham",
        "--attr",
        "age_group:text=18-24",
    )
    return path


def test_init_and_import(study: ProjectTarget, cli) -> None:  # type: ignore[no-untyped-def]
    docs = as_json(cli("docs", study, "--json"))
    assert [d["name"] for d in docs] == [P01, P17]
    by_name = {d["name"]: d for d in docs}
    assert by_name[P01]["speakers"] == {"Interviewer": 27, "Interviewee": 27}
    assert by_name[P17]["speakers"] == {"Interviewer": 88, "Interviewee": 88}
    assert by_name[P01]["words"] == len(_text_of(corpus_file(P01)).split())
    assert all(d["cases"] == ["young adults"] for d in docs)
    cases = as_json(cli("cases", study, "--json"))
    assert cases[0]["attributes"] == {"age_group": "18-24", "borough": "Newham"}
    codes = as_json(cli("codes", study, "--json"))
    names = {c["name"] for c in codes}
    assert {"welcome", "stigma", "lost place", "host role"} <= names
    assert all(c["segments"] == 0 for c in codes)


def test_code_list_undo_redo(study: ProjectTarget, cli) -> None:  # type: ignore[no-untyped-def]
    text = _text_of(corpus_file(P01))
    start = text.index("being misunderstood")
    end = start + len("being misunderstood")
    cli(
        "place",
        "add",
        study,
        "Stratford Library",
        "--kind",
        "library",
        "--alias",
        "the library",
        "--neighbourhood",
        "Stratford",
        "--municipality",
        "Newham",
    )
    cli("place", "add", study, "Old youth club", "--kind", "youth_facility", "--status", "lost")

    first = as_json(
        cli(
            "code",
            study,
            P01,
            start,
            end,
            "loneliness",
            "stigma",
            "--place",
            "the library",
            "--coder",
            "ann",
            "--json",
        )
    )
    assert first == {
        "segment": first["segment"],
        "document": P01,
        "start": start,
        "end": end,
        "codes": ["loneliness", "stigma"],
        "places": ["Stratford Library"],
    }
    second = as_json(
        cli(
            "code",
            study,
            P01,
            0,
            30,
            "lost place",
            "--place",
            "Old youth club",
            "--place",
            "Stratford Library",
            "--json",
        )
    )
    assert second["places"] == ["Old youth club", "Stratford Library"]
    # Coding the same span again adds to the same segment.
    again = as_json(cli("code", study, P01, start, end, "welcome", "--json"))
    assert again["segment"] == first["segment"]
    assert again["codes"] == ["loneliness", "stigma", "welcome"]

    codes = {c["name"]: c for c in as_json(cli("codes", study, "--json"))}
    assert codes["stigma"]["segments"] == 1 and codes["welcome"]["segments"] == 1
    assert codes["lost place"]["segments"] == 1
    assert codes["changing places"]["segments"] == 0
    assert codes["changing places"]["segments_total"] == 1  # lost place is its child
    places = {p["name"]: p for p in as_json(cli("places", study, "--json"))}
    assert places["Stratford Library"]["segments"] == 2
    assert places["Stratford Library"]["aliases"] == ["the library"]
    assert places["Old youth club"]["status"] == "lost"
    docs = {d["name"]: d for d in as_json(cli("docs", study, "--json"))}
    assert docs[P01]["segments"] == 2

    undone = as_json(cli("undo", study, "--json"))
    assert undone["action"] == "code" and undone["state"] == "undone"
    codes = {c["name"]: c for c in as_json(cli("codes", study, "--json"))}
    assert codes["welcome"]["segments"] == 0 and codes["stigma"]["segments"] == 1
    cli("undo", study)
    places = {p["name"]: p for p in as_json(cli("places", study, "--json"))}
    assert places["Stratford Library"]["segments"] == 1
    assert places["Old youth club"]["segments"] == 0
    cli("redo", study)
    cli("redo", study)
    codes = {c["name"]: c for c in as_json(cli("codes", study, "--json"))}
    assert codes["welcome"]["segments"] == 1 and codes["lost place"]["segments"] == 1
    nothing = cli("redo", study, ok=False)
    assert nothing.exit_code != 0 and "nothing to redo" in nothing.stderr

    history = as_json(cli("history", study, "--all", "--json"))  # every coder's changes
    assert [h["action"] for h in history[:3]] == ["code", "code", "code"]
    assert history[-1]["action"] == "place add"
    assert any(h["coder"] == "ann" for h in history)


def test_uncode_link_memo(study: ProjectTarget, cli) -> None:  # type: ignore[no-untyped-def]
    seg = as_json(cli("code", study, P01, 10, 40, "welcome", "host role", "--json"))["segment"]
    cli("place", "add", study, "Canal path", "--kind", "walking_route", "--status", "missed")
    linked = as_json(cli("link", study, seg, "Canal path", "--json"))
    assert linked["places"] == ["Canal path"]
    after = as_json(cli("uncode", study, seg, "host role", "--json"))
    assert after["codes"] == ["welcome"]
    cli("memo", study, "segment", seg, "Talks about the path as a meeting place")
    cli("memo", study, "project", "First round of open coding")
    cli("memo", study, "place", "Canal path", "Closed in 2019")
    missing = cli("memo", study, "code", "no such code", "text", ok=False)
    assert missing.exit_code != 0 and "no code called" in missing.stderr
    # Removing the last code keeps the segment: it still has a place and a memo.
    kept = as_json(cli("uncode", study, seg, "--json"))
    assert kept["codes"] == [] and kept["places"] == ["Canal path"]
    cli("undo", study)
    assert as_json(cli("code", study, P01, 10, 40, "stigma", "--json"))["codes"] == [
        "stigma",
        "welcome",
    ]


def test_codebook_commands(study: ProjectTarget, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("codebook", "add", study, "bench talk", "--parent", "contact", "--color", "#aabbcc")
    seg_a = as_json(cli("code", study, P01, 0, 20, "bench talk", "--json"))["segment"]
    as_json(cli("code", study, P01, 30, 50, "weak ties", "--json"))
    cli("codebook", "rename", study, "bench talk", "bench chat")
    cli("codebook", "move", study, "bench chat", "--parent", "weak ties")
    tree = {c["name"]: c for c in as_json(cli("codes", study, "--json"))}
    assert tree["bench chat"]["parent"] == "weak ties"
    assert tree["weak ties"]["segments_total"] == 2
    cli("codebook", "merge", study, "bench chat", "weak ties")
    tree = {c["name"]: c for c in as_json(cli("codes", study, "--json"))}
    assert "bench chat" not in tree and tree["weak ties"]["segments"] == 2
    cli("undo", study)  # the merge comes back
    tree = {c["name"]: c for c in as_json(cli("codes", study, "--json"))}
    assert tree["bench chat"]["segments"] == 1 and tree["weak ties"]["segments"] == 1
    cycle = cli("codebook", "move", study, "contact", "--parent", "bench chat", ok=False)
    assert cycle.exit_code != 0 and "under itself" in cycle.stderr
    cli("codebook", "delete", study, "bench chat")
    assert as_json(cli("code", study, P01, 0, 20, "welcome", "--json"))["segment"] != seg_a
    out = tmp_path / "export.yaml"
    cli("codebook", "export", study, "-o", out)
    from workbench.coding.codebook import load_codebook

    exported = load_codebook(out)
    names = [code.name for code, _ in exported.all_codes()]
    assert "bench chat" not in names and "welcome" in names
    assert len(exported.place_kinds) >= 14


def test_undo_survives_a_restart_in_separate_processes(study: ProjectTarget) -> None:
    def run(*args: object) -> dict:  # type: ignore[type-arg]
        done = subprocess.run(
            [sys.executable, "-m", "workbench", *map(str, args)],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout)

    seg = run("code", study, P01, 5, 25, "welcome", "--json")
    assert seg["codes"] == ["welcome"]
    assert run("undo", study, "--json")["action"] == "code"
    assert run("redo", study, "--json")["state"] == "done"
    codes = {c["name"]: c["segments"] for c in run("codes", study, "--json")}
    assert codes["welcome"] == 1
