"""What got in the way? Reasons for Partly or Not done, grouped by who can change it.

More than one can be given: `space` ticks or unticks the highlighted reason and `enter`
confirms (with nothing ticked, `enter` gives the highlighted reason alone). Reasons that only
make sense for some sessions (after a removal) are shown only when the session's setup says so.
A retired reason is not offered, except where this answer already gives it: it is then shown
ticked, marked as no longer offered, so that looking again never drops it unseen.
The list scrolls when the groups are longer than the screen; the hint stays in view.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from checklists import Reason
from reports.wording import REASON_LEVEL_LABELS, REASON_LEVELS, REASON_RETIRED
from tui import keys
from tui.screens.box import BoxScreen
from tui.widgets.marked import MarkedOptionList

TICKED, UNTICKED = "[x]", "[ ]"
RETIRED_MARK = f" ({REASON_RETIRED})"


class ReasonScreen(BoxScreen[list[str] | None]):
    """Dismisses with the reason ids ticked (in the order shown), or None when closed with
    escape (the reasons already given are then kept)."""

    CSS_PATH = "reasons.tcss"
    BINDINGS = [
        Binding("escape", "close", "No reason", id="reasons.close"),
        Binding("space", "toggle", "Tick", id="reasons.toggle"),
    ]

    def __init__(
        self,
        reasons: list[Reason],
        current: list[str] | str | None = None,
        setup: dict | None = None,
    ) -> None:
        super().__init__()
        given = [current] if isinstance(current, str) else list(current or [])
        # In the order of the three groups, and only those offered for this session and answer.
        self.reasons = [
            r
            for level in REASON_LEVELS
            for r in reasons
            if r.level == level and r.offered(setup, given)
        ]
        shown = {r.id for r in self.reasons}
        self.ticked: set[str] = {r for r in given if r in shown}

    def _prompt(self, reason: Reason) -> Content:
        # Plain content, not markup: "[x]" and any brackets in a label are shown as typed.
        box = TICKED if reason.id in self.ticked else UNTICKED
        mark = RETIRED_MARK if reason.retired else ""
        return Content(f"{box} {reason.label}{mark}")

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        for level in REASON_LEVELS:
            group = [r for r in self.reasons if r.level == level]
            if not group:
                continue
            heading = REASON_LEVEL_LABELS[level]
            options.append(
                Option(Content.styled(heading, "bold"), id=f"heading-{level}", disabled=True)
            )
            options.extend(Option(self._prompt(reason), id=reason.id) for reason in group)
        with Vertical(id="reason-box"):
            yield Static("What got in the way?", classes="screen-title")
            yield MarkedOptionList(*options, id="reasons")
            # Which groups are scrolled out of view, so no group is missed.
            yield Static("", id="reasons-more")
            yield Static(
                keys.fill(
                    self,
                    "↑/↓ move · {reasons.toggle} tick (as many as apply) · enter confirm · "
                    "{reasons.close} no reason",
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        option_list = self.query_one("#reasons", OptionList)
        ids = [r.id for r in self.reasons]
        first_ticked = next((r for r in ids if r in self.ticked), None)
        start = first_ticked or (ids[0] if ids else None)
        if start is not None:
            option_list.highlighted = option_list.get_option_index(start)
        option_list.focus()
        self.watch(option_list, "scroll_y", self._show_more, init=False)
        self.call_after_refresh(self._show_more)

    def _show_more(self, _: object = None) -> None:
        """Name the groups above or below what the list shows: "↓ more below: Her own choice"."""
        option_list = self.query_one("#reasons", OptionList)
        top = round(option_list.scroll_y)
        rows = option_list.scrollable_content_region.height
        above, below = [], []
        for index in range(option_list.option_count):
            option_id = option_list.get_option_at_index(index).id or ""
            if not option_id.startswith("heading-"):
                continue
            label = REASON_LEVEL_LABELS[option_id.removeprefix("heading-")]
            # A group is out of view when its heading is; one scrolled past is above.
            if index >= top + rows:
                below.append(label)
            elif index < top:
                above.append(label)
        parts = []
        if below:
            parts.append("↓ more below: " + ", ".join(below))
        if above and not below:
            parts.append("↑ more above: " + ", ".join(above))
        more = self.query_one("#reasons-more", Static)
        more.update(Content(" · ".join(parts)))
        more.display = bool(parts)

    def _highlighted(self) -> Reason | None:
        option_list = self.query_one("#reasons", OptionList)
        if option_list.highlighted is None:
            return None
        option_id = option_list.get_option_at_index(option_list.highlighted).id
        return next((r for r in self.reasons if r.id == option_id), None)

    def action_toggle(self) -> None:
        reason = self._highlighted()
        if reason is None:
            return
        self.ticked ^= {reason.id}
        self.query_one("#reasons", OptionList).replace_option_prompt(
            reason.id, self._prompt(reason)
        )

    @on(OptionList.OptionSelected)
    def confirmed(self, event: OptionList.OptionSelected) -> None:
        if not self.ticked and event.option.id is not None:
            self.ticked = {event.option.id}
        self.dismiss([r.id for r in self.reasons if r.id in self.ticked])

    def action_close(self) -> None:
        self.dismiss(None)
