"""The places map: places with coordinates as a GeoJSON FeatureCollection (RFC 7946).

Each feature is a Point at ``[longitude, latitude]`` (GeoJSON's order) with the place's name,
kind, status, area, address, aliases, the number of segments linked to it, and per code the
number of those segments coded with that code (the row of the code × place matrix for this
place, without roll-up). Places without coordinates cannot be drawn; they are listed in the
report so that the command line can warn about them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from workbench.exchange.files import temporary_beside
from workbench.project.models import Code, Coding, Place, PlaceAlias, SegmentPlace, id_of


@dataclass
class MapReport:
    """What :func:`export_geojson` wrote: the file, the features, the places left out."""

    path: str
    format: str = "geojson"
    features: int = 0
    without_coordinates: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """The report as the ``--json`` output of ``workbench export --format geojson``."""
        return asdict(self)


def places_feature_collection(session: Session) -> tuple[dict[str, Any], list[str]]:
    """The GeoJSON FeatureCollection of the places with coordinates, and the names of the
    places without coordinates (both by place name)."""
    segments: dict[int, int] = dict(
        session.execute(
            select(
                SegmentPlace.place_id, sa.func.count(sa.distinct(col(SegmentPlace.segment_id)))
            ).group_by(col(SegmentPlace.place_id))
        ).all()
    )
    codes: dict[int, dict[str, int]] = {}
    for place_id, code_name, count in session.execute(
        select(SegmentPlace.place_id, Code.name, sa.func.count(sa.distinct(col(Coding.segment_id))))
        .join(Coding, col(Coding.segment_id) == SegmentPlace.segment_id)
        .join(Code, col(Code.id) == Coding.code_id)
        .group_by(col(SegmentPlace.place_id), col(Code.name))
        .order_by(col(SegmentPlace.place_id), col(Code.name))
    ):
        codes.setdefault(place_id, {})[code_name] = count
    aliases: dict[int, list[str]] = {}
    for place_id, alias in session.execute(
        select(PlaceAlias.place_id, PlaceAlias.alias).order_by(PlaceAlias.alias)
    ):
        aliases.setdefault(place_id, []).append(alias)
    features: list[dict[str, Any]] = []
    missing: list[str] = []
    for place in session.exec(select(Place).order_by(Place.name)):
        if place.latitude is None or place.longitude is None:
            missing.append(place.name)
            continue
        features.append(
            {
                "type": "Feature",
                "id": place.guid,
                "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
                "properties": {
                    "name": place.name,
                    "kind": place.kind,
                    "status": place.status,
                    "neighbourhood": place.neighbourhood,
                    "municipality": place.municipality,
                    "address": place.address,
                    "aliases": aliases.get(id_of(place), []),
                    "description": place.description,
                    "segments": segments.get(id_of(place), 0),
                    "codes": codes.get(id_of(place), {}),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}, missing


def export_geojson(session: Session, path: str | Path) -> MapReport:
    """Write the places map to ``path`` (UTF-8 JSON); the file appears only when complete."""

    path = Path(path)
    collection, missing = places_feature_collection(session)
    text = json.dumps(collection, ensure_ascii=False, indent=2) + "\n"
    with temporary_beside(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return MapReport(
        path=str(path), features=len(collection["features"]), without_coordinates=missing
    )
