"""The transfer and interop services without a front end: each writes its audit entry itself
(the store functions under it write none), an export's entry before its file, and the same
events and detail fields as the audit trail always held."""

from __future__ import annotations

from pathlib import Path

import pytest

from services import demo, exchange, interop, store_health
from store import PermissionDenied, Store, StoreError
from store.exchange import Import, open_target, prepare_export, read_bundle, sign_in_from_bundle
from store.interop.csv_export import prepare_csv
from store.interop.fhir_export import prepare_fhir
from tests.helpers import PASSPHRASE
from tests.test_supervision import finished_session


def events(store: Store) -> list[str]:
    return [e["event"] for e in store.audit.entries()]


def who(entry: dict) -> tuple:
    return entry["event"], entry["actor"], entry["subject"]


@pytest.fixture
def jo_session(team, checklist):
    return finished_session(team.store, team.jo, checklist, 3, {0: ("done", None)})


def _bundle(team, tmp_path: Path) -> Path:
    path = tmp_path / "jo.bundle"
    exchange.export_bundle(team.store, team.jo, path)
    return path


# -- bundle export -------------------------------------------------------------------------


def test_the_export_service_writes_the_export_entry(team, jo_session, tmp_path) -> None:
    result = exchange.export_bundle(team.store, team.sam, tmp_path / "b.bundle", of=team.jo)
    entry = team.store.audit.entries()[-1]
    assert who(entry) == ("export", "Sam Supervisor", "Jo Patel")
    assert entry["detail"] == {
        "format": "bundle",
        "sessions": 1,
        "comments": 0,
        "records": 0,
        "people": 2,
        "since": None,
    }
    assert read_bundle(result["path"]).digest == result["digest"]


def test_the_store_alone_prepares_an_export_and_audits_nothing(team, jo_session, tmp_path) -> None:
    before = team.store.audit.entries()
    pending = prepare_export(team.store, team.jo, team.jo, tmp_path / "b.bundle")
    assert not (tmp_path / "b.bundle").exists()  # nothing on disk until the service says so
    assert pending.write()["sessions"] == 1
    assert (tmp_path / "b.bundle").exists()
    assert team.store.audit.entries() == before


def test_no_bundle_is_written_when_its_audit_entry_cannot_be(
    team, jo_session, tmp_path, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise StoreError("The audit trail is busy.")

    monkeypatch.setattr(team.store.audit, "append", broken)
    with pytest.raises(StoreError, match="The audit trail is busy."):
        exchange.export_bundle(team.store, team.jo, tmp_path / "b.bundle")
    assert not (tmp_path / "b.bundle").exists()


def test_only_the_author_their_supervisor_or_an_admin_exports(
    team, alex, jo_session, tmp_path
) -> None:
    before = team.store.audit.entries()
    with pytest.raises(PermissionDenied, match="their supervisor or an admin"):
        exchange.export_bundle(team.store, team.kit, tmp_path / "b.bundle", of=team.jo)
    assert team.store.audit.entries() == before
    exchange.export_bundle(team.store, alex, tmp_path / "b.bundle", of=team.jo)
    assert team.store.audit.entries()[-1]["actor"] == "Alex Reid"


# -- bundle import -------------------------------------------------------------------------


def test_the_import_service_audits_each_person_added_then_the_import(
    team, jo_session, tmp_path
) -> None:
    bundle = _bundle(team, tmp_path)
    root = exchange.bundle_fingerprint(exchange.read_bundle(bundle))
    report = exchange.import_bundle(tmp_path / "laptop", bundle, "Jo Patel", PASSPHRASE, root=root)
    laptop = Store(tmp_path / "laptop")
    assert events(laptop) == ["person_added", "person_added", "import"]
    added = laptop.audit.entries()[0]
    assert (added["actor"], added["subject"], added["detail"]) == (
        "Jo Patel",
        "Jo Patel",
        {"via": "import", "roles": "practitioner"},
    )
    detail = laptop.audit.entries()[-1]["detail"]
    assert (detail["format"], detail["from"], detail["added"]) == ("bundle", "Jo Patel", 1)
    assert detail["bundle"] == report["bundle"]["digest"][:16]
    assert "reshared" in report


def test_the_store_alone_imports_and_audits_nothing(team, jo_session, tmp_path) -> None:
    bundle = read_bundle(_bundle(team, tmp_path))
    store, empty = open_target(tmp_path / "laptop")
    importer = sign_in_from_bundle(bundle, "Jo Patel", PASSPHRASE)
    run = Import(store, bundle, importer, empty, dry_run=False, progress=None)
    assert sorted(p["name"] for p in run.add_people()) == ["Jo Patel", "Sam Supervisor"]
    assert len(run.add_records()["added"]) == 1
    assert store.audit.entries() == []


def test_a_dry_run_import_audits_only_the_sign_in(team, jo_session, tmp_path) -> None:
    bundle = _bundle(team, tmp_path)
    exchange.import_bundle(team.store, bundle, "Jo Patel", PASSPHRASE, dry_run=True)
    assert events(team.store)[-1] == "sign_in"


def test_only_an_admin_or_one_of_the_bundles_people_imports(team, jo_session, tmp_path) -> None:
    bundle = _bundle(team, tmp_path)
    with pytest.raises(PermissionDenied, match="not one of the people in this bundle"):
        exchange.import_bundle(team.store, bundle, "Kit Novak", PASSPHRASE)
    assert "import" not in events(team.store)


# -- FHIR and CSV --------------------------------------------------------------------------


def test_the_fhir_service_writes_the_export_entry(team, jo_session, tmp_path) -> None:
    interop.export_fhir(team.store, team.sam, tmp_path / "fhir", of=team.jo)
    entry = team.store.audit.entries()[-1]
    assert who(entry) == ("export", "Sam Supervisor", "Jo Patel")
    assert entry["detail"] == {
        "format": "fhir",
        "sessions": 1,
        "questionnaires": 1,
        "bundle_type": "collection",
        "include_author": False,
        "since": None,
        "unreadable": 0,
    }


def test_the_csv_service_writes_the_export_entry(team, jo_session, tmp_path) -> None:
    interop.export_csv(team.store, team.jo, tmp_path / "out.csv", since="2020-01-01")
    entry = team.store.audit.entries()[-1]
    assert who(entry) == ("export", "Jo Patel", None)
    assert entry["detail"] == {
        "format": "csv",
        "sessions": 1,
        "rows": 1,
        "include_notes": False,
        "since": "2020-01-01",
        "unreadable": 0,
    }


def test_the_store_alone_prepares_fhir_and_csv_and_audits_nothing(
    team, jo_session, tmp_path
) -> None:
    before = team.store.audit.entries()
    fhir = prepare_fhir(team.store, team.jo, tmp_path / "fhir")
    table = prepare_csv(team.store, team.jo, tmp_path / "out.csv")
    assert not (tmp_path / "fhir").exists() and not (tmp_path / "out.csv").exists()
    assert "bundle.json" in fhir.write()["files"]
    assert table.write()["rows"] == 1
    assert (tmp_path / "fhir" / "bundle.json").exists() and (tmp_path / "out.csv").exists()
    assert team.store.audit.entries() == before


# -- verify and the demo store -------------------------------------------------------------


def test_verify_reads_and_audits_nothing(team, jo_session) -> None:
    before = team.store.audit.entries()
    checked, findings = store_health.verify(team.store.data_dir)
    assert checked > 0 and findings == []
    assert team.store.audit.entries() == before
    assert store_health.verify(team.store.data_dir / "nowhere")[0] == 0


def test_the_demo_store_is_built_for_an_empty_folder_only(tmp_path) -> None:
    report = demo.build(tmp_path / "demo", 2, 1, seed=1, passphrase=PASSPHRASE)
    assert (report["people"], report["finished"]) == (4, 2)  # with the service lead
    assert Store(tmp_path / "demo").audit.entries() == []
    with pytest.raises(StoreError, match="already has people"):
        demo.build(tmp_path / "demo", 2, 1, seed=1, passphrase=PASSPHRASE)
