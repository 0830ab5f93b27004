"""Places: add and edit them, with their aliases.

Every function works inside the caller's write transaction (a service opens it).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from workbench.coding import names
from workbench.coding.lookups import find_place
from workbench.errors import Conflict, InvalidValue, NotFound, did_you_mean, quoted
from workbench.i18n import _
from workbench.project.models import (
    Place,
    PlaceAlias,
    PlaceKind,
    PlaceStatus,
    id_of,
)

# --- places ----------------------------------------------------------------------------------


def _valid(value: str, what: str) -> str:
    try:
        return names.check_name(value, what)
    except ValueError as exc:
        raise InvalidValue(str(exc)) from None


def _refuse_duplicate_place(session: Session, name: str, except_id: int | None = None) -> None:
    """Conflict when another place has ``name`` in any letter case or spacing."""
    key = names.name_key(name)
    for place_id, place_name in session.exec(select(Place.id, Place.name).order_by(col(Place.id))):
        if place_id != except_id and names.name_key(place_name) == key:
            raise Conflict(
                _("a place called {name} already exists").format(name=quoted(place_name))
            )


def _check_kind(session: Session, kind: str) -> str:
    kind = _valid(kind, "a place kind")
    kinds = list(session.exec(select(PlaceKind.name).order_by(col(PlaceKind.name))))
    if not kinds:  # a project without a codebook learns kinds as they are used
        session.add(PlaceKind(name=kind, label=kind))
        session.flush()
        return kind
    if kind not in kinds:
        raise InvalidValue(
            _("unknown place kind {kind}").format(kind=quoted(kind))
            + did_you_mean(kind, kinds)
            + " "
            + _("(kinds: {kinds})").format(kinds=", ".join(sorted(kinds)))
        )
    return kind


def _check_status(session: Session, status: str) -> str:
    statuses = list(
        session.exec(
            select(PlaceStatus.name).order_by(col(PlaceStatus.position), col(PlaceStatus.id))
        )
    ) or list(names.PLACE_STATUS_NAMES)
    if status not in statuses:
        raise InvalidValue(
            _("unknown place status {status}; use one of {statuses}").format(
                status=repr(status), statuses=", ".join(statuses)
            )
        )
    return status


def _check_coordinates(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise InvalidValue(_("give both --lat and --lon, or neither"))
    if latitude is not None and not -90 <= latitude <= 90:
        raise InvalidValue(
            _("latitude {latitude} is not between -90 and 90").format(latitude=latitude)
        )
    if longitude is not None and not -180 <= longitude <= 180:
        raise InvalidValue(
            _("longitude {longitude} is not between -180 and 180").format(longitude=longitude)
        )


def add_place(
    session: Session,
    name: str,
    *,
    kind: str = "other",
    status: str = "existing",
    neighbourhood: str = "",
    municipality: str = "",
    address: str = "",
    aliases: Sequence[str] = (),
    latitude: float | None = None,
    longitude: float | None = None,
    description: str = "",
    coder_id: int | None = None,
) -> Place:
    """Create a place."""
    name = _valid(name, "a place name")
    _refuse_duplicate_place(session, name)
    _check_coordinates(latitude, longitude)
    place = Place(
        name=name,
        kind=_check_kind(session, kind),
        status=_check_status(session, status),
        neighbourhood=neighbourhood,
        municipality=municipality,
        address=address,
        latitude=latitude,
        longitude=longitude,
        description=description,
        coder_id=coder_id,
    )
    session.add(place)
    session.flush()
    for alias in aliases:
        add_alias(session, place, alias)
    return place


def add_alias(session: Session, place: Place, alias: str) -> None:
    """Give a place another name (used by search and suggestions)."""
    alias = _valid(alias, "an alias")
    exists = session.exec(
        select(PlaceAlias.id).where(PlaceAlias.place_id == place.id, PlaceAlias.alias == alias)
    ).first()
    if exists is None:
        session.add(PlaceAlias(place_id=id_of(place), alias=alias))
        session.flush()


def remove_alias(session: Session, place: Place, alias: str) -> None:
    """Remove an alias from a place."""
    row = session.exec(
        select(PlaceAlias).where(PlaceAlias.place_id == place.id, PlaceAlias.alias == alias)
    ).first()
    if row is None:
        raise NotFound(
            _("place {place} has no alias {alias}").format(
                place=quoted(place.name), alias=quoted(alias)
            )
        )
    session.delete(row)
    session.flush()


def edit_place(session: Session, name: str, /, **fields: object) -> Place:
    """Change a place's name, kind, status, area, address, coordinates or description
    (``name=`` among the fields renames it)."""
    place = find_place(session, name)
    allowed = {
        "name",
        "kind",
        "status",
        "neighbourhood",
        "municipality",
        "address",
        "latitude",
        "longitude",
        "description",
    }
    for key, value in fields.items():
        if key not in allowed:
            raise InvalidValue(_("a place has no field {field}").format(field=repr(key)))
        if value is None:
            continue
        if key == "name":
            value = _valid(str(value), "a place name")
            _refuse_duplicate_place(session, value, except_id=place.id)
        if key == "kind":
            value = _check_kind(session, str(value))
        if key == "status":
            value = _check_status(session, str(value))
        setattr(place, key, value)
    _check_coordinates(place.latitude, place.longitude)
    session.flush()
    return place
