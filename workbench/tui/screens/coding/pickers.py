"""The coding screen's pickers: code, place (and a new place's kind), memo, and removal.

Each picks over a target (see :mod:`.selection`) and queues one write; the screen reads the
segments again with the write and repaints them without moving the cursor, the selection or
the scroll position.
"""

from __future__ import annotations

from textual.content import Content

from workbench.i18n import _, shows_labels
from workbench.services import coding as coding_service
from workbench.services import reading
from workbench.tui.dialogs.common import (
    Choice,
    CodePicker,
    ConfirmDialog,
    FuzzyPicker,
    KindPicker,
    MemoDialog,
    Picked,
    PlacePicker,
    excerpt_of,
)
from workbench.tui.messages import ChangeWritten, SpanCoded
from workbench.tui.screens.coding.selection import SelectionMixin, Target
from workbench.tui.screens.coding.writes import linked, memo_saved, removed
from workbench.tui.widgets.panels import PlaceWords

NEW_MEMO = "\x00new memo"
"""The memo picker's choice for writing another memo (no memo id looks like it)."""


class PickersMixin(SelectionMixin):
    """Code, link to a place, write a memo, or remove a code or place link."""

    def action_code(self) -> None:
        """Code the selection (or the segment under the cursor) with a code from the picker;
        a new name creates the code in the same change."""
        if self.document is None:
            return
        document = self.document.name

        def chosen(target: Target) -> None:
            def picked(result: Picked | None) -> None:
                if result is None:
                    return
                self.workbench.last_picked["code"] = result.key
                self._paint_pending(target.start, target.end, result.key)
                self._write(
                    lambda project: SpanCoded(
                        coding_service.code_span(
                            project,
                            document,
                            target.start,
                            target.end,
                            [result.key],
                            create=result.new,
                        )
                    ),
                    after_paint=True,
                )

            last = self.workbench.last_picked.get("code")
            picker = CodePicker(self.codes, excerpt=self._excerpt(target), initial=last)
            self.open_picker(picker, picked)

        self._target("code", chosen)

    def action_place(self) -> None:
        """Link the selection (or the segment under the cursor) to a place from the picker; a
        new name creates the place (its kind asked for) in the same change."""
        if self.document is None:
            return
        document = self.document.name

        def chosen(target: Target) -> None:
            segment_id = target.segment.id if target.segment is not None else None

            def link(place: str, kind: str | None) -> None:
                self._write(
                    lambda project: ChangeWritten(
                        linked(
                            project,
                            place,
                            segment=segment_id,
                            document=document,
                            span=(target.start, target.end),
                            new_kind=kind,
                        )
                    )
                )

            def picked(result: Picked | None) -> None:
                if result is None:
                    return
                self.workbench.last_picked["place"] = result.key
                if not result.new:
                    link(result.key, None)
                elif not self.kinds:  # no codebook: the core learns the kind
                    link(result.key, "other")
                else:
                    names = [kind.name for kind in self.kinds]
                    default = "other" if "other" in names else names[0]

                    def kind_picked(kind: Picked | None) -> None:
                        if kind is not None:
                            link(result.key, kind.key)

                    overview = self._overview
                    labels = overview is None or shows_labels(overview.labels_language)
                    self.open_picker(
                        KindPicker(result.key, self.kinds, default=default, labels=labels),
                        kind_picked,
                    )

            words = PlaceWords() if self._overview is None else PlaceWords.of(self._overview)
            picker = PlacePicker(
                self.places,
                excerpt=self._excerpt(target),
                initial=self.workbench.last_picked.get("place"),
                kind_label=words.kind,
                status_label=words.status,
            )
            self.open_picker(picker, picked)

        self._target("link to a place", chosen)

    def action_memo(self) -> None:
        """Write a memo on the selection or the segment under the cursor; when the segment has
        memos already, pick the one to edit or a new one."""
        if self.document is None:
            return
        document = self.document.name

        def write(target: Target, memo: reading.MemoInfo | None) -> None:
            segment = target.segment
            where = f"#{segment.id}, " if segment is not None else _("new segment") + ", "
            title = Content.assemble(
                (_("Memo") + " ", "bold"),
                (f"“{excerpt_of(self._excerpt(target), 36)}”", "italic"),
                (f"  ({where}{self._lines(target.start, target.end)})", "dim"),
            )

            def saved(text: str | None) -> None:
                if text is None:
                    return
                self._write(
                    lambda project: ChangeWritten(
                        memo_saved(
                            project,
                            text,
                            memo=memo.id if memo is not None else None,
                            segment=segment.id if segment is not None else None,
                            document=document,
                            span=(target.start, target.end),
                        )
                    )
                )

            existing = memo is not None
            dialog = MemoDialog(title, memo.text if memo else "", existing=existing)
            self.app.push_screen(dialog, saved)

        def chosen(target: Target) -> None:
            segment = target.segment
            if segment is None or not segment.memos:
                write(target, None)
                return
            memos = {str(memo.id): memo for memo in segment.memos}
            choices = [
                Choice(
                    key=key,
                    name=excerpt_of(memo.text, 44),
                    detail=memo.coder,
                    help=excerpt_of(memo.text, 200),
                )
                for key, memo in memos.items()
            ]
            choices.append(
                Choice(key=NEW_MEMO, name=_("+ a new memo"), help=_("Write another memo"))
            )
            title = Content.assemble(
                (_("Memos on") + " ", "bold"),
                (f"#{segment.id}", "bold"),
                _(" — edit one, or write a new one"),
            )
            picker = FuzzyPicker(choices, title=title, noun="memo", verb="edit")

            def picked(result: Picked | None) -> None:
                if result is not None:
                    write(target, memos.get(result.key))

            self.open_picker(picker, picked)

        self._target("write a memo on", chosen)

    def action_remove(self) -> None:
        """Remove a code or a place link from the segment under the cursor (or the segments
        touching the selection): picked from a list, or confirmed when there is one."""
        if self.document is None:
            return
        items: dict[str, tuple[reading.SegmentInfo, str, str]] = {}
        for segment in self._segments_here():
            for name in segment.codes:
                items[f"{segment.id}\tcode\t{name}"] = (segment, "code", name)
            for name in segment.places:
                items[f"{segment.id}\tplace\t{name}"] = (segment, "place", name)
        if not items:
            self.notify(_("No code or place here to remove."), severity="warning", timeout=3)
            return

        def remove(key: str) -> None:
            segment, kind, name = items[key]
            code = name if kind == "code" else None
            place = name if kind == "place" else None
            self._write(
                lambda project: ChangeWritten(removed(project, segment.id, code=code, place=place))
            )

        if len(items) == 1:
            key = next(iter(items))
            segment, kind, name = items[key]
            what = (
                _("Remove code “{name}” from segment #{segment} ")
                if kind == "code"
                else _("Remove the link to “{name}” from segment #{segment} ")
            )
            question = Content.assemble(
                what.format(name=name, segment=segment.id),
                (f"({self._lines(segment.start, segment.end)})", "dim"),
                "?",
            )
            self.app.push_screen(ConfirmDialog(question), lambda yes: remove(key) if yes else None)
            return
        colors = {
            name: color
            for segment in self.segments
            for name, color in zip(segment.codes, segment.colors, strict=True)
        }
        choices = [
            Choice(
                key=key,
                name=name if kind == "code" else f"⌖ {name}",
                detail=f"#{segment.id} {self._lines(segment.start, segment.end)}",
                color=colors.get(name) if kind == "code" else None,
            )
            for key, (segment, kind, name) in items.items()
        ]
        title = Content.styled(_("Remove which code or place?"), "bold")
        picker = FuzzyPicker(choices, title=title, noun="code", verb="remove")
        self.open_picker(picker, lambda result: remove(result.key) if result else None)
