"""Reflection after the last item; ctrl+s finishes the session."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Header, Label, Static, TextArea

from checklists import Checklist
from checklists.identifiers import describe, find_identifiers
from store import Session, StoreError
from store.sessions import FinishedElsewhere
from tui.widgets.language_hint import LanguageHint
from tui.widgets.save_indicator import SaveIndicator

SAVE_DELAY = 0.4


class ReflectionScreen(Screen):
    TITLE = "Reflection"
    CSS_PATH = "reflection.tcss"
    BINDINGS = [
        # Not a priority binding: ctrl+s must wait behind the keys typed before it, or a fast
        # typist would finish before the last words reached the field.
        Binding("ctrl+s", "finish", "Finish", id="reflection.finish"),
        Binding("escape", "back", "Back to items", id="reflection.back"),
    ]

    def __init__(self, session: Session, checklist: Checklist) -> None:
        super().__init__()
        self.session = session
        self.checklist = checklist
        self._timer = None
        self._confirmed: dict[str, str] = {}
        self.sub_title = checklist.title

    def compose(self) -> ComposeResult:
        library = self.app.store.library
        yield Header()
        with Horizontal(id="reflection-status"):
            yield Static("Reflection", classes="screen-title", id="reflection-title")
            yield SaveIndicator()
        unanswered = self.session.unanswered(self.checklist)
        if unanswered:
            yield Static(
                f"{len(unanswered)} item(s) not answered yet: escape goes back to them, "
                "or finish and they stay 'not answered'.",
                id="unanswered",
                classes="hint",
            )
        with VerticalScroll(id="fields"):
            for prompt in library.reflection:
                yield Label(prompt.label)
                area = TextArea(
                    self.session.reflection.get(prompt.id, ""),
                    id=f"r-{prompt.id}",
                    soft_wrap=True,
                    tab_behavior="focus",
                    show_line_numbers=False,
                    placeholder=prompt.hint,
                )
                yield area
                yield Static("", id=f"w-{prompt.id}", classes="error warning")
                yield LanguageHint(getattr(library, "language", None), id=f"l-{prompt.id}")
            yield Checkbox(library.flag_label, self.session.flagged, id="flag")
            yield Static("ctrl+s: finish · escape: back to the items", classes="hint")
            yield Static("", id="problem", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        first = self.query(TextArea).first()
        first.focus()
        for prompt in self.app.store.library.reflection:
            text = self.query_one(f"#r-{prompt.id}", TextArea).text
            self.query_one(f"#l-{prompt.id}", LanguageHint).check(text)

    @on(TextArea.Changed)
    def typed(self, event: TextArea.Changed) -> None:
        area_id = event.text_area.id or ""
        if area_id.startswith("r-"):
            # A suggestion only: it never holds the reflection back.
            self.query_one(f"#l-{area_id[2:]}", LanguageHint).check(event.text_area.text)
        if self._timer is not None:
            self._timer.stop()
        self.app.mark_unsaved()
        self._timer = self.set_timer(SAVE_DELAY, self.keep)

    @on(Checkbox.Changed)
    def flagged(self) -> None:
        self.keep()

    def unconfirmed(self) -> dict[str, str]:
        """Fields holding what looks like an identifier that nobody has chosen to keep yet."""
        out = {}
        for prompt in self.app.store.library.reflection:
            text = self.query_one(f"#r-{prompt.id}", TextArea).text
            findings = find_identifiers(text)
            warning = self.query_one(f"#w-{prompt.id}", Static)
            if findings and self._confirmed.get(prompt.id) != text:
                out[prompt.id] = text
                warning.update(describe(findings, noun="answer"))
            else:
                warning.update("")
        return out

    def keep(self) -> None:
        """Copy the fields into the session and save it (only what changed).

        A field that seems to hold an identifier is not saved until the person confirms it
        (ctrl+s twice) or edits it out: the warning comes before the saving.
        """
        self._timer = None
        changed = False
        held = self.unconfirmed()
        for prompt in self.app.store.library.reflection:
            if prompt.id in held:
                continue
            text = self.query_one(f"#r-{prompt.id}", TextArea).text
            if self.session.reflection.get(prompt.id, "") != text:
                try:
                    self.session.set_reflection(prompt.id, text)
                except StoreError as exc:
                    self.query_one("#problem", Static).update(str(exc))
                    return
                changed = True
        flag = self.query_one("#flag", Checkbox).value
        if flag != self.session.flagged:
            self.session.set_flagged(flag)
            changed = True
        if changed:
            self.app.save_draft(self.session)
        else:
            self.app.settle_save_state()

    def action_back(self) -> None:
        self.keep()
        self.app.pop_screen()

    def action_finish(self) -> None:
        held = self.unconfirmed()
        if held:
            self._confirmed.update(held)
            self.query_one("#problem", Static).update(
                "Some answers look as if they contain something that could identify her "
                "(see the warnings above). Edit them, or press ctrl+s again to keep them "
                "as they are and finish."
            )
            return
        self.keep()
        self.query_one("#problem", Static).update("Finishing…")
        self.finish(self.session.copy())

    @work(thread=True, exclusive=True, group="finish", exit_on_error=False)
    def finish(self, snapshot: Session) -> None:
        try:
            done = self.app.store.sessions.finish(snapshot)
        except FinishedElsewhere as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", timeout=15)
            self.app.call_from_thread(self.app.go_home)
            return
        except StoreError as exc:
            self.app.call_from_thread(
                self.query_one("#problem", Static).update,
                f"{exc} Your reflection is kept; press ctrl+s to try again.",
            )
            return
        self.app.call_from_thread(self.finished, done)

    def finished(self, done: Session) -> None:
        from .session_summary import SessionSummaryScreen

        self.app.forget_pending(done.id)
        self.app.reset_to(SessionSummaryScreen(done, self.checklist, just_finished=True))
