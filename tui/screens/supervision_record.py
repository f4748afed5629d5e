"""What a supervision meeting agreed: date, who was there, notes, actions, sessions discussed.

ctrl+s saves. The record is sealed for the supervisor and the supervisee, and the next summary
starts from its date. escape leaves; if anything was typed it asks first, so nothing is lost
without a word.
"""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, SelectionList, Static, TextArea

from checklists import dates
from checklists.identifiers import describe
from reports import text as words
from services import supervision as supervising
from services.errors import AuditFailed, IdentifierRefused
from store import InvalidInput, Person, StoreError
from store.supervision import ACTION_LIMIT, NOTES_LIMIT, new_action
from tui import keys
from tui.messages import Notice, WorkFailed
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter
from tui.widgets.language_hint import LanguageHint
from tui.widgets.marked import TickList

ACTIONS = 5  # rows for agreed actions: enough for one meeting, and it still fits the screen


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class SupervisionRecordScreen(SteppingNode, Screen):
    TITLE = "Supervision record"
    CSS_PATH = "supervision_record.tcss"
    BINDINGS = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            # Not a priority binding: it waits behind the keys typed before it.
            id="supervision_record.save",
            tooltip="Save the record",
        ),
        Binding(
            "escape",
            "leave",
            "Leave",
            id="supervision_record.leave",
            tooltip="Leave (asks first if anything is not saved)",
        ),
    ]

    def __init__(self, of: Person, sessions: list[dict] | None = None) -> None:
        super().__init__()
        self.of = of
        self.session_rows = list(sessions or [])
        self.sub_title = of.name
        self._confirmed: dict[str, str] = {}
        self._leave_armed = False
        self._saving = False
        self._initial: dict | None = None

    # -- the form ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        user = self.stepping_app.user
        yield Header()
        with VerticalScroll(id="record-form"):
            yield Static(
                f"What you and {self.of.name} agreed. Sealed for the two of you; the next "
                "summary starts from this date. No names or details that identify a woman.",
                classes="hint",
            )
            yield Label("Date (YYYY-MM-DD)")
            yield Input(date.today().isoformat(), id="date", compact=True, max_length=10)
            yield Static("", id="w-date", classes="error warning", markup=False)
            yield Label("Who was there (separate names with commas)")
            yield Input(f"{user.name}, {self.of.name}", id="present", compact=True)
            yield Static("", id="w-present", classes="error warning", markup=False)
            yield Label("Notes")
            yield TextArea(
                "",
                id="notes",
                soft_wrap=True,
                tab_behavior="focus",
                show_line_numbers=False,
                placeholder="What you talked about, what felt hard, what went well.",
            )
            yield Static("", id="w-notes", classes="error warning", markup=False)
            yield LanguageHint(id="l-notes")
            yield Label(f"Agreed actions (for {self.of.name}; due date optional)")
            for index in range(1, ACTIONS + 1):
                with Horizontal(classes="action-row"):
                    yield Input(
                        id=f"action-{index}",
                        placeholder=f"Action {index}",
                        compact=True,
                        max_length=ACTION_LIMIT,
                        classes="action-text",
                    )
                    yield Input(
                        id=f"due-{index}",
                        placeholder="due YYYY-MM-DD",
                        compact=True,
                        max_length=10,
                        classes="action-due",
                    )
                yield Static("", id=f"w-action-{index}", classes="error warning", markup=False)
            yield LanguageHint(id="l-actions")
            if self.session_rows:
                yield Label("Sessions discussed (space ticks or unticks; ✓ discussed)")
                yield TickList[str](
                    *[
                        (
                            self.session_prompt(row, bool(row.get("flagged"))),
                            row["id"],
                            bool(row.get("flagged")),
                        )
                        for row in self.session_rows
                    ],
                    id="sessions",
                )
            yield Static(
                keys.fill(
                    self,
                    "{supervision_record.save}: save · {next_field}: next field · "
                    "{supervision_record.leave}: leave",
                ),
                classes="hint",
                id="record-keys",
            )
            yield Static("", id="problem", classes="error", markup=False)
        yield KeysFooter()

    @staticmethod
    def session_prompt(row: dict, ticked: bool) -> str:
        """A tick in the words as well as the box's colour, so it reads the same without colour."""
        return (
            f"{'✓' if ticked else ' '} {words.format_short_date(row.get('completed_at'))}  "
            f"{_short(row.get('title') or '', 38)}{'  ⚑ flagged' if row.get('flagged') else ''}"
        )

    @on(SelectionList.SelectedChanged)
    def ticked(self, event: SelectionList.SelectedChanged) -> None:
        chosen = set(event.selection_list.selected)
        for index, row in enumerate(self.session_rows):
            event.selection_list.replace_option_prompt_at_index(
                index, self.session_prompt(row, row["id"] in chosen)
            )

    def on_mount(self) -> None:
        for warning in self.query(".warning"):
            warning.display = False
        self._initial = self.values()
        self.query_one("#notes", TextArea).focus()

    def values(self) -> dict:
        out = {
            "date": self.query_one("#date", Input).value,
            "present": self.query_one("#present", Input).value,
            "notes": self.query_one("#notes", TextArea).text,
            "actions": [
                (
                    self.query_one(f"#action-{i}", Input).value,
                    self.query_one(f"#due-{i}", Input).value,
                )
                for i in range(1, ACTIONS + 1)
            ],
            "sessions": [],
        }
        if self.session_rows:
            out["sessions"] = list(self.query_one("#sessions", SelectionList).selected)
        return out

    @property
    def changed(self) -> bool:
        return self._initial is not None and self.values() != self._initial

    def typed_not_saved(self) -> bool:
        """A record is saved only by ctrl+s: until then a change is on screen only (the lock
        screen says so)."""
        return self.changed

    def warn(self, field: str, message: str) -> None:
        warning = self.query_one(f"#w-{field}", Static)
        warning.update(message)
        warning.display = bool(message)

    # -- typing ------------------------------------------------------------------------------
    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(SelectionList.SelectedChanged)
    def edited(self, event) -> None:
        self._leave_armed = False
        self.query_one("#problem", Static).update("")
        widget = getattr(event, "text_area", None) or getattr(event, "input", None)
        field = getattr(widget, "id", "") or ""
        if field == "notes":
            self.query_one("#l-notes", LanguageHint).check(widget.text)
            if widget.text != self._confirmed.get("notes"):
                self.warn("notes", "")
        elif field.startswith("action-"):
            texts = [self.query_one(f"#action-{i}", Input).value for i in range(1, ACTIONS + 1)]
            self.query_one("#l-actions", LanguageHint).check("\n".join(texts))
            if widget.value != self._confirmed.get(field):
                self.warn(field, "")
        elif field.startswith("due-"):
            self.warn(f"action-{field[4:]}", "")
        elif field == "date":
            self.warn("date", "")

    @on(Input.Submitted)
    def submit(self) -> None:
        # The interface contract: enter submits a form. A record with neither notes nor an
        # action is refused with a plain message, so enter never saves an empty one.
        self.action_save()

    # -- saving ------------------------------------------------------------------------------
    def checked(self) -> dict | None:
        """The record to save, or None after saying plainly what needs changing."""
        values = self.values()
        first_problem: str | None = None

        said: list[str] = []

        def problem(field: str, widget_id: str, message: str) -> None:
            nonlocal first_problem
            self.warn(field, message)
            said.append(message)
            if first_problem is None:
                first_problem = widget_id

        when = values["date"].strip()
        if not when:
            problem("date", "date", "Please give the date of the meeting, like 2026-11-22.")
        else:
            try:
                when = dates.parse_day(when, "date").isoformat()
            except dates.DateError as exc:
                problem("date", "date", f"{exc} Write it as year-month-day.")

        notes = values["notes"].strip()
        if len(notes) > NOTES_LIMIT:
            problem("notes", "notes", f"The notes can be up to {NOTES_LIMIT} characters.")
        actions: list[dict] = []
        for index, (text, due) in enumerate(values["actions"], start=1):
            text, due = text.strip(), due.strip()
            if not text and not due:
                continue
            if not text:
                problem(
                    f"action-{index}",
                    f"action-{index}",
                    f"Action {index} has a due date but no words.",
                )
                continue
            try:
                actions.append(new_action(text, self.of.name, due or None))
            except InvalidInput as exc:
                problem(f"action-{index}", f"due-{index}", f"Action {index}: {exc}")
        if not notes and not actions and first_problem is None:
            problem("notes", "notes", "Write some notes or an agreed action before saving.")
        if first_problem is not None:
            self.query_one("#problem", Static).update(
                "Nothing is saved yet: please look at the messages above."
            )
            self.query_one(f"#{first_problem}").focus()
            # Where the person is looking, too: the messages may be out of view.
            self.app.notify(
                "Nothing is saved yet. " + " ".join(said), severity="warning", timeout=8
            )
            return None

        # Identifiers: a warning first; a second ctrl+s keeps the text as it is.
        held = []
        refused = False
        texts = {"present": values["present"].strip(), "notes": notes}
        texts.update({f"action-{i}": t.strip() for i, (t, _due) in enumerate(values["actions"], 1)})
        for field, text in texts.items():
            kind = "action" if field.startswith("action-") else field
            try:
                findings = supervising.check_text(text, kind)
            except IdentifierRefused as exc:
                # Never written, however often ctrl+s is pressed.
                self.warn(field, f"{exc.summary}. Please take it out.")
                held.append(field)
                refused = True
                continue
            if findings and self._confirmed.get(field) != text:
                self._confirmed[field] = text
                noun = {"notes": "note", "present": "list of who was there"}.get(field, "action")
                self.warn(
                    field,
                    describe(findings, noun=noun) + " Press ctrl+s again to keep it as it is.",
                )
                held.append(field)
        if held:
            self.query_one("#problem", Static).update(
                "Not saved: something above could identify her. Please take it out."
                if refused
                else "Something above looks as if it could identify her. Edit it, or press "
                "ctrl+s again to keep it as it is and save."
            )
            self.query_one(f"#{held[0]}").focus()
            return None

        present = [p.strip() for p in values["present"].split(",") if p.strip()]
        return {
            "notes": notes,
            "when": when,
            "present": present or None,
            "sessions": values["sessions"],
            "actions": actions,
        }

    def action_save(self) -> None:
        if self._saving:
            return
        record = self.checked()
        if record is None:
            return
        self._saving = True
        self.query_one("#problem", Static).update("Saving…")
        self.save(record)

    @work(thread=True, exclusive=True, group="supervision-record", exit_on_error=False)
    def save(self, values: dict) -> None:
        store, user = self.stepping_app.store, self.stepping_app.user
        try:
            record = supervising.add_record(
                store,
                user,
                self.of,
                values["notes"],
                when=values["when"],
                present=values["present"],
                sessions=values["sessions"],
                actions=values["actions"],
                # `checked` let it through: every warning shown has been confirmed.
                confirmed=True,
            )
        except AuditFailed as exc:
            record = exc.result
            self.post_message(
                Notice(
                    f"The record is saved, but the audit trail could not be written: {exc}",
                    severity="warning",
                    timeout=15,
                )
            )
        except StoreError as exc:
            self.post_message(WorkFailed(str(exc)))
            return
        self.post_message(self.RecordSaved(record))

    class RecordSaved(Message):
        def __init__(self, record) -> None:
            super().__init__()
            self.record = record

    @on(RecordSaved)
    def record_saved(self, message: RecordSaved) -> None:
        self.saved(message.record)

    @on(WorkFailed)
    def record_not_saved(self, message: WorkFailed) -> None:
        self.failed(message.reason)

    def failed(self, message: str) -> None:
        self._saving = False
        self.query_one("#problem", Static).update(
            f"{message} Everything you typed is still here; press ctrl+s to try again."
        )

    def saved(self, record) -> None:
        self.app.notify(
            f"Supervision record saved for {self.of.name} ({record.date}).",
            title="Saved",
            timeout=6,
        )
        self.dismiss(record)

    # -- leaving -----------------------------------------------------------------------------
    def action_leave(self) -> None:
        if self._saving:
            return
        if not self.changed or self._leave_armed:
            self.dismiss(None)
            return
        self._leave_armed = True
        problem = self.query_one("#problem", Static)
        problem.update(
            "You have not saved this record yet. Press escape again to leave without saving "
            "it, or ctrl+s to save it."
        )
        problem.scroll_visible()
