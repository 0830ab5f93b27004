"""Codebook files: the pydantic schema, loading YAML with line numbers, export back to YAML.

A codebook YAML file holds the code tree (name, Dutch label, description, inclusion and
exclusion criteria, example, colour, keywords, children) and the place kinds and statuses.
An invalid file gets one error naming the file, the line and the problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import Session, col, select

from workbench.coding.names import COLOR_PATTERN, PLACE_STATUS_NAMES, check_name, name_key
from workbench.errors import InputError, quoted
from workbench.i18n import _, counted
from workbench.project import settings
from workbench.project.files import write_atomic
from workbench.project.models import Code, PlaceKind, PlaceStatus, id_of
from workbench.text import safeyaml
from workbench.text.safeyaml import BoundedLoader

DEFAULT_STATUSES = (
    ("existing", "Bestaand", "The place exists and is in use."),
    ("lost", "Verdwenen", "The place has disappeared (closed, demolished, changed beyond use)."),
    ("missed", "Gemist", "A place that is missed: people say it is lacking."),
    ("wished", "Gewenst", "A place people wish for."),
)


class CodeSpec(BaseModel):
    """A code in a codebook file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Unique identifier, used in queries and on the command line.")
    label: str = Field("", description="The label shown to users (Dutch in the shipped codebook).")
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    color: str = "#888888"
    keywords: list[str] = Field(default_factory=list)
    children: list[CodeSpec] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_name(value, "a code name")

    @field_validator("color")
    @classmethod
    def _color(cls, value: str) -> str:
        if value == "":  # no colour
            return ""
        if not COLOR_PATTERN.match(value):
            raise ValueError(
                _("colour {color} is not of the form #RRGGBB").format(color=repr(value))
            )
        return value.lower()

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        return [" ".join(k.split()) for k in value if k.strip()]

    def walk(self) -> Iterator[tuple[CodeSpec, CodeSpec | None]]:
        """This code and its descendants with their parents, depth first."""
        yield self, None
        for child in self.children:
            for code, parent in child.walk():
                yield code, parent or self


class KindSpec(BaseModel):
    """A place kind or a place status."""

    model_config = ConfigDict(extra="forbid")

    name: str
    label: str = ""
    description: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_name(value, "a place kind")


class StatusSpec(KindSpec):
    """A place status: one of the four the workbench knows, with its label."""

    @field_validator("name")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in PLACE_STATUS_NAMES:
            known = ", ".join(PLACE_STATUS_NAMES)
            raise ValueError(
                _("unknown place status {status}; statuses are {known}").format(
                    status=quoted(value), known=known
                )
            )
        return value


class CodebookSpec(BaseModel):
    """A whole codebook file."""

    model_config = ConfigDict(extra="forbid")

    name: str = "Codebook"
    version: str = "1"
    language: str = "nl"
    description: str = ""
    place_kinds: list[KindSpec] = Field(default_factory=list)
    place_statuses: list[StatusSpec] = Field(
        default_factory=lambda: [
            StatusSpec(name=n, label=lab, description=d) for n, lab, d in DEFAULT_STATUSES
        ]
    )
    codes: list[CodeSpec] = Field(default_factory=list)

    def all_codes(self) -> Iterator[tuple[CodeSpec, CodeSpec | None]]:
        """Every code with its parent (None at the top), parents first."""
        for code in self.codes:
            yield from code.walk()


# --- loading with line numbers ---------------------------------------------------------------


class _LineLoader(BoundedLoader):
    """A safe, bounded loader (nesting depth, aliases: see :mod:`workbench.text.safeyaml`)
    that remembers the line of every mapping and sequence item."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    keys_seen: dict[Any, int] = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in keys_seen:
            raise yaml.constructor.ConstructorError(
                None, None, _("duplicate key {key}").format(key=repr(key)), key_node.start_mark
            )
        keys_seen[key] = key_node.start_mark.line + 1
    mapping = dict(loader.construct_pairs(node, deep=True))
    lines = dict(keys_seen)
    lines["__line__"] = node.start_mark.line + 1
    return _Lined(mapping, lines)


class _Lined(dict[Any, Any]):
    """A dict that knows the line of itself and of each key."""

    def __init__(self, mapping: dict[str, Any], lines: dict[Any, int]) -> None:
        super().__init__(mapping)
        self.lines = lines


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    line = getattr(data, "lines", {}).get("__line__")
    current = data
    for part in loc:
        if isinstance(current, _Lined) and part in current:
            line = current.lines.get(part, line)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            line = getattr(current, "lines", {}).get("__line__", line)
        else:
            break
    return line


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(value) for value in data]
    return data


def _code_lines(data: Any) -> dict[int, int]:
    """Line of each code mapping, by its position in a depth-first walk."""
    lines: dict[int, int] = {}

    def walk(items: Any) -> None:
        if not isinstance(items, list):
            return
        for item in items:
            if isinstance(item, _Lined):
                lines[len(lines)] = item.lines.get("name", item.lines["__line__"])
                walk(item.get("children"))

    if isinstance(data, dict):
        walk(data.get("codes"))
    return lines


def parse_codebook(text: str, source: str = "<codebook>") -> CodebookSpec:
    """Parse and validate codebook YAML; errors name ``source``, the line and the problem."""
    try:
        data = safeyaml.load(text, _LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context
        if mark:
            message = _("line {line}: invalid YAML ({reason})").format(
                line=mark.line + 1, reason=reason
            )
        else:
            message = _("invalid YAML ({reason})").format(reason=reason)
        raise InputError(source, message) from None
    except yaml.YAMLError as exc:
        raise InputError(source, _("invalid YAML ({reason})").format(reason=exc)) from None
    if not isinstance(data, dict):
        raise InputError(source, _("line 1: a codebook must be a mapping with a 'codes' list"))
    try:
        spec = CodebookSpec.model_validate(_plain(data))
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line = _line_of(data, loc)
        where = ".".join(str(part) for part in loc)
        message = error["msg"].removeprefix("Value error, ")
        if line:
            message = _("line {line}: {where}: {message}").format(
                line=line, where=where, message=message
            )
        else:
            message = f"{where}: {message}"
        raise InputError(source, message) from None
    seen: dict[str, tuple[str, int]] = {}
    code_lines = _code_lines(data)
    for position, (code, _parent) in enumerate(spec.all_codes()):
        key = name_key(code.name)
        line = code_lines.get(position)
        if key in seen:
            first, first_line = seen[key]
            if first == code.name:
                message = _(
                    "line {line}: duplicate code name {name} (first used on line {first_line})"
                )
            else:
                message = _(
                    "line {line}: duplicate code name {name} (as {first} on line {first_line}: "
                    "names are unique in any letter case and spacing)"
                )
            raise InputError(
                source,
                message.format(
                    line=line, name=quoted(code.name), first=quoted(first), first_line=first_line
                ),
            )
        seen[key] = (code.name, line or 0)
    kinds: set[str] = set()
    for kind in spec.place_kinds:
        if name_key(kind.name) in kinds:
            raise InputError(
                source, _("duplicate place kind {kind}").format(kind=quoted(kind.name))
            )
        kinds.add(name_key(kind.name))
    return spec


#: The largest codebook file read (the shipped one is some 40 KB).
MAX_CODEBOOK_BYTES = 5_000_000


def load_codebook(path: str | Path) -> CodebookSpec:
    """Read and validate a codebook YAML file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CODEBOOK_BYTES + 1)
    except OSError as exc:
        raise InputError(
            path, _("cannot be read ({reason})").format(reason=exc.strerror or exc)
        ) from exc
    if len(raw) > MAX_CODEBOOK_BYTES:
        raise InputError(
            path,
            _("larger than the limit of {size}").format(
                size=counted(MAX_CODEBOOK_BYTES, "byte", "bytes")
            ),
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, _("not UTF-8 text")) from None
    return parse_codebook(text, str(path))


def shipped_codebooks() -> dict[str, Path]:
    """The codebooks that come with the workbench, by file stem."""
    here = Path(__file__).parent.parent  # the workbench package
    for folder in (here / "_codebooks", here.parent / "codebook"):
        if folder.is_dir():
            return {path.stem: path for path in sorted(folder.glob("*.yaml"))}
    return {}


def resolve_codebook(name_or_path: str | Path) -> Path:
    """A codebook path, or the name of a shipped codebook (``sociale-infrastructuur``)."""
    path = Path(name_or_path)
    if path.exists():
        return path
    shipped = shipped_codebooks()
    if str(name_or_path) in shipped:
        return shipped[str(name_or_path)]
    if path.name in {p.name for p in shipped.values()}:
        return next(p for p in shipped.values() if p.name == path.name)
    raise InputError(path, _("no such codebook file"))


# --- into and out of a project ---------------------------------------------------------------


def apply_codebook(session: Session, spec: CodebookSpec, *, coder_id: int | None = None) -> int:
    """Add the codebook's codes, place kinds and statuses to the project.

    Codes whose name exists already are updated in place (definition, colour, keywords),
    keeping their codings; new codes are added under their parents. Returns the number of
    codes added.
    """
    by_name = {name_key(code.name): code for code in session.exec(select(Code))}
    added = 0
    ids: dict[str, int] = {}
    for position, (code_spec, parent) in enumerate(spec.all_codes()):
        parent_id = ids[parent.name] if parent is not None else None
        existing = by_name.get(name_key(code_spec.name))
        fields: dict[str, Any] = {
            "label": code_spec.label,
            "description": code_spec.description,
            "inclusion": code_spec.inclusion,
            "exclusion": code_spec.exclusion,
            "example": code_spec.example,
            "color": code_spec.color,
            "keywords": json.dumps(code_spec.keywords, ensure_ascii=False),
        }
        if existing is None:
            existing = Code(
                name=code_spec.name,
                parent_id=parent_id,
                position=position,
                coder_id=coder_id,
                **fields,
            )
            session.add(existing)
            added += 1
        else:
            for key, value in fields.items():
                setattr(existing, key, value)
        session.flush()
        ids[code_spec.name] = id_of(existing)
    _merge_kinds(session, PlaceKind, spec.place_kinds)
    _merge_kinds(session, PlaceStatus, spec.place_statuses)
    settings.put(
        session,
        "codebook",
        {
            "name": spec.name,
            "version": spec.version,
            "language": spec.language,
            "description": spec.description,
        },
    )
    return added


_Kind = TypeVar("_Kind", PlaceKind, PlaceStatus)


def _merge_kinds(session: Session, model: type[_Kind], specs: Sequence[KindSpec]) -> None:
    existing = {row.name: row for row in session.exec(select(model))}
    for position, spec in enumerate(specs):
        row = existing.get(spec.name)
        if row is None:
            session.add(
                model(
                    name=spec.name,
                    label=spec.label,
                    description=spec.description,
                    position=position,
                )
            )
        else:
            row.label, row.description, row.position = spec.label, spec.description, position
    session.flush()


def ensure_default_statuses(session: Session) -> None:
    """Make sure the four place statuses exist (a project made without a codebook)."""
    if session.exec(select(PlaceStatus.id)).first() is None:
        _merge_kinds(session, PlaceStatus, CodebookSpec().place_statuses)


def project_codebook(session: Session) -> CodebookSpec:
    """The project's code tree, kinds and statuses as a codebook."""
    meta = settings.get(session, "codebook", {}) or {}
    codes = list(session.exec(select(Code).order_by(col(Code.position), col(Code.name))))
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)

    def build(code: Code) -> CodeSpec:
        return CodeSpec(
            name=code.name,
            label=code.label,
            description=code.description,
            inclusion=code.inclusion,
            exclusion=code.exclusion,
            example=code.example,
            color=code.color,
            keywords=json.loads(code.keywords or "[]"),
            children=[build(child) for child in children.get(code.id, [])],
        )

    kinds = session.exec(select(PlaceKind).order_by(col(PlaceKind.position), col(PlaceKind.name)))
    statuses = session.exec(select(PlaceStatus).order_by(col(PlaceStatus.position)))
    return CodebookSpec(
        name=meta.get("name", "Codebook"),
        version=meta.get("version", "1"),
        language=meta.get("language", "nl"),
        description=meta.get("description", ""),
        place_kinds=[
            KindSpec(name=k.name, label=k.label, description=k.description) for k in kinds
        ],
        place_statuses=[
            StatusSpec(name=s.name, label=s.label, description=s.description) for s in statuses
        ],
        codes=[build(code) for code in children.get(None, [])],
    )


def dump_codebook(spec: CodebookSpec) -> str:
    """YAML text for a codebook, with empty fields left out."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if v not in ("", [], None)}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    data = clean(spec.model_dump())
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def export_codebook(session: Session, path: str | Path) -> CodebookSpec:
    """Write the project's codebook to a YAML file (validated by reading it back)."""
    spec = project_codebook(session)
    text = dump_codebook(spec)
    parse_codebook(text, str(path))
    write_atomic(Path(path), text)
    return spec
