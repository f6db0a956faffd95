"""The atlas: every catalogue call on every interpreter, each in a child with a deadline (a
fork of that interpreter's server, pylab.atlas.child), then the extension modules on each
free-threaded interpreter, each in a fresh child; the file saved after every row.

A call that raises, returns a wrong result, crashes or hangs fails its own row with the
reason (the points its sweep measured before stay), and the atlas goes on. Ctrl-C kills the
child in flight and keeps every finished row: the file is `interrupted`, not lost.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pylab
from pylab import results as results_io
from pylab.atlas import modules as readiness
from pylab.atlas.catalogue import Entry
from pylab.atlas.child import MARK
from pylab.atlas.measure import PRESETS, from_probe, sweep_sizes
from pylab.atlas.rounds import MAX_ROUNDS, chosen, record, unsettled_reason, wants_another
from pylab.atlas.sizes import RELEASE_SHARE, against_documented, payoff_size, release_size
from pylab.base.errors import Exit, Terminated, stopped_status
from pylab.base.rules import SCALES
from pylab.executors import exit_reason
from pylab.executors.children import ChildTimeout, LineChild
from pylab.host.machine import machine_info, usable_cores
from pylab.host.state import check as check_machine
from pylab.pythons.envs import command as env_command
from pylab.pythons.targets import Target
from pylab.results.schema import atlas_header, atlas_row, module_row

# A child's deadline: a fixed allowance (start, imports, the probe's processes) and some
# per size measured; each size's pairs and share samples take about 2 s on the 2-core VM.
BASE_DEADLINE_S = 60.0
SIZE_DEADLINE_S = 20.0
MODULE_DEADLINE_S = 60.0


@dataclass
class Settings:
    preset: str
    workers: int
    catalogue: str | None
    only: list[str] | None
    deadline_s: float | None = None  # a fixed deadline per call (tests); else by sizes
    rounds: int = MAX_ROUNDS  # at most this many readings of a call's probe (1: no more)

    def as_dict(self) -> dict[str, Any]:
        return {"preset": self.preset, "workers": self.workers, "catalogue": self.catalogue,
                "only": self.only, "release_share": RELEASE_SHARE, "scales": SCALES,
                "deadline_s": self.deadline_s, "rounds": self.rounds}  # fmt: skip


def default_workers() -> int:
    """W: the usable cores, at least 2."""
    return max(2, usable_cores())


def _describe(status: int | None) -> str:
    """How a child ended without a result (pylab.executors.exit_reason; None: it had not)."""
    if status is None or status < 0:
        return exit_reason(status)
    return f"{exit_reason(status)} without a result"


def run_child(
    command: list[str], stdin: str, deadline_s: float, on_line: Callable[[str], None]
) -> str | None:
    """Run `command` in a process group of its own, `stdin` its input, each line of its
    stdout handed to `on_line`; None when it ended of itself with status 0, else why not
    (killed by a signal, a status, or its deadline). Ctrl-C kills the group, then raises."""
    child = LineChild(command, quiet=True)
    try:
        child.send(stdin)
        child.close_stdin()
        why = _read_lines(child, deadline_s, lambda line: on_line(line) or False)
        if why:
            return why
        status = child.status()
        return None if status == 0 else _describe(status)
    finally:
        child.kill()


def _read_lines(child: LineChild, deadline_s: float, seen: Callable[[str], bool]) -> str | None:
    """Hand each line `child` writes to `seen` until it returns True or the output ends:
    None then, or why not (the deadline passed)."""
    end = time.monotonic() + deadline_s
    try:
        while (line := child.next_line(end)) is not None:
            if seen(line):
                return None
    except ChildTimeout:
        return f"timed out after {deadline_s:.0f} s"
    return None


class Server:
    """The child that measures calls under one interpreter, each in a fork of itself
    (pylab.atlas.child): started for the first job, and again for the job after one it had
    to be killed for (its deadline) or that it did not survive."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.child: LineChild | None = None

    def job(self, job: str, deadline_s: float, on_line: Callable[[str], None]) -> str | None:
        """Run one job (a JSON line), each line of its output handed to `on_line`; None
        when its fork ended with status 0, else why not (killed by a signal, a status, or
        its deadline). Ctrl-C kills the server and its fork, then raises."""
        if self.child is None or not self.child.alive():
            self.child = LineChild(self.command, quiet=True)
        child, ended = self.child, []

        def seen(line: str) -> bool:
            if line.startswith(MARK) and '"ended"' in line:
                message = json.loads(line[len(MARK):])
                if "ended" in message:
                    ended.append(message["ended"])
                    return True
            on_line(line)
            return False

        why = None
        try:  # a server that died before it took the job: its status says why
            if child.send(job + "\n"):
                why = _read_lines(child, deadline_s, seen)
        finally:
            if not ended:  # it timed out, died, or Ctrl-C came: the next job starts another
                self.close()
        if ended:
            return None if ended[0] == 0 else _describe(ended[0])
        return why or _describe(child.process.returncode)

    def close(self) -> None:
        """Stop the server (and a fork of it, if one were still running)."""
        if self.child is not None:
            self.child.kill()
            self.child = None


class Atlas:
    """One atlas run: its file, its rows, and how it reports its progress."""

    def __init__(self, path: Path, results: dict[str, Any], settings: Settings,
                 progress: Callable[[str], None]) -> None:  # fmt: skip
        self.path, self.results, self.settings, self.progress = path, results, settings, progress
        self.t0 = time.monotonic()
        # Each row's probe records, one per round, and its first sweep: what a later round
        # starts from and what its row is rebuilt from (not saved: the row holds the rounds).
        self.readings: dict[tuple[str, str], tuple[list[dict | None], list[dict]]] = {}
        self.servers: dict[str, Server] = {}  # by interpreter executable

    def close(self) -> None:
        """Stop every interpreter's server."""
        for server in self.servers.values():
            server.close()

    def save(self) -> None:
        self.results["wall_s"] = round(time.monotonic() - self.t0, 3)
        results_io.save(self.results, self.path)

    def deadline(self, entry: Entry, again: bool = False) -> float:
        """A child's deadline: --timeout where given; else by the sizes it measures (a
        later round measures one)."""
        if self.settings.deadline_s:
            return self.settings.deadline_s
        sizes = 1 if again else len(sweep_sizes(entry.sizes, self.settings.preset))
        return BASE_DEADLINE_S + SIZE_DEADLINE_S * sizes

    def child(self, entry: Entry, target: Target, again: dict | None = None) -> dict[str, Any]:
        """Run one call's child (a later round of its probe with `again`): its points, its
        probe record under `row`, or why there is none under `error` or `skipped`."""
        found = {"sweep": [], "row": None, "error": None, "skipped": None}

        def on_line(line: str) -> None:
            if not line.startswith(MARK):
                return
            message = json.loads(line[len(MARK):])
            if "point" in message:
                found["sweep"].append(message["point"])
            else:
                found.update(message)

        job = {"entry": entry.as_dict(), "preset": self.settings.preset,
               "workers": self.settings.workers, "again": again}  # fmt: skip
        executable = str(target.executable)
        if executable not in self.servers:
            self.servers[executable] = Server(env_command(executable, "pylab.atlas"))
        server = self.servers[executable]
        ended = server.job(json.dumps(job), self.deadline(entry, bool(again)), on_line)
        if found["row"] is None and found["error"] is None and found["skipped"] is None:
            found["error"] = ended or "the child sent no result"
        return found

    def call_row(self, entry: Entry, target: Target, pid: str) -> dict[str, Any]:
        """Measure one call under one interpreter, in its child: the row (its first round)."""
        t0, found = time.monotonic(), self.child(entry, target)
        probe = found["row"]
        sweep = probe["sweep"] if probe else found["sweep"]
        if probe:
            self.readings[(pid, entry.key)] = ([probe], sweep)
        rounds = [record(probe)] if probe else []
        return self.row(entry, pid, probe, sweep, found["error"], found["skipped"],
                        time.monotonic() - t0, rounds)  # fmt: skip

    def again(self, entry: Entry, target: Target, pid: str, row: dict[str, Any]) -> dict:
        """Another round of a row's probe, in a child of its own: the row rebuilt from the
        round that now stands (pylab.atlas.rounds.chosen)."""
        t0 = time.monotonic()
        probes, sweep = self.readings[(pid, entry.key)]
        found = self.child(entry, target, again=probes[0])
        probes.append(found["row"])
        rounds = [*row["rounds"], record(found["row"], found["error"])]
        elapsed = row["elapsed_s"] + time.monotonic() - t0
        k = chosen(rounds)
        probe = probes[k if k is not None else 0]
        if k is None and not wants_another(rounds, self.settings.rounds):
            probe = {**probe, "reason": f"{unsettled_reason(rounds)}; {probe['reason']}"}
        if k:  # a later round stands: the sweep's largest size is its reading
            sweep = [*sweep[:-1], from_probe(sweep[-1]["size"], probe, self.settings.workers)]
        return self.row(entry, pid, probe, sweep, None, None, elapsed, rounds)

    def row(
        self, entry: Entry, pid: str, probe: dict[str, Any] | None, sweep: list[dict],
        error: str | None, skipped: str | None, elapsed_s: float, rounds: list[dict],
    ) -> dict[str, Any]:  # fmt: skip
        """The atlas row from a probe record and its sweep: the release and payoff sizes
        worked out here, where every round's reading is at hand."""
        release = payoff = comparison = None
        if sweep:
            release = release_size(sweep)
            payoff = payoff_size(sweep, self.settings.workers, int(
                (probe or {}).get("cores") or usable_cores()))
            comparison = against_documented(release, entry.documented)
        settled = chosen(rounds) is not None if rounds else None
        return atlas_row(entry.as_dict(), pid, probe=probe, sweep=sweep, release=release,
                         payoff=payoff, comparison=comparison, error=error, skipped=skipped,
                         elapsed_s=elapsed_s, rounds=rounds, settled=settled)  # fmt: skip

    def module_row(self, module: str, libraries: list[str], target: Target, pid: str) -> dict:
        """One extension module's readiness under one free-threaded interpreter."""
        out: list[str] = []
        command = readiness.command(target.executable, module)  # the env has the libraries
        ended = run_child(command, "", MODULE_DEADLINE_S, out.append)
        found = readiness.parse("\n".join(out), module)
        error = None if found else (ended or "the child sent no result")
        return module_row(module, pid, libraries, found, error)


def start(path: Path, settings: Settings, targets: list[Target], command: list[str]) -> dict:
    """The atlas file before any row: header and interpreters."""
    pythons = {}
    for target in targets:
        pythons[target.python.name] = {
            "python": target.python.as_dict(), "interpreter": target.as_dict(),
            "error": target.error or None,
        }  # fmt: skip
    header = atlas_header(
        pylab_version=pylab.__version__, command=command, preset=settings.preset,
        settings=settings.as_dict(), machine=machine_info(), pythons=pythons,
        started=results_io.utc_now().isoformat(timespec="seconds"),
    )  # fmt: skip
    # Once for the whole atlas, as `run` does, not in each call's child (0.3 s a call): each
    # row keeps the background load measured beside its own timings.
    header["machine_state"], header["machine_warnings"] = check_machine()
    return header


def run(
    path: Path, entries: list[Entry], targets: list[Target], settings: Settings,
    command: list[str], progress: Callable[[str], None],
) -> tuple[dict[str, Any], int]:  # fmt: skip
    """The whole atlas; the results and the exit status (FAILED when a row failed,
    INTERRUPTED on Ctrl-C, TERMINATED on SIGTERM, with every finished row kept)."""
    atlas = Atlas(path, start(path, settings, targets, command), settings, progress)
    rows, status = atlas.results["atlas"], Exit.OK
    for warning in atlas.results["machine_warnings"]:
        progress(f"warning: {warning}")
    atlas.save()
    try:
        for target in targets:
            pid = target.python.name
            if target.executable is None:
                progress(f"{pid}: skipped: {target.error}")
                status = Exit.FAILED
                continue
            for i, entry in enumerate(entries, 1):
                progress(f"{pid} [{i}/{len(entries)}] {entry.key}")
                rows.append(atlas.call_row(entry, target, pid))
                row = rows[-1]
                if row["skipped"]:
                    progress(f"  skipped: {row['skipped']}")
                elif row["error"]:
                    progress(f"  failed: {row['error']}")
                    status = Exit.FAILED
                atlas.save()
            _later_rounds(atlas, entries, target, pid, len(rows) - len(entries))
            if target.python.free_threaded:
                _modules(atlas, entries, target, pid)
        atlas.results["status"] = "complete"
    except (KeyboardInterrupt, Terminated) as exc:  # keep every finished row
        atlas.results["status"] = "interrupted"
        status = stopped_status(exc)
    finally:
        atlas.close()
    atlas.results["finished"] = results_io.utc_now().isoformat(timespec="seconds")
    atlas.save()
    return atlas.results, int(status)


def _later_rounds(
    atlas: Atlas, entries: list[Entry], target: Target, pid: str, first: int
) -> None:
    """Each row from `first` on whose first reading may not hold, measured again round
    after round over the interpreter's calls (pylab.atlas.rounds); a row is rewritten
    after each of its rounds, so Ctrl-C keeps every round taken."""
    rows = atlas.results["atlas"]
    for n in range(2, atlas.settings.rounds + 1):
        due = [(i, e) for i, e in enumerate(entries, first)
               if wants_another(rows[i].get("rounds") or [], n)]  # fmt: skip
        for j, (i, entry) in enumerate(due, 1):
            taken = rows[i]["rounds"]
            why = taken[0]["unsettled"] if n == 2 else "no recommendation read twice yet: " + \
                ", ".join(str(r["recommendation"]) for r in taken)
            atlas.progress(f"{pid} round {n} [{j}/{len(due)}] {entry.key}: {why}")
            rows[i] = atlas.again(entry, target, pid, rows[i])
            atlas.save()


def _modules(atlas: Atlas, entries: list[Entry], target: Target, pid: str) -> None:
    used = readiness.libraries_modules(entries)
    for j, (module, libraries) in enumerate(used.items(), 1):
        atlas.progress(f"{pid} module [{j}/{len(used)}] {module}")
        atlas.results["modules"].append(atlas.module_row(module, libraries, target, pid))
        atlas.save()


def modules_only_note(targets: list[Target]) -> str | None:
    """Why no module rows will come: no free-threaded interpreter among the targets."""
    if any(t.python.free_threaded for t in targets):
        return None
    return ("no free-threaded interpreter asked for: the modules' readiness is checked only "
            "under one (add e.g. --python 3.13t)")  # fmt: skip


def presets() -> list[str]:
    return list(PRESETS)
