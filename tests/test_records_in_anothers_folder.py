"""A colleague's records put into a practitioner's folder are never shown or counted as hers.

Anyone at a clinic terminal can write the store folder. Each test here does what such a
person can do with a file manager or a shell, between two practitioners who share a
supervisor: link one person's folder (or one of her files) to a colleague's, swap a month's
archive file between the two folders, or copy one of the colleague's records into her file.
The colleague's sessions are validly signed by him, so the signature alone does not stop
them: what is read from a person's folder must also be about that person. What is not is
named ("written by someone else"), the rest of her records still show, `sessions list`
exits 1, `verify` names it, and no sign-in ever re-shares his records with her.

All data here is synthetic: invented staff names, no women's details.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from services import people, summaries
from store import Store
from store.errors import StoreError
from store.sealed_table import doc_id
from store.sessions import TABLE
from tests.helpers import PASSPHRASE, finish_session, run_cli

FIONA_WORDS = "We sat by the window and took it slowly"
FIONA_MOVED = "She asked for the next appointment herself"
JAMIE_WORDS = "A long wait at reception unsettled her"


def _day(months_back: int, day: int = 10) -> date:
    """Day `day` of the month `months_back` months before this one."""
    first = date.today().replace(day=1)
    for _ in range(months_back):
        first = (first - timedelta(days=1)).replace(day=1)
    return first.replace(day=day)


EARLIER = _day(2)  # a month of Fiona's that nobody touches
LATER = _day(1)  # the month whose archive files are swapped


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T10:00:00+00:00"


class Two:
    """Fiona and Jamie, both supervised by Sam, each with finished sessions."""

    def __init__(self, store: Store, sam, fiona, jamie, fiona_own, fiona_moved, jamie_own):
        self.store = store
        self.sam, self.fiona, self.jamie = sam, fiona, jamie
        self.fiona_own = fiona_own  # in the month nobody touches
        self.fiona_moved = fiona_moved  # in the month whose file is swapped
        self.jamie_own = jamie_own  # Jamie's, all in that month

    def folder(self, person) -> Path:
        return self.store.sessions.person_dir(person.id)


@pytest.fixture
def two(store, alex) -> Two:
    return _two(store, alex)


def _two(store, alex) -> Two:
    sam = people.add_person(store, alex, "Sam Supervisor", ["supervisor"], PASSPHRASE)
    fiona = people.add_person(
        store, alex, "Fiona Begum", ["practitioner"], PASSPHRASE, ["Sam Supervisor"]
    )
    jamie = people.add_person(
        store, alex, "Jamie Boyle", ["practitioner"], PASSPHRASE, ["Sam Supervisor"]
    )
    sam, fiona, jamie = (people.sign_in(store, p.name, PASSPHRASE) for p in (sam, fiona, jamie))
    any_contact = store.library.checklists["any-contact"]
    handover = store.library.checklists["handover"]  # a checklist Fiona never used
    fiona_own = finish_session(
        store,
        fiona,
        any_contact,
        _stamp(EARLIER),
        {0: ("done", None)},
        reflection={"went_well": FIONA_WORDS},
    )
    fiona_moved = finish_session(
        store,
        fiona,
        any_contact,
        _stamp(LATER),
        {0: ("done", None)},
        reflection={"went_well": FIONA_MOVED},
    )
    jamie_own = [
        finish_session(
            store,
            jamie,
            handover,
            _stamp(LATER.replace(day=day)),
            {0: ("done", None)},
            reflection={"went_well": JAMIE_WORDS},
            flagged=True,
        )
        for day in (11, 12)
    ]
    return Two(Store(store.data_dir), sam, fiona, jamie, fiona_own, fiona_moved, jamie_own)


def _month_file(two: Two, person, day: date) -> Path:
    return two.folder(person) / f"archive-{day.isoformat()[:7]}.json"


def _list(two: Two, user: str, passphrase_file: Path, *of: str):
    """`sessions list --json` as `user` (of a supervisee with `of`): (exit code, ids, stderr)."""
    args = ("--of", *of) if of else ()
    result = run_cli(
        "sessions",
        "list",
        "--user",
        user,
        "--passphrase-file",
        str(passphrase_file),
        "--json",
        *args,
        data_dir=two.store.data_dir,
    )
    assert "Traceback" not in result.stderr
    rows = json.loads(result.stdout) if result.stdout.strip() else []
    return result.returncode, rows, result.stderr


def _summary(two: Two, passphrase_file: Path, of: str):
    """Sam's summary of `of` over both months, as JSON: (summary, its text, stderr)."""
    result = run_cli(
        "summary",
        "--user",
        "Sam Supervisor",
        "--passphrase-file",
        str(passphrase_file),
        "--of",
        of,
        "--since",
        EARLIER.replace(day=1).isoformat(),
        "--format",
        "json",
        data_dir=two.store.data_dir,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout), result.stdout, result.stderr


def _overview_row(two: Two, name: str):
    sam = people.sign_in(two.store, "Sam Supervisor", PASSPHRASE)
    return next(row for row in summaries.overview(two.store, sam) if row.name == name)


def _readers(path: Path) -> dict[str, set[str]]:
    """Who each session in an archive file is sealed for, by session id."""
    data = json.loads(path.read_text())
    return {r["id"]: set(r["sealed"]["readers"]) for r in data[TABLE].values()}


def _jamie_ids(two: Two) -> set[str]:
    return {s.id for s in two.jamie_own}


def test_a_folder_linked_to_a_colleagues_shows_none_of_his_sessions_as_hers(
    two, passphrase_file
) -> None:
    fiona_folder, jamie_folder = two.folder(two.fiona), two.folder(two.jamie)
    jamie_before = {p.name: p.read_bytes() for p in jamie_folder.glob("archive-*.json")}
    shutil.rmtree(fiona_folder)
    fiona_folder.symlink_to(jamie_folder, target_is_directory=True)

    code, rows, stderr = _list(two, "Sam Supervisor", passphrase_file, "Fiona Begum")
    assert code == 1
    assert rows == []  # nothing of Jamie's is listed as Fiona's
    assert "Fiona Begum's folder" in stderr and "is a link" in stderr
    # Her summary neither counts nor quotes his sessions, and says why it is empty.
    summary, text, warned = _summary(two, passphrase_file, "Fiona Begum")
    assert summary["activity"]["finished"] == 0
    assert JAMIE_WORDS not in text and "handover" not in summary["activity"]["by_checklist"]
    assert "Fiona Begum's folder" in warned
    # The supervisor's overview (the Supervisees screen) counts none of his for her.
    row = _overview_row(two, "Fiona Begum")
    assert (row.sessions, row.flagged, row.problems) == (0, 0, 1)
    # Sam's sign-ins re-shared none of Jamie's sessions with Fiona, through the link or not.
    assert {p.name: p.read_bytes() for p in jamie_folder.glob("archive-*.json")} == jamie_before
    code, rows, stderr = _list(two, "Fiona Begum", passphrase_file)
    assert code == 1 and rows == [] and JAMIE_WORDS not in stderr
    # Jamie's own sessions are still his, all of them.
    code, rows, stderr = _list(two, "Jamie Boyle", passphrase_file)
    assert code == 0 and {r["id"] for r in rows} == _jamie_ids(two)
    checked = run_cli("verify", data_dir=two.store.data_dir)
    assert checked.returncode == 1
    assert f"sessions/{two.fiona.id}: it is not an ordinary folder but a link" in checked.stdout


def test_nothing_is_written_for_her_into_a_colleagues_folder_through_a_link(
    two, passphrase_file
) -> None:
    fiona_folder, jamie_folder = two.folder(two.fiona), two.folder(two.jamie)
    shutil.rmtree(fiona_folder)
    fiona_folder.symlink_to(jamie_folder, target_is_directory=True)
    before = sorted(p.name for p in jamie_folder.iterdir())
    store = Store(two.store.data_dir)
    fiona = people.sign_in(store, "Fiona Begum", PASSPHRASE)
    with pytest.raises(StoreError, match="Fiona Begum's folder"):
        store.start_session(fiona, store.library.checklists["any-contact"], {})
    assert sorted(p.name for p in jamie_folder.iterdir()) == before


def test_a_month_file_linked_to_a_colleagues_is_not_read_as_hers(two, passphrase_file) -> None:
    moved = _month_file(two, two.fiona, LATER)
    moved.unlink()
    moved.symlink_to(_month_file(two, two.jamie, LATER))

    code, rows, stderr = _list(two, "Sam Supervisor", passphrase_file, "Fiona Begum")
    assert code == 1
    assert [r["id"] for r in rows] == [two.fiona_own.id]  # her untouched month still shows
    assert moved.name in stderr and "Fiona Begum's folder" in stderr
    summary, text, _warned = _summary(two, passphrase_file, "Fiona Begum")
    assert summary["activity"]["finished"] == 1
    assert FIONA_WORDS in text and JAMIE_WORDS not in text
    row = _overview_row(two, "Fiona Begum")
    assert (row.sessions, row.flagged, row.left_out) == (1, 0, 1)
    assert not any(
        two.fiona.id in readers for readers in _readers(_month_file(two, two.jamie, LATER)).values()
    )
    checked = run_cli("verify", data_dir=two.store.data_dir)
    assert checked.returncode == 1
    linked = f"{two.fiona.id}/{moved.name}: it is not an ordinary file but a link"
    assert linked in checked.stdout


def test_a_month_file_swapped_between_two_folders_is_named_never_counted(
    two, passphrase_file
) -> None:
    fiona_file, jamie_file = _month_file(two, two.fiona, LATER), _month_file(two, two.jamie, LATER)
    fiona_bytes, jamie_bytes = fiona_file.read_bytes(), jamie_file.read_bytes()
    fiona_file.write_bytes(jamie_bytes)
    jamie_file.write_bytes(fiona_bytes)

    code, rows, stderr = _list(two, "Sam Supervisor", passphrase_file, "Fiona Begum")
    assert code == 1
    assert [r["id"] for r in rows] == [two.fiona_own.id]  # none of Jamie's; her own still shows
    assert JAMIE_WORDS not in json.dumps(rows)
    for session_id in _jamie_ids(two):
        assert session_id in stderr
    assert "in Fiona Begum's folder was written by someone else" in stderr

    summary, text, warned = _summary(two, passphrase_file, "Fiona Begum")
    assert summary["activity"]["finished"] == 1
    assert set(summary["activity"]["by_checklist"]) == {"any-contact"}  # never his handover
    assert FIONA_WORDS in text and JAMIE_WORDS not in text
    assert not summary["flagged"]
    assert "written by someone else" in warned

    row = _overview_row(two, "Fiona Begum")
    assert row.flagged == 0 and row.problems == 2
    # Sam's sign-ins never re-shared Jamie's sessions with Fiona (nor took them from Jamie),
    # so Fiona, signing in herself, reads none of his reflections.
    for readers in _readers(fiona_file).values():
        assert two.fiona.id not in readers and two.jamie.id in readers
    code, rows, stderr = _list(two, "Fiona Begum", passphrase_file)
    assert code == 1 and [r["id"] for r in rows] == [two.fiona_own.id]
    assert JAMIE_WORDS not in json.dumps(rows) + stderr
    # Jamie's side: Fiona's moved session is named there, never listed as his.
    code, rows, stderr = _list(two, "Jamie Boyle", passphrase_file)
    assert code == 1 and rows == [] and two.fiona_moved.id in stderr

    checked = run_cli("verify", "--json", data_dir=two.store.data_dir)
    assert checked.returncode == 1
    named = [f"{p['file']}: {p['problem']}" for p in json.loads(checked.stdout)["problems"]]
    for session_id in [*_jamie_ids(two), two.fiona_moved.id]:
        assert any(
            session_id in p and "in the folder of someone who did not write it" in p for p in named
        ), session_id


def test_one_of_his_records_copied_into_her_file_is_left_out(two, passphrase_file) -> None:
    """One of Jamie's signed sessions copied, as it is, into Fiona's untouched month."""
    path = _month_file(two, two.fiona, EARLIER)
    jamie = json.loads(_month_file(two, two.jamie, LATER).read_text())[TABLE]
    copied = next(iter(jamie.values()))
    data = json.loads(path.read_text())
    data[TABLE][str(doc_id(copied["id"]))] = copied
    path.write_text(json.dumps(data))

    code, rows, stderr = _list(two, "Sam Supervisor", passphrase_file, "Fiona Begum")
    assert code == 1
    assert {r["id"] for r in rows} == {two.fiona_own.id, two.fiona_moved.id}
    assert copied["id"] in stderr and "written by someone else" in stderr
    summary, text, _warned = _summary(two, passphrase_file, "Fiona Begum")
    assert summary["activity"]["finished"] == 2
    assert "handover" not in summary["activity"]["by_checklist"]
    assert JAMIE_WORDS not in text and FIONA_WORDS in text and FIONA_MOVED in text
    assert _overview_row(two, "Fiona Begum").flagged == 0
    assert two.fiona.id not in _readers(path)[copied["id"]]
    checked = run_cli("verify", data_dir=two.store.data_dir)
    assert checked.returncode == 1
    assert f"session {copied['id']} is in the folder of someone who did not write it" in (
        checked.stdout
    )


def test_a_supervision_record_about_him_in_her_file_never_starts_her_summary(
    two, passphrase_file
) -> None:
    """Jamie's supervision record, copied into Fiona's supervision file, is neither shown as
    hers nor taken as the start of her summary's period."""
    from services import supervision

    sam = people.sign_in(two.store, "Sam Supervisor", PASSPHRASE)
    record = supervision.add_record(two.store, sam, two.jamie, "Talked about waiting times")
    jamie_file = two.folder(two.jamie) / "supervision.json"
    fiona_file = two.folder(two.fiona) / "supervision.json"
    shutil.copyfile(jamie_file, fiona_file)

    assert two.store.supervision.last_record_date(two.fiona.id) is None
    problems: list[StoreError] = []
    assert two.store.supervision.records(sam, two.fiona.id, problems) == []
    assert any("about someone else" in str(p) for p in problems)
    result = run_cli(
        "summary",
        "--user",
        "Sam Supervisor",
        "--passphrase-file",
        str(passphrase_file),
        "--of",
        "Fiona Begum",
        "--format",
        "json",
        data_dir=two.store.data_dir,
    )
    summary = json.loads(result.stdout)
    assert summary["last_record"] is None
    [ignored] = summary["ignored_records"]  # named in her summary, as one it did not start from
    assert ignored["id"] == record.id and "about someone else" in ignored["why"]
    assert summary["period"]["since"] != record.date
    assert summary["activity"]["finished"] == 2  # her own, from before his meeting's date


def test_a_swapped_month_gives_none_of_his_sessions_a_service_report_part_as_hers(
    store, alex
) -> None:
    """The service report's parts are added at sign-in for sessions without one: never for
    one of Jamie's read from Fiona's folder (the team figures would count it twice, once as
    hers)."""
    people.add_person(store, alex, "Lee Lead", ["lead"], PASSPHRASE)  # makes the report key
    two = _two(store, alex)
    sam = people.sign_in(two.store, "Sam Supervisor", PASSPHRASE)
    people.reshare(two.store, sam)  # every session gains its part, in its author's index
    fiona_file, jamie_file = _month_file(two, two.fiona, LATER), _month_file(two, two.jamie, LATER)
    fiona_bytes, jamie_bytes = fiona_file.read_bytes(), jamie_file.read_bytes()
    fiona_file.write_bytes(jamie_bytes)
    jamie_file.write_bytes(fiona_bytes)

    people.reshare(two.store, people.sign_in(two.store, "Sam Supervisor", PASSPHRASE))
    month = LATER.isoformat()[:7]
    assert two.store.parts.covered(two.fiona.id)[month] == {two.fiona_moved.id}
    assert two.store.parts.covered(two.jamie.id)[month] == _jamie_ids(two)


def test_her_bundle_never_carries_his_sessions_from_her_folder(two, tmp_path) -> None:
    """A bundle of Fiona's records leaves out, and names, those of Jamie's in her folder."""
    from services.exchange import export_bundle

    path = _month_file(two, two.fiona, EARLIER)
    jamie = json.loads(_month_file(two, two.jamie, LATER).read_text())[TABLE]
    copied = next(iter(jamie.values()))
    data = json.loads(path.read_text())
    data[TABLE][str(doc_id(copied["id"]))] = copied
    path.write_text(json.dumps(data))

    fiona = people.sign_in(two.store, "Fiona Begum", PASSPHRASE)
    result = export_bundle(two.store, fiona, tmp_path / "fiona.ssb")
    assert result["sessions"] == 2
    assert [item["id"] for item in result["left_out"]] == [copied["id"]]
    assert copied["id"] not in (tmp_path / "fiona.ssb").read_bytes().decode("utf-8", "replace")


async def test_the_supervisees_screen_counts_none_of_his_for_her_and_says_so(two) -> None:
    """The full-screen list a supervisor opens with `v`, after the month files are swapped."""
    from textual.widgets import DataTable

    from tests import helpers
    from tests.helpers import SIZE, sign_in
    from tui.app import SteppingStonesApp
    from tui.screens.supervisees import SuperviseesScreen

    fiona_file, jamie_file = _month_file(two, two.fiona, LATER), _month_file(two, two.jamie, LATER)
    fiona_bytes, jamie_bytes = fiona_file.read_bytes(), jamie_file.read_bytes()
    fiona_file.write_bytes(jamie_bytes)
    jamie_file.write_bytes(fiona_bytes)

    app = SteppingStonesApp(data_dir=two.store.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "Sam Supervisor")
        await helpers.settle(app, pilot, workers=True)
        await pilot.press("v")
        await helpers.settle(app, pilot, workers=True)
        assert isinstance(app.screen, SuperviseesScreen)
        table = app.screen.query_one("#supervisees", DataTable)

        def counts(person) -> tuple[str, str]:
            _name, _last, sessions, flagged, _unfinished = table.get_row(person.id)
            return str(sessions), str(flagged)

        assert counts(two.fiona) == ("1", "0")  # her untouched month; none of Jamie's
        assert counts(two.jamie) == ("0", "0")  # nor hers as his
        said = " ".join(n.message for n in app._notifications)
        assert "Fiona Begum: 2 records could not be opened or are someone else's" in said
        assert "Jamie Boyle: 1 record could not be opened or is someone else's" in said


def test_her_home_screen_says_in_one_sentence_that_a_colleagues_sessions_were_left_out() -> None:
    from store.sessions import NotShared, NotTheirs
    from tui.format import unopened_sessions

    problems = [NotTheirs("Session a…"), NotTheirs("Session b…"), NotShared("Session c…")]
    assert unopened_sessions(problems, has_supervisor=True) == [
        "1 of your sessions can't be opened yet: your supervisor's next sign-in shares it again.",
        "2 sessions in your folder were written by someone else and were left out "
        "(`stepping-stones verify` names them).",
    ]
