"""Walk a checklist: one item in focus, answered with single keys, saved on every key."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, ProgressBar, Static

from checklists import (
    NEEDS_REASON,
    RESPONSE_LABELS,
    RESPONSE_SYMBOLS,
    RESPONSES,
    Checklist,
    Item,
)
from reports.wording import why_it_matters
from store import Session, StoreError
from tui import keys
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter
from tui.widgets.save_indicator import SaveIndicator

# Filled in from the bindings (tui/keys.py) when the screen is composed.
KEYS_HINT = (
    "[b]{checklist.done}[/b] Done  [b]{checklist.partly}[/b] Partly  "
    "[b]{checklist.not_done}[/b] Not done  [b]{checklist.not_applicable}[/b] Not applicable  "
    "[b]{checklist.previous:first}{checklist.next:first}[/b] move"
)
END_HINT = (
    "[b]{checklist.reflect:first}[/b] reflection  "
    "[b]{checklist.previous:first}[/b] back to the items"
)
ALL_ANSWERED = (
    "Press {checklist.reflect:first} for the reflection, "
    "or {checklist.previous:first} to go back to an item."
)
SOME_UNANSWERED = (
    "{checklist.previous:first} goes back to them, or {checklist.reflect:first} for the "
    "reflection (they stay 'not answered')."
)


class ChecklistScreen(SteppingNode, Screen):
    TITLE = "Checklist"
    CSS_PATH = "checklist.tcss"
    # Below 100 columns the section list folds away, so the item text keeps its width.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    # Priority: the scrolling list below the item must never take ↑/↓ from the checklist.
    # The answer keys are spelt out in the line above the footer, so the footer skips them.
    BINDINGS = [
        Binding("1", "answer('done')", "Done", id="checklist.done", priority=True, show=False),
        Binding(
            "2", "answer('partly')", "Partly", id="checklist.partly", priority=True, show=False
        ),
        Binding(
            "3",
            "answer('not_done')",
            "Not done",
            id="checklist.not_done",
            priority=True,
            show=False,
        ),
        Binding(
            "4",
            "answer('not_applicable')",
            "Not applicable",
            id="checklist.not_applicable",
            priority=True,
            show=False,
        ),
        Binding("up,k", "move(-1)", "Previous", show=False, id="checklist.previous", priority=True),
        Binding("down,j", "move(1)", "Next", show=False, id="checklist.next", priority=True),
        Binding("n", "note", "Note", id="checklist.note", priority=True),
        Binding("w", "why", "Why", id="checklist.why", priority=True),
        Binding("escape", "home", "Home", id="checklist.home"),
        Binding(
            "enter", "reflect", "Reflection", id="checklist.reflect", priority=True, show=False
        ),
    ]

    index: reactive[int] = reactive(0)
    show_why: reactive[bool] = reactive(False)
    # Past the last item: "All N items answered", enter opens the reflection, and answer
    # keys do nothing (a key pressed once too often must not land anywhere).
    at_end: reactive[bool] = reactive(False)

    def __init__(self, session: Session, checklist: Checklist, start: int = 0) -> None:
        super().__init__()
        self.session = session
        self.checklist = checklist
        self.set_reactive(ChecklistScreen.index, start)
        self.sub_title = checklist.title
        self._shown: dict[str, object] = {}

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield Static("Sections", classes="sidebar-title")
                yield Static(id="sections")
            with Vertical(id="main"):
                with Horizontal(id="status"):
                    yield Static(id="position")
                    yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
                    yield SaveIndicator(id="saved")
                yield Static(id="section-title")
                yield Static(id="prompt")
                yield Static(id="answer")
                with VerticalScroll(id="item-list"):
                    yield Static(id="why")
                    yield Static(id="items")
        self._hints = {
            name: keys.fill(self, template, markup=name.endswith("hint"))
            for name, template in (
                ("keys hint", KEYS_HINT),
                ("end hint", END_HINT),
                ("all answered", ALL_ANSWERED),
                ("some unanswered", SOME_UNANSWERED),
            )
        }
        yield Static(self._hints["keys hint"], id="keys")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.refresh_view()

    # -- state -------------------------------------------------------------------------------
    @property
    def items(self) -> list[Item]:
        return self.session.visible_items(self.checklist)

    @property
    def item(self) -> Item:
        items = self.items
        return items[min(self.index, len(items) - 1)]

    def watch_index(self) -> None:
        if self.is_mounted:
            self.refresh_view()

    def watch_show_why(self) -> None:
        if self.is_mounted:
            self.refresh_view()

    def watch_at_end(self) -> None:
        if self.is_mounted:
            self.refresh_view()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reflect":
            return self.at_end
        if action in ("answer", "note", "why") and self.at_end:
            return False
        return True

    def refresh_view(self) -> None:
        items = self.items
        index = min(self.index, len(items) - 1)
        item = items[index]
        answered = sum(1 for i in items if self.session.response(i.id))
        if self.at_end:
            self._show_end(items, answered)
            return
        self._show("#keys", self._hints["keys hint"], layout=False)
        section = self.checklist.section(item.section_id)
        critical = "  ★ key item" if item.critical else ""
        # Only what can change size asks for a layout pass: answering stays quick.
        self._show("#position", f"Item {index + 1} of {len(items)}", layout=False)
        self.query_one("#progress", ProgressBar).update(total=len(items), progress=answered)
        self._show("#section-title", section.title, layout=False)
        library = self.stepping_app.store.library
        # In plain words; the numbers (7.1…) are under `w` and in help.
        plain = " · ".join(library.requirement_title(n) for n in item.requirements)
        self._show(
            "#prompt",
            Text.assemble((item.prompt, "bold"), "\n", (f"{plain}{critical}", "dim")),
        )
        self._show("#answer", self._answer_text(item))
        why = self.query_one("#why", Static)
        why.display = self.show_why
        if self.show_why:
            self._show("#why", self._why_text(item))
        self._show("#sections", self._sections_text(items, item), layout=False)
        self._show("#items", self._items_text(items, item))

    def _why_text(self, item: Item) -> str:
        """Under `w`: why it matters, how to do it well, then where it comes from: the
        evidence (requirement and the passage quoted) and any national guidance; the words
        are `reports.wording`'s, which line mode says too."""
        library = self.stepping_app.store.library
        parts = []
        for part in why_it_matters(item, library.requirement_title):
            words = "\n".join(escape(line) for line in part.lines)
            between = "\n" if part.listed else " "  # the passages go under their heading
            parts.append(f"[b]{escape(part.heading)}:[/b]{between}{words}")
        return "\n\n".join(parts)

    def _show_end(self, items: list[Item], answered: int) -> None:
        total = len(items)
        self._show("#position", "Done", layout=False)
        self.query_one("#progress", ProgressBar).update(total=total, progress=answered)
        self._show("#section-title", "End of the checklist", layout=False)
        if answered == total:
            heading = f"All {total} items answered"
            rest = self._hints["all answered"]
        else:
            heading = f"{answered} of {total} items answered"
            rest = f"{total - answered} not answered yet: " + self._hints["some unanswered"]
        self._show("#prompt", Text.assemble((heading, "bold"), "\n", (rest, "dim")))
        self._show("#answer", Text(""))
        self.query_one("#why", Static).display = False
        self._show("#sections", self._sections_text(items, None), layout=False)
        self._show("#items", Content(""))
        self._show("#keys", self._hints["end hint"], layout=False)

    def _show(self, selector: str, content, layout: bool = True) -> None:
        """Update one part of the screen, skipping it when nothing changed."""
        key = (selector, str(content), getattr(content, "spans", None) and repr(content))
        if self._shown.get(selector) == key:
            return
        self._shown[selector] = key
        self.query_one(selector, Static).update(content, layout=layout)

    def _answer_text(self, item: Item) -> Text:
        entry = self.session.answers.get(item.id, {})
        response = entry.get("response")
        text = Text()
        if response is None:
            text.append("· Not answered yet", style="dim")
        else:
            text.append(f"{RESPONSE_SYMBOLS[response]} {RESPONSE_LABELS[response]}", style="bold")
            if response in NEEDS_REASON:
                library = self.stepping_app.store.library
                given = [r for r in map(library.reason, self.session.reasons(item.id)) if r]
                labels = "; ".join(r.label for r in given)
                text.append(f" · {labels}" if given else " · no reason given")
        if entry.get("note"):
            # A note may run over several lines: they line up under its first.
            text.append("\n✎ " + entry["note"].replace("\n", "\n  "), style="italic")
        return text

    def _sections_text(self, items: list[Item], current: Item | None) -> Text:
        text = Text()
        for section in self.checklist.sections:
            shown = [i for i in items if i.section_id == section.id]
            if not shown:
                continue
            done = sum(1 for i in shown if self.session.response(i.id))
            here = current is not None and section.id == current.section_id
            mark = "✓" if done == len(shown) else ("▸" if here else " ")
            style = "bold" if here else ""
            text.append(f"{mark} {section.title}\n", style=style)
            text.append(f"  {done}/{len(shown)} answered\n", style="dim")
        return text

    def _items_text(self, items: list[Item], current: Item) -> Content:
        lines = []
        for position, item in enumerate(items):
            if item.section_id != current.section_id:
                continue
            symbol = RESPONSE_SYMBOLS[self.session.response(item.id)]
            pointer = "▶" if item.id == current.id else " "
            line = Content(f"{pointer}{symbol} {position + 1:>2}. {item.prompt}")
            lines.append(line.stylize("bold reverse") if item.id == current.id else line)
        # Content (not Rich Text) so the stylesheet's one-line-per-item rule applies.
        return Content("\n").join(lines)

    # -- actions -----------------------------------------------------------------------------
    def _save(self) -> None:
        self.stepping_app.save_draft(self.session)
        self.refresh_view()

    def action_answer(self, response: str) -> None:
        if response not in RESPONSES or self.at_end:
            return
        item = self.item
        try:
            self.session.answer(item, response)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        self._save()
        if response in NEEDS_REASON:
            from .reasons import ReasonScreen

            library = self.stepping_app.store.library
            current = self.session.reasons(item.id)
            self.app.push_screen(
                ReasonScreen(library.reasons, current, self.session.setup),
                callback=lambda reason_ids: self._reasons_chosen(item, reason_ids),
            )
        else:
            self.advance(item)

    def _reasons_chosen(self, item: Item, reason_ids: list[str] | None) -> None:
        if reason_ids is not None:
            try:
                self.session.set_reasons(item, reason_ids)
            except StoreError as exc:
                self.notify(str(exc), severity="error")
            else:
                self._save()
            library = self.stepping_app.store.library
            chosen = [library.reason(r) for r in reason_ids]
            if any(r is not None and r.asks_note for r in chosen):
                # "Something else (say in a note)": the note box, then on to the next item.
                self._open_note(item, then=lambda: self.advance(item))
                return
        self.advance(item)

    def advance(self, item: Item) -> None:
        """Move past `item`; after the last item, to the end ("All N items answered")."""
        items = self.items
        ids = [i.id for i in items]
        position = ids.index(item.id) if item.id in ids else self.index
        if position + 1 < len(items):
            self.index = position + 1
        else:
            self.index = len(items) - 1
            self.at_end = True
            self.refresh_view()

    def open_reflection(self) -> None:
        from .reflection import ReflectionScreen

        self.app.push_screen(ReflectionScreen(self.session, self.checklist))

    def action_move(self, step: int) -> None:
        last = len(self.items) - 1
        if self.at_end:
            if step < 0:
                self.index = last
                self.at_end = False
            return
        if step > 0 and self.index >= last:
            self.at_end = True
            return
        self.index = max(0, min(last, self.index + step))

    def action_reflect(self) -> None:
        if self.at_end:
            self.open_reflection()

    def action_note(self) -> None:
        self._open_note(self.item)

    def _open_note(self, item: Item, then: Callable[[], None] | None = None) -> None:
        from .note import NoteScreen

        def closed(_note) -> None:
            self.refresh_view()
            if then is not None:
                then()

        current = self.session.answers.get(item.id, {}).get("note", "")
        self.app.push_screen(
            NoteScreen(item.prompt, current, save=lambda note: self._note_written(item, note)),
            callback=closed,
        )

    def _note_written(self, item: Item, note: str) -> None:
        """Called by the note box as she types (debounced) and when she is done."""
        if self.session.answers.get(item.id, {}).get("note", "") == note.strip():
            return
        try:
            self.session.set_note(item, note)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        self._save()

    def action_why(self) -> None:
        self.show_why = not self.show_why
        self.query_one("#item-list", VerticalScroll).scroll_home(animate=False)

    def action_home(self) -> None:
        self.stepping_app.go_home()
