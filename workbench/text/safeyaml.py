"""The one YAML loader for files from elsewhere (codebooks, pseudonym tables): safe and
bounded.

PyYAML's safe loader builds no Python objects from tags, but it is not bounded: an alias bomb
(``a: &a [x, x, ...]``, ``b: &b [*a, *a, ...]``, ...) is a few hundred bytes that stand for
billions of values, which every walk over the result (validation, copying) then expands, and
a document nested a few hundred levels deep ends in a ``RecursionError`` inside the composer.
:class:`BoundedLoader` counts while it composes: the nesting depth (:data:`MAX_DEPTH`), the
number of values the document stands for with every alias expanded (:data:`MAX_VALUES`), and
refuses recursive aliases. A refusal is a ``yaml.YAMLError`` with a mark, so a caller reports
it with the line like any other YAML error, the limit named.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent
from yaml.nodes import CollectionNode, MappingNode, Node, SequenceNode

from workbench.i18n import _, number

#: Deepest nesting of mappings and sequences (a codebook's code tree nests two levels per
#: generation of codes: a mapping and its ``children`` list).
MAX_DEPTH = 64

#: Most values a document may stand for, every alias expanded.
MAX_VALUES = 1_000_000


class BoundedLoader(yaml.SafeLoader):
    """A safe loader with bounds on nesting depth and on alias expansion."""

    max_depth = MAX_DEPTH
    max_values = MAX_VALUES

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0
        self._values = 0
        self._sizes: dict[int, int] = {}
        self._open_anchors: list[str] = []

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        # types-PyYAML leaves Parser.peek_event untyped; it returns the next event.
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, AliasEvent):
            if event.anchor in self._open_anchors:
                raise ComposerError(None, None, _("a recursive alias (it refers to itself)"), mark)
            node = super().compose_node(parent, index)
            if node is not None:
                self._count(self._expanded(node, mark), mark)
            return node
        self._depth += 1
        if self._depth > self.max_depth:
            raise ComposerError(
                None,
                None,
                _("nested deeper than the limit of {limit} levels").format(limit=self.max_depth),
                mark,
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._open_anchors.append(anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
            if anchor is not None:
                self._open_anchors.pop()
        self._count(1, mark)
        return node

    def _count(self, values: int, mark: Any) -> None:
        self._values += values
        if self._values > self.max_values:
            raise ComposerError(
                None,
                None,
                _(
                    "stands for more than the limit of {limit} values with its aliases "
                    "expanded (an alias bomb?)"
                ).format(limit=number(self.max_values)),
                mark,
            )

    def _expanded(self, node: Node, mark: Any) -> int:
        """How many values ``node`` stands for with every alias in it expanded (memoised;
        iterative, so a deep node costs no recursion; a node that contains itself is
        refused)."""
        sizes = self._sizes
        if id(node) in sizes:
            return sizes[id(node)]
        open_nodes: set[int] = set()
        stack: list[tuple[Node, bool]] = [(node, False)]
        while stack:
            current, children_done = stack.pop()
            key = id(current)
            if key in sizes:
                continue
            children = _children(current)
            if children_done:
                open_nodes.discard(key)
                sizes[key] = 1 + sum(sizes[id(child)] for child in children)
                if sizes[key] > self.max_values:
                    self._count(sizes[key], mark)
                continue
            if key in open_nodes:
                raise ComposerError(None, None, _("a recursive alias (it contains itself)"), mark)
            open_nodes.add(key)
            stack.append((current, True))
            for child in children:
                if id(child) in open_nodes:
                    raise ComposerError(
                        None, None, _("a recursive alias (it contains itself)"), mark
                    )
                if id(child) not in sizes:
                    stack.append((child, False))
        return sizes[id(node)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, CollectionNode):  # pragma: no cover - the two above are all
        return list(node.value)
    return []


def load(text: str, loader: type[BoundedLoader] = BoundedLoader) -> Any:
    """The data of a YAML document, read by ``loader`` (:class:`BoundedLoader` or a
    subclass). Raises ``yaml.YAMLError`` (with a mark) for a bad or over-limit document."""
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:  # a long chain of merge keys (<<) recurses in PyYAML itself
        raise yaml.YAMLError(
            _("nested deeper than the limit of {limit} levels (merge keys)").format(
                limit=loader.max_depth
            )
        ) from None
