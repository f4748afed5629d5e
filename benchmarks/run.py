"""Measure start-up, answering, finishing and memory on synthetic stores of growing size.

Run with `python -m benchmarks` (or `make bench`). Prints one JSON document. Every figure is
the median of several runs, and start-up is also given as a ratio to a bare Textual app
(Header, Static, Footer) started the same way in the same run, so machines of different
speeds can be compared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pty
import resource
import select
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PASSPHRASE = "correct horse battery"
SIZES = (0, 1_000, 10_000, 100_000)
PEOPLE = 50


def build(root: Path, total: int) -> Path:
    from services.demo import build as build_demo_store

    data_dir = root / f"store-{total}"
    if not (data_dir / "people.json").exists():
        build_demo_store(data_dir, PEOPLE, total // PEOPLE, seed=11, passphrase=PASSPHRASE)
    return data_dir


def _spawn(argv: list[str], env: dict) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the program, in a 80x24 pseudo-terminal
        os.execvpe(argv[0], argv, env)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    return pid, fd


def _read_until(fd: int, needle: bytes, timeout: float) -> bool:
    seen = b""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            seen = (seen + chunk)[-65536:]
            if needle in seen:
                return True
    return False


def _stop(pid: int, fd: int) -> int:
    """Kill the child and return its peak RSS in kB."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, _, usage = os.wait4(pid, 0)
    os.close(fd)
    return usage.ru_maxrss


def time_to_text(argv: list[str], needle: bytes, env: dict) -> float:
    started = time.perf_counter()
    pid, fd = _spawn(argv, env)
    found = _read_until(fd, needle, timeout=30)
    elapsed = time.perf_counter() - started
    _stop(pid, fd)
    if not found:
        raise RuntimeError(f"{argv} never showed {needle!r}")
    return elapsed


def app_argv(data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "cli.main", "--data-dir", str(data_dir)]


def startup(data_dir: Path, runs: int, env: dict) -> tuple[float, float, float]:
    """(app's first frame, app's Sign in screen, bare Textual app) medians, measured in turn so
    all three see the same machine. The first frame is the opening screen, drawn before the
    store is read; Sign in follows once it has been."""
    bare_argv = [sys.executable, str(HERE / "bare_app.py")]
    first_frames, sign_ins, bare_times = [], [], []
    for _ in range(runs):
        bare_times.append(time_to_text(bare_argv, b"Sign in", env))
        first_frames.append(time_to_text(app_argv(data_dir), b"Opening the store", env))
        sign_ins.append(time_to_text(app_argv(data_dir), b"Sign in", env))
    return (
        statistics.median(first_frames),
        statistics.median(sign_ins),
        statistics.median(bare_times),
    )


def peak_memory_after_sign_in(data_dir: Path, name: str, env: dict) -> int:
    """Sign in for real and open home (which reads that person's sessions); peak RSS in kB."""
    pid, fd = _spawn(app_argv(data_dir), env)
    try:
        if not _read_until(fd, b"Sign in", 30):
            raise RuntimeError("no sign-in screen")
        os.write(fd, name.encode() + b"\t")
        time.sleep(0.2)
        os.write(fd, PASSPHRASE.encode() + b"\r")
        if not _read_until(fd, b"finished", 60):
            raise RuntimeError("home never listed finished sessions")
        time.sleep(2.0)  # long enough for the sign-in's background work (re-share, comments)
        peak = _high_water_kb(pid)
    finally:
        rss = _stop(pid, fd)
    # The app's own peak. ru_maxrss of the child also counts the moment between fork and
    # exec, when it still shares this (much larger) benchmark process: that inflated the
    # figure to the benchmark's own size (about 150 MB at 100k) in earlier runs.
    return peak or rss


def _high_water_kb(pid: int) -> int | None:
    """Peak resident memory of the running program since its exec (Linux), in kB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _ms(values: list[float], quantile: float) -> float:
    ordered = sorted(values)
    return round(1000 * ordered[round(quantile * (len(ordered) - 1))], 2)


def answer_and_finish(data_dir: Path, answers: int) -> dict:
    """In the app's own loop: key action to "saved" on disk, and finishing a session."""
    from store import Store
    from tui.app import SteppingStonesApp
    from tui.screens.checklist import ChecklistScreen

    store = Store(data_dir)
    person = next(p for p in store.people.all() if p.name != "Sam Supervisor")

    async def run() -> dict:
        app = SteppingStonesApp(data_dir=data_dir, store=store)
        latencies: list[float] = []  # key action -> the answer is on disk (fsync'd)
        acks: list[float] = []  # key action -> the app shows it as saved
        finishes: list[float] = []
        async with app.run_test(size=(80, 24)) as pilot:
            app.signed_in(person)
            await pilot.pause()
            checklist = store.library.checklists["any-contact"]
            for _ in range(3):
                session = store.start_session(person, checklist, {})
                screen = ChecklistScreen(session, checklist)
                await app.push_screen(screen)
                await pilot.pause()
                for _ in range(min(answers, len(screen.items) - 2)):
                    await asyncio.sleep(0.05)  # a person's pace between keys
                    started = time.perf_counter()
                    screen.action_answer("done")
                    while app.saves_pending():  # acknowledged on screen
                        await asyncio.sleep(0.001)
                    acks.append(time.perf_counter() - started)
                    latencies.append(app.writer.last_write_at - started)
                    await pilot.pause()
                started = time.perf_counter()
                store.sessions.finish(session)
                finishes.append(time.perf_counter() - started)
                app.go_home()
                await pilot.pause()
        return {
            "answer_ms_p50": _ms(latencies, 0.5),
            "answer_ms_p95": _ms(latencies, 0.95),
            "answer_ack_ms_p50": _ms(acks, 0.5),
            "answer_ack_ms_p95": _ms(acks, 0.95),
            "finish_ms": _ms(finishes, 0.5),
        }

    return asyncio.run(run())


def summary_and_bundle(data_dir: Path, work: Path, runs: int = 3) -> dict:
    """The supervision summary of one practitioner-year, and moving that year between stores.

    Times are in this process, after signing in (scrypt at its real cost is not counted,
    except once in the import into an empty store, where the importer's passphrase is
    checked against the bundle).
    """
    import shutil
    from datetime import date, timedelta

    from services import people
    from services.exchange import export_bundle, import_bundle, read_bundle
    from store import Store
    from store.reports.period import build_summary

    store = Store(data_dir)
    sam = people.sign_in(store, "Sam Supervisor", PASSPHRASE, via="cli")
    person = next(p for p in store.people.all() if sam.id in p.supervisors)
    year_ago = (date.today() - timedelta(days=365)).isoformat()
    year, quarter = [], []
    for _ in range(runs):
        started = time.perf_counter()
        summary = build_summary(store, sam, of=person, since=year_ago)
        year.append(time.perf_counter() - started)
        started = time.perf_counter()
        build_summary(store, sam, of=person)
        quarter.append(time.perf_counter() - started)
    bundle_path = work / f"bundle-{data_dir.name}.bundle"
    target = work / f"imported-{data_dir.name}"
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    exported = export_bundle(store, sam, bundle_path, of=person)
    export_s = time.perf_counter() - started
    started = time.perf_counter()
    bundle = read_bundle(bundle_path)
    import_bundle(target, bundle, "Sam Supervisor", PASSPHRASE)
    import_s = time.perf_counter() - started
    started = time.perf_counter()
    import_bundle(target, read_bundle(bundle_path), "Sam Supervisor", PASSPHRASE)
    again_s = time.perf_counter() - started
    records = exported["sessions"] + exported["comments"] + exported["records"]
    return {
        "summary_year_sessions": summary.activity.finished,
        "summary_year_s": round(statistics.median(year), 3),
        "summary_3_months_s": round(statistics.median(quarter), 3),
        "bundle_records": records,
        "bundle_mb": round(bundle_path.stat().st_size / 1e6, 1),
        "export_s": round(export_s, 2),
        "import_into_empty_s": round(import_s, 2),
        "import_again_s": round(again_s, 2),
        "import_records_per_s": round(records / import_s) if import_s else None,
    }


def service_report(data_dir: Path, runs: int = 3) -> dict:
    """The service report (issue 16) over the last twelve full months, as the demo's lead:
    reading and opening every structured part of those months and the twelve before, then
    counting. Signing in (scrypt at its real cost) is not counted."""
    from services import people
    from services import service_report as report_use
    from services.service_parts import read_parts
    from store import Store
    from store.demo import LEAD_NAME

    store = Store(data_dir)
    lead = people.sign_in(store, LEAD_NAME, PASSPHRASE, via="cli")
    until = report_use.default_period()[1]
    index = int(until[:4]) * 12 + int(until[5:]) - 1 - 11
    since = f"{index // 12:04d}-{index % 12 + 1:02d}"
    first = report_use.model.previous_period(since, until)[0]
    whole, reading, whole_cpu, reading_cpu = [], [], [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        report = report_use.build(store, lead, since, until, "json")
        whole.append(time.perf_counter() - started)
        whole_cpu.append(time.process_time() - cpu)
        started, cpu = time.perf_counter(), time.process_time()
        read_parts(store, lead, first, until)  # what the report reads: the year and the one before
        reading.append(time.perf_counter() - started)
        reading_cpu.append(time.process_time() - cpu)
    return {
        "report_contacts": report.data["contacts"],
        "report_year_s": round(statistics.median(whole), 3),
        "report_year_cpu_s": round(statistics.median(whole_cpu), 3),
        "report_reading_parts_s": round(statistics.median(reading), 3),
        "report_reading_parts_cpu_s": round(statistics.median(reading_cpu), 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="finished sessions in each store, comma-separated",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per start-up figure")
    parser.add_argument("--work-dir", help="keep the built stores here (default: a temp folder)")
    parser.add_argument(
        "--service-report-only",
        action="store_true",
        help="build the stores and time only the service report (issue 16)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    root = Path(args.work_dir or tempfile.mkdtemp(prefix="ss-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}

    results: dict = {"sizes": {}, "people": PEOPLE, "runs": args.runs}
    for total in sizes:
        started = time.perf_counter()
        data_dir = build(root, total)
        build_s = time.perf_counter() - started
        if args.service_report_only:
            results["sizes"][str(total)] = {"build_s": round(build_s, 1)}
            if total:
                results["sizes"][str(total)].update(service_report(data_dir, args.runs))
            continue
        up, sign_in_up, bare = startup(data_dir, args.runs, env)
        row = {
            "build_s": round(build_s, 1),
            "startup_s": round(up, 3),
            "bare_textual_startup_s": round(bare, 3),
            "startup_ratio_to_bare": round(up / bare, 2),
            "sign_in_screen_s": round(sign_in_up, 3),
            "sign_in_ratio_to_bare": round(sign_in_up / bare, 2),
            **answer_and_finish(data_dir, answers=10),
        }
        if total:
            from store import Store

            name = next(p.name for p in Store(data_dir).people.all() if p.name != "Sam Supervisor")
            row["peak_rss_mb_after_sign_in"] = round(
                peak_memory_after_sign_in(data_dir, name, env) / 1024, 1
            )
            row.update(summary_and_bundle(data_dir, root))
            row.update(service_report(data_dir))
        results["sizes"][str(total)] = row
        print(json.dumps({"progress": total, **row}), file=sys.stderr)
    if args.service_report_only:
        print(json.dumps(results, indent=2))
        return
    first, last = str(sizes[0]), str(sizes[-1])
    # Compared through the bare app measured beside each, so machine drift between sizes cancels.
    results["startup_ratio_largest_to_first"] = round(
        results["sizes"][last]["startup_ratio_to_bare"]
        / results["sizes"][first]["startup_ratio_to_bare"],
        2,
    )
    results["self_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
