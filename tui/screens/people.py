"""People (admins, `u` on home): everyone in the store with their roles, supervisors and
whether their account is on (or locked out after too many wrong passphrases); add a colleague,
change roles and supervisors, reset a passphrase, switch an account off or back on, lift a
lockout. Every change goes through `services.people`, which checks the person acting is an
admin and writes the audit entry. Below the list, the audit trail's head (`audit head`), to
write down away from this computer for `audit verify --anchor`."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.widgets.data_table import CellDoesNotExist

from store import StoreError
from tui import keys
from tui.typed import SteppingNode
from tui.widgets.footer import KeysFooter
from tui.widgets.marked import MarkedTable


class PeopleScreen(SteppingNode, Screen):
    TITLE = "People"
    CSS_PATH = "people.tcss"
    BINDINGS = [
        Binding("a", "add", "Add", id="people.add", show=False, tooltip="Add a colleague"),
        Binding(
            "c",
            "change",
            "Change",
            id="people.change",
            show=False,
            tooltip="Change the highlighted person's roles and supervisors",
        ),
        Binding(
            "p",
            "reset",
            "Reset passphrase",
            id="people.reset",
            show=False,
            tooltip="Give the highlighted person a new passphrase",
        ),
        Binding(
            "o",
            "switch",
            "Off/on",
            id="people.switch",
            show=False,
            tooltip="Switch the highlighted person's account off, or back on",
        ),
        Binding(
            "l",
            "lift",
            "Lift lockout",
            id="people.lift",
            show=False,
            tooltip="Let the highlighted person sign in again now, after too many wrong "
            "passphrases",
        ),
        Binding("escape", "back", "Back", id="people.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            keys.fill(
                self,
                "[b]{people.add}[/b] add a colleague   [b]{people.change}[/b] or enter: roles "
                "and supervisors\n[b]{people.reset}[/b] reset a passphrase   "
                "[b]{people.switch}[/b] switch an account off or back on   "
                "[b]{people.lift}[/b] lift a lockout",
            ),
            id="people-intro",
        )
        yield MarkedTable(id="people", cursor_type="row", zebra_stripes=True)
        yield Static("", id="people-status", markup=False)
        yield Static("", id="people-audit", markup=False)
        yield Static("", id="people-root", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Fixed widths that fit 80 columns with the table's own padding.
        for label, width in (("Name", 18), ("Roles", 31), ("Supervisors", 14), ("Account", 7)):
            table.add_column(label, width=width)
        self.load()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.load()

    @work(thread=True, exclusive=True, group="people", exit_on_error=False)
    def load(self) -> None:
        from services import audit as audit_use
        from services import people as people_use

        store = self.stepping_app.store
        try:
            people = store.people.all()
            by_id = {p.id: p for p in people}
            rows = [store.people.public_view(p, by_id) for p in people]
            locked = people_use.locked_out(store, [row["name"] for row in rows])
            from services.directory import root_fingerprint  # loads the crypto: only here

            root = root_fingerprint(store)
        except StoreError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", timeout=10)
            return
        for row in rows:
            row["locked"] = row["name"] in locked
        try:
            anchor = audit_use.head(store)
            head = f"Audit trail head, to write down away from this computer:\n{anchor}"
        except StoreError as exc:
            head = str(exc)
        self.app.call_from_thread(self.show, rows, head)
        self.app.call_from_thread(self.show_root, root)

    def show_root(self, root: str) -> None:
        """The store's fingerprint, for an admin to read out to someone setting up a laptop
        from a bundle (they confirm it before their store trusts this one's people)."""
        self.query_one("#people-root", Static).update(f"This store's fingerprint: {root}")

    def show(self, rows: list[dict], head: str = "") -> None:
        self.query_one("#people-audit", Static).update(head)
        table = self.query_one(DataTable)
        highlighted = self.highlighted_name()
        table.clear()
        self.rows = {}
        for row in rows:
            table.add_row(
                Text(row["name"]),
                Text(", ".join(row["roles"])),
                Text(", ".join(row["supervisors"]) or "–"),
                ("locked" if row["locked"] else "on") if row["active"] else "off",
                key=row["name"],
            )
            self.rows[row["name"]] = row
        if highlighted in self.rows:
            table.move_cursor(row=list(self.rows).index(highlighted))
        table.focus()

    def highlighted_name(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        except CellDoesNotExist:  # an empty or changing table: nobody highlighted
            return None
        return key.value

    def highlighted(self) -> dict | None:
        name = self.highlighted_name()
        return self.rows.get(name) if name else None

    def say(self, text: str) -> None:
        self.query_one("#people-status", Static).update(text)

    def supervisor_names(self) -> list[str]:
        return [name for name, row in self.rows.items() if "supervisor" in row["roles"]]

    def action_add(self) -> None:
        from .people_form import PersonFormScreen

        self.app.push_screen(PersonFormScreen(None, self.supervisor_names()), self.done)

    @on(DataTable.RowSelected)
    def selected(self) -> None:
        self.action_change()

    def action_change(self) -> None:
        row = self.highlighted()
        if row is None:
            return
        from .people_form import PersonFormScreen

        self.app.push_screen(PersonFormScreen(row, self.supervisor_names()), self.done)

    def action_reset(self) -> None:
        row = self.highlighted()
        if row is None:
            return
        from .people_form import ResetPassphraseScreen

        self.app.push_screen(ResetPassphraseScreen(row["name"]), self.done)

    def done(self, said: str | None) -> None:
        if said:
            self.say(said)
        self.load()

    def action_switch(self) -> None:
        row = self.highlighted()
        if row is None:
            return
        name = row["name"]
        if not row["active"]:
            self.set_active(name, on=True)
            return
        from .confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.set_active(name, on=False)

        self.app.push_screen(
            ConfirmScreen(
                f"Switch off {name}'s account?",
                "They will not be able to sign in until an admin switches it back on. "
                "Nothing they wrote is deleted.",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="people-change", exit_on_error=False)
    def set_active(self, name: str, on: bool) -> None:
        from services import people as people_use

        app = self.stepping_app
        try:
            if on:
                people_use.reactivate(app.store, app.user, name)
                said = f"{name} can sign in again."
            else:
                people_use.update_person(app.store, app.user, name, deactivate=True)
                said = f"{name}'s account is switched off."
        except StoreError as exc:
            said = str(exc)
        self.app.call_from_thread(self.done, said)

    def action_lift(self) -> None:
        row = self.highlighted()
        if row is not None:
            self.lift(row["name"])

    @work(thread=True, exclusive=True, group="people-change", exit_on_error=False)
    def lift(self, name: str) -> None:
        from services import people as people_use

        app = self.stepping_app
        try:
            _, lifted = people_use.lift_lockout(app.store, app.user, name)
            said = (
                f"Lifted the lockout for {name}: they can sign in again now."
                if lifted
                else f"{name} is not locked out: nothing to lift."
            )
        except StoreError as exc:
            said = str(exc)
        self.app.call_from_thread(self.done, said)

    def action_back(self) -> None:
        self.app.pop_screen()
