"""Reflection after the last item; ctrl+s finishes the session."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Label, Static, TextArea

from checklists import Checklist
from checklists.identifiers import FieldCheck, check_field, describe
from store import Session, StoreError
from store.sessions import REFLECTION_LIMIT, FinishedElsewhere
from tui import keys
from tui.messages import WorkFailed
from tui.screens.typing import SavesAfterTyping
from tui.typed import SteppingNode
from tui.widgets.field_status import FieldStatus
from tui.widgets.footer import KeysFooter
from tui.widgets.language_hint import LanguageHint
from tui.widgets.marked import TickBox
from tui.widgets.save_indicator import SaveIndicator


class ReflectionScreen(SteppingNode, SavesAfterTyping, Screen):
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
        self._confirmed: dict[str, str] = {}
        self._refused: str | None = None  # why ctrl+s was last refused: "held" or "warned"
        self.checks: dict[str, FieldCheck] = {}
        self.sub_title = checklist.title

    def compose(self) -> ComposeResult:
        library = self.stepping_app.store.library
        yield Header()
        with Horizontal(id="reflection-status"):
            yield Static("Reflection", classes="screen-title", id="reflection-title")
            yield SaveIndicator()
        unanswered = self.session.unanswered(self.checklist)
        if unanswered:
            yield Static(
                f"{len(unanswered)} item(s) not answered yet: "
                + keys.fill(self, "{reflection.back} goes back to them, ")
                + "or finish and they stay 'not answered'.",
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
                yield FieldStatus(id=f"s-{prompt.id}")
                yield LanguageHint(getattr(library, "language", None), id=f"l-{prompt.id}")
            yield TickBox(library.flag_label, self.session.flagged, id="flag")
            yield Static(
                keys.fill(
                    self, "{reflection.finish}: finish · {reflection.back}: back to the items"
                ),
                classes="hint",
            )
            yield Static("", id="problem", classes="error", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        first = self.query(TextArea).first()
        first.focus()
        for prompt in self.stepping_app.store.library.reflection:
            text = self.query_one(f"#r-{prompt.id}", TextArea).text
            self.query_one(f"#l-{prompt.id}", LanguageHint).check(text)
            self.checked(prompt.id, text)

    def checked(self, prompt_id: str, text: str) -> FieldCheck:
        """Check one field, show the result under it and tell the header what is held back."""
        check = self.checks.get(prompt_id)
        on_disk = bool(text) and text == self.session.reflection.get(prompt_id, "")
        if check is None or check.text != text:
            check = check_field(text, REFLECTION_LIMIT)
            self.checks[prompt_id] = check
            self.query_one(f"#s-{prompt_id}", FieldStatus).show(check, on_disk=on_disk)
        # Held back is only what is not on disk: an older version may have kept it already.
        held = None if on_disk else check.held
        self.stepping_app.set_held(
            f"reflection:{prompt_id}", f"{self._label(prompt_id)} {held}" if held else None
        )
        return check

    def _label(self, prompt_id: str) -> str:
        for prompt in self.stepping_app.store.library.reflection:
            if prompt.id == prompt_id:
                return f"“{prompt.label}”"
        return prompt_id

    @on(TextArea.Changed)
    def typed(self, event: TextArea.Changed) -> None:
        area_id = event.text_area.id or ""
        if area_id.startswith("r-"):
            # A suggestion only: it never holds the reflection back.
            self.query_one(f"#l-{area_id[2:]}", LanguageHint).check(event.text_area.text)
            self.checked(area_id[2:], event.text_area.text)
            self._refusal_follows_typing()
        self.stepping_app.mark_unsaved()
        self.save_soon()

    @on(Checkbox.Changed)
    def flagged(self) -> None:
        self.keep()

    def unconfirmed(self) -> dict[str, str]:
        """Fields with a warning (saved, but possibly identifying) not yet seen at ctrl+s."""
        out = {}
        for prompt in self.stepping_app.store.library.reflection:
            text = self.query_one(f"#r-{prompt.id}", TextArea).text
            check = self.checked(prompt.id, text)
            if check.warnings and self._confirmed.get(prompt.id) != text:
                out[prompt.id] = describe(check.warnings, noun="answer")
        return out

    def held_back(self) -> dict[str, str]:
        """Fields that may not be written as they are: field label -> why."""
        out = {}
        for prompt in self.stepping_app.store.library.reflection:
            self.checked(prompt.id, self.query_one(f"#r-{prompt.id}", TextArea).text)
            why = self.stepping_app.held.get(f"reflection:{prompt.id}")
            if why:
                out[self._label(prompt.id)] = why.removeprefix(self._label(prompt.id) + " ")
        return out

    def keep(self) -> None:
        """Copy the fields that may be kept into the session and save it (only what changed).

        Text with a warning is saved as typed. Text that may not be written (an identifier
        the guard refuses, or over the limit) stays on screen only, and the header says so.
        """
        self.stop_waiting()
        changed = False
        for prompt in self.stepping_app.store.library.reflection:
            text = self.query_one(f"#r-{prompt.id}", TextArea).text
            check = self.checked(prompt.id, text)
            if check.held:
                # Only what may be kept: the refused part is cut out of the saved copy.
                text = check.keepable
                if text is None:
                    continue
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
            self.stepping_app.save_draft(self.session)
        else:
            self.stepping_app.settle_save_state()

    def action_back(self) -> None:
        self.keep()
        self.stepping_app.unless_held_text(self._leave)

    def _leave(self) -> None:
        for prompt in self.stepping_app.store.library.reflection:
            self.stepping_app.set_held(f"reflection:{prompt.id}", None)
        self.app.pop_screen()

    def action_finish(self) -> None:
        held = self.held_back()
        if held:
            self._refused = "held"
            self.refuse(
                self._not_finished(held),
                next(pid for pid in self._ids() if self.stepping_app.held.get(f"reflection:{pid}")),
            )
            return
        warned = self.unconfirmed()
        if warned:
            self._confirmed.update(
                {pid: self.query_one(f"#r-{pid}", TextArea).text for pid in warned}
            )
            self._refused = "warned"
            self.refuse(
                "Some answers look as if they contain something that could identify her "
                "(see the warnings under them). Edit them, or press ctrl+s again to keep them "
                "as they are and finish.",
                next(iter(warned)),
            )
            return
        self.keep()
        self.query_one("#problem", Static).update("Finishing…")
        self.finish(self.session.copy())

    @staticmethod
    def _not_finished(held: dict[str, str]) -> str:
        fields = "; ".join(f"{label} {why}" for label, why in held.items())
        return f"Not finished: {fields}. Change it so it can be saved, then press ctrl+s."

    def _refusal_follows_typing(self) -> None:
        """After ctrl+s was refused, the reason shown follows the fields: it names only those
        still held back, and goes once there are none (or, for a warning, at the first
        edit: the warnings under the fields stay)."""
        if self._refused is None:
            return
        held = self.held_back() if self._refused == "held" else {}
        self.query_one("#problem", Static).update(self._not_finished(held) if held else "")
        if not held:
            self._refused = None

    def _ids(self) -> list[str]:
        return [prompt.id for prompt in self.stepping_app.store.library.reflection]

    def refuse(self, why: str, prompt_id: str) -> None:
        """Say why ctrl+s did not finish where the person is looking: the field it is about
        takes the focus (and so comes into view), the reason shows at the foot of the form
        and, for a moment, as a notice over the screen."""
        self.query_one("#problem", Static).update(why)
        self.query_one(f"#r-{prompt_id}", TextArea).focus()
        self.app.notify(why, severity="warning", timeout=8)

    class Finished(Message):
        def __init__(self, done: Session) -> None:
            super().__init__()
            self.done = done

    class GoneElsewhere(Message):
        """Finished or deleted in another window meanwhile: `reason` says which."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    @work(thread=True, exclusive=True, group="finish", exit_on_error=False)
    def finish(self, snapshot: Session) -> None:
        try:
            done = self.stepping_app.store.sessions.finish(snapshot)
        except FinishedElsewhere as exc:
            self.post_message(self.GoneElsewhere(str(exc)))
            return
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        self.post_message(self.Finished(done))

    @on(GoneElsewhere)
    def finished_elsewhere(self, message: GoneElsewhere) -> None:
        self.app.notify(message.reason, severity="error", timeout=15)
        self.stepping_app.go_home()

    @on(WorkFailed)
    def not_finished(self, message: WorkFailed) -> None:
        self.query_one("#problem", Static).update(
            f"{message.reason} Your reflection is kept; press ctrl+s to try again."
        )

    @on(Finished)
    def finished(self, message: Finished) -> None:
        from .session_summary import SessionSummaryScreen

        done = message.done
        for prompt in self.stepping_app.store.library.reflection:
            self.stepping_app.set_held(f"reflection:{prompt.id}", None)
        self.stepping_app.forget_pending(done.id)
        self.stepping_app.reset_to(SessionSummaryScreen(done, self.checklist, just_finished=True))
