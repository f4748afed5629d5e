"""Pictures of the main screens (sign in, home, a checklist item, a session's summary, People,
the supervision summary) at 80x24, at 60x20 and without colour (NO_COLOR), and of the other
screens at 80x24, so a layout change shows up as a changed picture.

Each test drives the app to one screen and compares an SVG of the terminal with the accepted
one in `tests/__snapshots__/test_snapshots/`. After a deliberate layout change, look at the
new pictures and accept them with `pytest tests/test_snapshots.py --snapshot-update`.

The pictures must not change from run to run, so here:
- the clock is frozen (`frozen_clock`): every `datetime.now()` / `date.today()` the app and
  the store use says Monday 30 November 2026 15:15, unless a test moves it on;
- new ids come from a seeded generator, so anything ordered by id is ordered the same way
  (no id is shown on screen);
- cursors do not blink.

All people and text are synthetic.
"""

from __future__ import annotations

import importlib
import random
import uuid
from datetime import date, datetime, timedelta

import pytest
from textual.widgets import Input, TextArea

from tests.helpers import SIZE, press, put, settle, sign_in, start_checklist
from tests.test_nothing_lost import NHS_TEST_NUMBER
from tests.test_supervision import finished_session
from tui.app import SteppingStonesApp
from tui.screens.checklist import ChecklistScreen
from tui.screens.drafts import DraftsScreen
from tui.screens.help import HelpScreen
from tui.screens.home import HomeScreen
from tui.screens.lock import LockScreen
from tui.screens.note import NoteScreen
from tui.screens.people import PeopleScreen
from tui.screens.reasons import ReasonScreen
from tui.screens.reflection import ReflectionScreen
from tui.screens.session_summary import SessionSummaryScreen
from tui.screens.sign_in import SignInScreen
from tui.screens.supervisees import SuperviseesScreen
from tui.screens.supervision_summary import SupervisionSummaryScreen
from tui.screens.welcome import WelcomeScreen

# Every module that reads the clock through `datetime` or `date` (imported by name).
CLOCK_READERS = (
    "tui.app",
    "tui.format",
    "tui.screens.supervisee_sessions",
    "tui.screens.supervision_record",
    "tui.screens.transfer",
    "services.summaries",
    "services.service_report",
    "store.people",
    "store.sessions",
    "store.audit",
    "store.lockout",
    "store.storage",
    "store.supervision",
    "store.reports.period",
    "reports.text",
    "tests.test_supervision",
    "tests.test_service_report",
)
START = datetime(2026, 11, 30, 15, 15, 0)  # a Monday afternoon


class _Clock:
    now = START


class _FrozenMeta(type):
    """`isinstance` still accepts real dates and datetimes."""

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, cls.__mro__[1])


class FrozenDateTime(datetime, metaclass=_FrozenMeta):
    @classmethod
    def now(cls, tz=None):
        return _Clock.now if tz is None else _Clock.now.replace(tzinfo=tz)

    @classmethod
    def today(cls):
        return _Clock.now


class FrozenDate(date, metaclass=_FrozenMeta):
    @classmethod
    def today(cls):
        return _Clock.now.date()


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch, own_config_folder):
    """The clock stops at START (move it with `frozen_clock.at(...)`); ids are seeded; cursors
    do not blink; the user config folder (named in the help) has the same name in every run."""
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent/config")
    for name in CLOCK_READERS:
        module = importlib.import_module(name)
        for attr, frozen in (("datetime", FrozenDateTime), ("date", FrozenDate)):
            if getattr(module, attr, None) is frozen.__mro__[1]:
                monkeypatch.setattr(module, attr, frozen)
        if getattr(module, "Date", None) is date:
            monkeypatch.setattr(module, "Date", FrozenDate)
    seeded = random.Random(20261130)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=seeded.getrandbits(128), version=4))
    monkeypatch.setattr(Input.cursor_blink, "_default", False)
    monkeypatch.setattr(TextArea.cursor_blink, "_default", False)
    monkeypatch.setattr(_Clock, "now", START)
    # Keys are random, so the store's fingerprint (People screen) is drawn as a fixed one.
    import services.directory

    monkeypatch.setattr(services.directory, "root_fingerprint", lambda store: "0123 4567 89ab cdef")

    class Control:
        @staticmethod
        def at(moment: datetime) -> None:
            monkeypatch.setattr(_Clock, "now", moment)

    return Control


def app_for(store) -> SteppingStonesApp:
    return SteppingStonesApp(data_dir=store.data_dir)


async def signed_in(pilot, name: str = "Alex Reid") -> SteppingStonesApp:
    app = pilot.app
    await sign_in(app, pilot, name)
    await settle(app, pilot, workers=True)
    assert isinstance(app.screen, HomeScreen)
    return app


async def to_end_of_list(pilot) -> ChecklistScreen:
    """A new checklist answered "Done" throughout, left at "All N items answered"."""
    app = pilot.app
    screen = await start_checklist(app, pilot)
    for _ in range(200):
        if screen.at_end:
            break
        await pilot.press("1")
    await settle(app, pilot)
    return screen


# -- before signing in -------------------------------------------------------------------------
def test_welcome(snap_compare, data_dir) -> None:
    from store import Store

    app = SteppingStonesApp(data_dir=data_dir, store=Store(data_dir))

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_sign_in(snap_compare, store, alex) -> None:
    app = app_for(store)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# -- home and unfinished checklists ------------------------------------------------------------
@pytest.fixture
def busy_store(store, alex, checklist, frozen_clock):
    """Alex has one session finished three days ago and two unfinished checklists, the
    newer one begun at 14:40 and touched at 15:05 today."""
    finished_session(
        store, alex, checklist, 3, {0: ("done", None), 1: ("partly", None), 2: ("done", None)}
    )
    for started, setup, answered in (
        (START - timedelta(days=1, hours=2), {"setting": "home_visit", "stage": "postnatal"}, 2),
        (START - timedelta(minutes=35), {"setting": "clinic", "stage": "antenatal"}, 5),
    ):
        frozen_clock.at(started)
        session = store.start_session(alex, checklist, setup)
        items = session.visible_items(checklist)
        frozen_clock.at(started + timedelta(minutes=10))
        for item in items[:answered]:
            session.answer(item, "done")
        store.sessions.save_draft(session)
    frozen_clock.at(START)
    return store


def test_home(snap_compare, busy_store) -> None:
    app = app_for(busy_store)
    assert snap_compare(app, terminal_size=SIZE, run_before=signed_in)


def test_drafts_chooser(snap_compare, busy_store) -> None:
    app = app_for(busy_store)

    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await press(pilot, "r", then=DraftsScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare, busy_store) -> None:
    app = app_for(busy_store)

    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await press(pilot, "question_mark", then=HelpScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_lock(snap_compare, busy_store) -> None:
    app = app_for(busy_store)

    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await press(pilot, "ctrl+l", then=LockScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# -- a checklist -------------------------------------------------------------------------------
def test_checklist_item(snap_compare, store, alex) -> None:
    app = app_for(store)

    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await start_checklist(app, pilot)
        await press(pilot, "1", then=ChecklistScreen)  # the second item, one answered

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_what_got_in_the_way(snap_compare, store, alex) -> None:
    app = app_for(store)

    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await start_checklist(app, pilot)
        await press(pilot, "3", then=ReasonScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_note_box(snap_compare, store, alex) -> None:
    app = app_for(store)

    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await start_checklist(app, pilot)
        await press(pilot, "n", then=NoteScreen)
        await put(pilot, app.screen.query_one("#note", TextArea), "Talked in the corridor")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_end_of_the_list(snap_compare, store, alex) -> None:
    app = app_for(store)

    async def run_before(pilot) -> None:
        await signed_in(pilot)
        screen = await to_end_of_list(pilot)
        assert screen.at_end

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_reflection_with_a_refused_field(snap_compare, store, alex) -> None:
    app = app_for(store)

    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await to_end_of_list(pilot)
        await press(pilot, "enter", then=ReflectionScreen)
        screen = app.screen
        field = screen.query(TextArea).first()
        await put(pilot, field, f"She was calm today, {NHS_TEST_NUMBER}")
        for _ in range(100):  # the debounced check
            if screen._timer is None and not app.unsaved:
                break
            await pilot.pause(0.02)
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# -- supervision -------------------------------------------------------------------------------
@pytest.fixture
def supervised(team, checklist):
    """Sam supervises Jo, who finished one session three days ago."""
    store, _sam, jo, _kit = team
    finished_session(
        store,
        jo,
        checklist,
        3,
        {0: ("done", None), 1: ("not_done", "no-private-room"), 2: ("partly", None)},
        reflection={"differently": "Ask about the room at booking", "feelings": "A long day"},
        flagged=True,
    )
    return store


def test_supervisees(snap_compare, supervised) -> None:
    app = app_for(supervised)

    async def run_before(pilot) -> None:
        await signed_in(pilot, "Sam Supervisor")
        await press(pilot, "v", then=SuperviseesScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_supervision_summary(snap_compare, supervised) -> None:
    app = app_for(supervised)

    async def run_before(pilot) -> None:
        await signed_in(pilot, "Sam Supervisor")
        await press(pilot, "v", then=SuperviseesScreen)
        await press(pilot, "enter", then=SupervisionSummaryScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_service_report(snap_compare, store, alex) -> None:
    from tests.test_service_report_tui import fill
    from tui.screens.service_report import ServiceReportScreen

    fill(store, alex)
    app = app_for(store)

    async def run_before(pilot) -> None:
        await signed_in(pilot, "Lee Lead")
        await press(pilot, "l", then=ServiceReportScreen)
        await settle(pilot.app, pilot, workers=True)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# -- a small terminal (60x20) and no colour ------------------------------------------------------
SMALL = (60, 20)


def test_sign_in_small(snap_compare, store, alex) -> None:
    app = app_for(store)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_home_small(snap_compare, busy_store) -> None:
    app = app_for(busy_store)
    assert snap_compare(app, terminal_size=SMALL, run_before=signed_in)


async def _second_item(pilot) -> None:
    await signed_in(pilot)
    await start_checklist(pilot.app, pilot)
    await press(pilot, "1", then=ChecklistScreen)


def test_checklist_item_small(snap_compare, store, alex) -> None:
    app = app_for(store)
    assert snap_compare(app, terminal_size=SMALL, run_before=_second_item)


def test_note_box_small(snap_compare, store, alex) -> None:
    app = app_for(store)

    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await start_checklist(app, pilot)
        await press(pilot, "n", then=NoteScreen)

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_session_summary_small(snap_compare, store, alex) -> None:
    app = app_for(store)

    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await to_end_of_list(pilot)
        await press(pilot, "enter", then=ReflectionScreen)
        await press(pilot, "ctrl+s", then=SessionSummaryScreen)

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_checklist_item_without_colour(snap_compare, store, alex, monkeypatch) -> None:
    """NO_COLOR=1: where you are and what is answered still show, in characters."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(store)
    assert snap_compare(app, terminal_size=SIZE, run_before=_second_item)


# -- the session summary, People and the supervision summary at every size, and no colour -------
async def _session_summary(pilot) -> None:
    await signed_in(pilot)
    await to_end_of_list(pilot)
    await press(pilot, "enter", then=ReflectionScreen)
    await press(pilot, "ctrl+s", then=SessionSummaryScreen)


@pytest.fixture
def people_store(team, alex):
    """Alex (admin), Sam (supervisor of Jo), Jo, and Kit, whose account is switched off."""
    from services import people

    store, *_ = team
    people.update_person(store, alex, "Kit Novak", deactivate=True)
    return store


async def _people(pilot) -> None:
    await signed_in(pilot)
    await press(pilot, "u", then=PeopleScreen)
    await settle(pilot.app, pilot, workers=True)


async def _supervision_summary(pilot) -> None:
    await signed_in(pilot, "Sam Supervisor")
    await press(pilot, "v", then=SuperviseesScreen)
    await press(pilot, "enter", then=SupervisionSummaryScreen)
    await settle(pilot.app, pilot, workers=True)


async def _sign_in_screen(pilot) -> None:
    await settle(pilot.app, pilot)
    assert isinstance(pilot.app.screen, SignInScreen)


def test_session_summary(snap_compare, store, alex) -> None:
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=_session_summary)


def test_people(snap_compare, people_store) -> None:
    assert snap_compare(app_for(people_store), terminal_size=SIZE, run_before=_people)


def test_people_small(snap_compare, people_store) -> None:
    assert snap_compare(app_for(people_store), terminal_size=SMALL, run_before=_people)


def test_supervision_summary_small(snap_compare, supervised) -> None:
    assert snap_compare(app_for(supervised), terminal_size=SMALL, run_before=_supervision_summary)


@pytest.fixture
def no_colour(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def test_sign_in_without_colour(snap_compare, no_colour, store, alex) -> None:
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=_sign_in_screen)


def test_home_without_colour(snap_compare, no_colour, busy_store) -> None:
    assert snap_compare(app_for(busy_store), terminal_size=SIZE, run_before=signed_in)


def test_session_summary_without_colour(snap_compare, no_colour, store, alex) -> None:
    assert snap_compare(app_for(store), terminal_size=SIZE, run_before=_session_summary)


def test_people_without_colour(snap_compare, no_colour, people_store) -> None:
    assert snap_compare(app_for(people_store), terminal_size=SIZE, run_before=_people)


def test_supervision_summary_without_colour(snap_compare, no_colour, supervised) -> None:
    assert snap_compare(app_for(supervised), terminal_size=SIZE, run_before=_supervision_summary)
