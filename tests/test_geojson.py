"""The places map (``workbench export --format geojson``).

Expected features and counts are computed here from the project's rows with plain Python
(for each place: its linked segments; for each code: how many of those carry it), never
from the module's own queries.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from tests.conftest import as_json
from workbench.coding import places as place_ops
from workbench.coding import segments as segment_ops
from workbench.exchange.geojson import export_geojson, places_feature_collection
from workbench.project import coders, db
from workbench.project.models import Code, Coding, Place, PlaceAlias, SegmentPlace
from workbench.project.target import ProjectTarget
from workbench.services import importing as import_service

TEXT = (
    "I: Where do you meet people?\n"
    "R: At the library on Monday, and in the park when it is warm.\n"
    "R: The youth club closed; we miss it. The library is our second home.\n"
)


@pytest.fixture
def mapped(project: db.Project, tmp_path: Path) -> db.Project:
    """A project with places with and without coordinates, linked to coded segments."""
    source = tmp_path / "talk.txt"
    source.write_text(TEXT, encoding="utf-8")
    import_service.import_files(project, [source], coder="ann")
    with project.transaction("t", coder="ann") as session:
        ann = coders.ensure(session, "ann").id
        bob = coders.ensure(session, "bob").id
        place_ops.add_place(
            session,
            "Library Zoë",
            kind="library",
            neighbourhood="Newham",
            municipality="London",
            address="1 High St",
            latitude=51.5,
            longitude=0.03,
            aliases=["the library", "bieb"],
            coder_id=ann,
        )
        place_ops.add_place(session, "Park", kind="park", latitude=-33.9, longitude=151.2)
        place_ops.add_place(session, "Youth club", kind="community_centre", status="lost")
        place_ops.add_place(session, "Unused", kind="park", latitude=10.0, longitude=20.0)

        def span(phrase: str) -> tuple[int, int]:
            start = TEXT.index(phrase)
            return start, start + len(phrase)

        s, e = span("At the library on Monday")
        segment_ops.code_span(session, "talk", s, e, ["welcome", "routine"], coder_id=ann)  # type: ignore[arg-type]
        segment_ops.code_span(
            session, "talk", s, e, ["welcome"], places=["Library Zoë"], coder_id=bob
        )  # type: ignore[arg-type]
        s, e = span("in the park when it is warm")
        segment_ops.code_span(session, "talk", s, e, ["routine"], places=["Park"], coder_id=ann)  # type: ignore[arg-type]
        s, e = span("The youth club closed; we miss it.")
        segment_ops.code_span(
            session, "talk", s, e, ["lost place"], places=["Youth club"], coder_id=ann
        )  # type: ignore[arg-type]
        s, e = span("The library is our second home.")
        segment_ops.code_span(
            session, "talk", s, e, ["second home", "welcome"], places=["Library Zoë"], coder_id=ann
        )  # type: ignore[arg-type]
        s, e = span("Where do you meet people?")
        segment_ops.code_span(session, "talk", s, e, [], places=["Library Zoë"], coder_id=ann)  # type: ignore[arg-type]
    return project


def expected_features(project: db.Project) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Brute force from the rows: name -> (coordinates, segments, codes), and the rest."""
    with project.session() as session:
        places = list(session.exec(select(Place)))
        links = list(session.exec(select(SegmentPlace)))
        codings = list(session.exec(select(Coding)))
        codes = {c.id: c.name for c in session.exec(select(Code))}
        aliases = defaultdict(list)
        for alias in session.exec(select(PlaceAlias)):
            aliases[alias.place_id].append(alias.alias)
    on_segment = defaultdict(set)
    for row in codings:
        on_segment[row.segment_id].add(codes[row.code_id])
    out: dict[str, dict[str, Any]] = {}
    missing = []
    for place in places:
        if place.latitude is None:
            missing.append(place.name)
            continue
        segments = {link.segment_id for link in links if link.place_id == place.id}
        counts: dict[str, int] = defaultdict(int)
        for segment in segments:
            for name in on_segment[segment]:
                counts[name] += 1
        out[place.name] = {
            "coordinates": [place.longitude, place.latitude],
            "segments": len(segments),
            "codes": dict(counts),
            "aliases": sorted(aliases[place.id]),
            "kind": place.kind,
            "status": place.status,
        }
    return out, sorted(missing)


def test_features_counts_and_order(mapped: db.Project) -> None:
    with mapped.session() as session:
        collection, missing = places_feature_collection(session)
    expected, expected_missing = expected_features(mapped)
    assert collection["type"] == "FeatureCollection"
    assert sorted(missing) == expected_missing == ["Youth club"]
    found = {}
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        props = feature["properties"]
        found[props["name"]] = {
            "coordinates": feature["geometry"]["coordinates"],
            "segments": props["segments"],
            "codes": props["codes"],
            "aliases": sorted(props["aliases"]),
            "kind": props["kind"],
            "status": props["status"],
        }
    assert found == expected
    # GeoJSON order is [longitude, latitude]
    assert found["Park"]["coordinates"] == [151.2, -33.9]
    assert found["Library Zoë"]["segments"] == 3
    assert found["Library Zoë"]["codes"] == {"welcome": 2, "routine": 1, "second home": 1}
    assert found["Unused"]["segments"] == 0 and found["Unused"]["codes"] == {}


def test_file_and_cli_warning(mapped: db.Project, cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "map.geojson"
    path = mapped.target
    result = cli("export", path, "--format", "geojson", "-o", out)
    assert "Youth club" in result.stderr and "warning" in result.stderr
    assert "Youth club" not in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "Library Zoë" in out.read_text(encoding="utf-8")  # not escaped as \\u
    assert len(data["features"]) == 3
    report = as_json(cli("export", path, "-o", tmp_path / "again.geojson", "--json"))
    assert report["features"] == 3 and report["without_coordinates"] == ["Youth club"]


def test_no_warning_when_every_place_has_coordinates(
    project: db.Project, cli: Any, tmp_path: Path
) -> None:
    with project.transaction("t", coder="ann") as session:
        place_ops.add_place(session, "Here", kind="park", latitude=1.0, longitude=2.0)
    result = cli("export", project.target, "-o", tmp_path / "m.geojson")
    assert result.stderr == ""
    with project.session() as session:
        report = export_geojson(session, tmp_path / "n.geojson")
    assert report.features == 1 and report.without_coordinates == []


def test_demo_map(demo: ProjectTarget, tmp_path: Path) -> None:
    project = db.open_project(demo)
    try:
        expected, missing = expected_features(project)
        with project.session() as session:
            report = export_geojson(session, tmp_path / "demo.geojson")
    finally:
        project.dispose()
    data = json.loads((tmp_path / "demo.geojson").read_text(encoding="utf-8"))
    assert report.features == len(data["features"]) == len(expected) > 0
    assert sorted(report.without_coordinates) == missing
    for feature in data["features"]:
        assert (
            feature["geometry"]["coordinates"]
            == expected[feature["properties"]["name"]]["coordinates"]
        )
        assert feature["properties"]["codes"] == expected[feature["properties"]["name"]]["codes"]
