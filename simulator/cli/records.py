"""``parley resume``, ``history``, ``progress``, ``show`` and ``verify``: the session store's commands.

Every command takes ``--db PATH|URL`` (default: ``$PARLEY_DB``, else ``parley.db`` in the user's
data directory; ``postgresql://user@host/db`` for a server). The store and rich are imported
inside the commands, so building the parser costs nothing. A store problem (locked, damaged,
newer schema, server gone) is a :class:`StoreError`, printed by :mod:`.main` as one line; a
damaged row is shown as damaged among the others. ``parley store`` (:mod:`.storeadmin`) upgrades
and describes a store.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: the store and rich are imported inside the commands
    from rich.console import Console

    from ..store import SessionRecord, Store, TurnRecord
    from ..transcript import Turn
    from .render import Text
    from .usage import Subparsers

from .usage import add_db_argument

__all__ = ["register", "sparkline"]

SPARKS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 20
UNKNOWN_SPARK = "·"
PROGRESS_CAPTION = (
    "Skill is what your choices were worth, apart from luck: the share of the best possible score "
    "they could expect (0-100), in your latest attempt. Best, Trend (latest minus the attempt before) "
    "and History (oldest first; · = no figure, played before Parley kept one) are skill too. "
    "Score is the latest final score, luck included; +N: attempts not finished."
)
MAX_SESSION = 2**63 - 1  # SQLite's largest INTEGER (the store's MAX_INTEGER, not imported: parsing stays light)


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "resume",
        help="continue an unfinished session",
        description="Continue an unfinished session from its last saved turn.",
        epilog="Example: parley resume   |   parley resume 12",
    )
    p.add_argument(
        "session",
        nargs="?",
        type=_session_id,
        metavar="SESSION",
        help="session number (default: your most recent unfinished one)",
    )
    _learner(p, "whose most recent session to resume")
    p.add_argument("--coach", action="store_true", help="show hidden state, meters and notes as you play")
    p.add_argument("--plain", action="store_true", help="no line editor, no colour: read plain lines")
    add_db_argument(p)
    p.set_defaults(run=_resume)

    p = subparsers.add_parser(
        "history", help="list saved sessions", description="List a learner's saved sessions, newest first."
    )
    _learner(p, "whose sessions to list")
    p.add_argument("--all", action="store_true", help="every learner's sessions")
    p.add_argument("--scenario", metavar="ID", help="only sessions of this scenario")
    p.add_argument("--limit", type=_limit, default=50, metavar="N", help="at most N sessions (default 50; 0 for all)")
    add_db_argument(p)
    p.set_defaults(run=_history)

    p = subparsers.add_parser(
        "progress",
        help="attempts, best and latest scores per scenario",
        description="Per scenario: attempts, best and latest overall score, and the trend across finished attempts.",
    )
    _learner(p, "whose progress to show")
    add_db_argument(p)
    p.set_defaults(run=_progress)

    p = subparsers.add_parser(
        "show",
        help="a saved session's transcript and debrief",
        description="Print a saved session's transcript and debrief.",
    )
    p.add_argument("session", type=_session_id, metavar="SESSION", help="session number (see 'parley history')")
    add_db_argument(p)
    p.set_defaults(run=_show)

    p = subparsers.add_parser(
        "verify",
        help="replay saved sessions and check every score",
        description="Replay saved sessions against the scenario files as they are now and check every reply and "
        "score. Exit status 1 when a session no longer replays identically.",
        epilog="Example: parley verify 12   |   parley verify --all",
    )
    p.add_argument("session", nargs="?", type=_session_id, metavar="SESSION", help="one session (default: all of them)")
    p.add_argument("--all", action="store_true", help="every saved session (the default)")
    add_db_argument(p)
    p.set_defaults(run=_verify)

    from .storeadmin import register as register_admin

    register_admin(subparsers, add_db_argument)


def _learner(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--learner", metavar="NAME", help=f"{what} (default: your user name)")


def _session_id(text: str) -> int:
    try:
        value = int(text.lstrip("#"), 10)
    except ValueError:
        value = 0
    # ids are SQLite INTEGERs: a bigger number could never name a session (and would overflow)
    if not 1 <= value <= MAX_SESSION:
        raise argparse.ArgumentTypeError(f"a session is a number from 'parley history', not {text!r}")
    return value


def _limit(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"a limit is a whole number, 0 for all, not {text!r}")
    return min(value, MAX_SESSION)  # more than any store can hold: all of them


def _open(args: argparse.Namespace) -> Store:
    """The store, for reading: a place where nothing was ever saved is a StoreError (NoStore), not a new store."""
    from ..store import Store

    return Store(args.db, create=False)


def _open_or_say(args: argparse.Namespace) -> Store | None:
    """The store for a listing command; None (after saying so) when nothing was saved there yet."""
    from ..store import NoStore
    from ..store.location import store_path

    path = store_path(args.db)
    if path is not None and not path.exists():
        message = f"No saved sessions: there is no session store at {path} yet. Start one with: parley play"
    else:
        try:
            return _open(args)
        except NoStore as exc:
            message = f"No saved sessions: {exc}. Start one with: parley play"
    _console().print(message, markup=False, soft_wrap=True)  # a path is never split
    return None


def _learner_arg(args: argparse.Namespace) -> str:
    """``--learner`` checked like any stored name (an empty one is an error, not the OS user)."""
    from ..store.location import learner_name

    return learner_name(args.learner)


def visible(text: str) -> str:
    """``text`` with control characters shown as escapes: stored text never drives the terminal."""
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text)


def ending_titles(store: Store, rows: Sequence[SessionRecord]) -> dict[int, str]:
    """Session id -> the title of its ending: as stored, else from its scenario, else the ending id.

    Sessions saved before schema 3 have no stored title; their scenario is loaded once per file
    to find it, and a scenario that cannot be loaded (moved, broken) leaves the id.
    """
    titles: dict[int, str] = {}
    scenarios: dict[str, dict[str, str]] = {}
    for s in rows:
        if not s.ending:
            continue
        if s.ending_title:
            titles[s.id] = s.ending_title
            continue
        key = f"{s.scenario_path}|{s.scenario_id}"
        if key not in scenarios:
            try:
                scenario = store.scenario_of(s)
                scenarios[key] = {e.id: e.title for e in scenario.spec.endings}
            except Exception:  # a title is a courtesy: any failure shows the id instead
                scenarios[key] = {}
        titles[s.id] = scenarios[key].get(s.ending, s.ending)
    return titles


def sparkline(values: Sequence[int | None], *, low: int = 0, high: int = 100, width: int = SPARK_WIDTH) -> str:
    """Scores as block characters on a fixed 0-100 scale (so two rows compare), the last ``width``;
    a value that is not known (an attempt with no skill figure) is a dot, never a made-up block.
    """
    shown = list(values)[-width:]
    span = max(high - low, 1)
    top = len(SPARKS) - 1
    return "".join(
        UNKNOWN_SPARK if v is None else SPARKS[min(top, max(0, round((v - low) * top / span)))] for v in shown
    )


def _figure(value: int | None) -> str:
    return "-" if value is None else str(value)


def _trend(change: int | None) -> Text:
    from .render import Text

    if change is None:
        return Text("-", style="dim")
    return Text(f"{change:+d}", style="green" if change > 0 else "red" if change < 0 else "")


# the narrowest an ending title may get before the history drops a column to make room
_ENDING_WIDTH = 18


def _history_layout(width: int, rows: Sequence[SessionRecord], *, every_learner: bool) -> tuple[bool, bool]:
    """Which optional columns of ``parley history`` fit ``width``: (Turns, Started). The turn
    count goes first, then the start time, so that ids stay whole and an ending stays readable.
    """
    cells = [len(str(max(s.id for s in rows))), max(len(visible(s.scenario_id)) for s in rows), 5, 5]
    if every_learner:
        cells.append(max(len("Learner"), *(len(visible(s.learner)) for s in rows)))
    left = width - sum(cells) - 3 * (len(cells) + 1)  # a space each side of a cell, one between columns
    turns, started = 3 + len("Turns"), 3 + len("2026-01-01 00:00")
    if left - turns - started >= _ENDING_WIDTH:
        return True, True
    return False, left - started >= _ENDING_WIDTH


def _when(stamp: str | None) -> str:
    return stamp.replace("T", " ")[:16] if stamp else "-"


def _console() -> Console:
    import sys

    from .render import make_console

    return make_console(plain=not sys.stdout.isatty())


# --- commands ------------------------------------------------------------------------------------


def _resume(args: argparse.Namespace) -> int:
    import sys

    from .play import practice

    learner = None if args.learner is None else _learner_arg(args)
    store = _open(args)
    try:
        rec = store.resume(args.session, learner=learner)
    except BaseException:
        store.close()
        raise
    plain = args.plain or not (sys.stdin.isatty() and sys.stdout.isatty())
    console = None
    reader = None
    if plain:
        from .render import make_console
        from .tui import PlainReader

        console = make_console(plain=True)
        reader = PlainReader(stdout=console.file)
    try:
        return practice(rec.session, recording=rec, coach=args.coach, console=console, reader=reader)
    finally:
        store.close()


def _history(args: argparse.Namespace) -> int:
    from rich import box
    from rich.table import Table

    from .render import Text  # not rich's: store text is data (control characters shown)

    learner = None if args.all else _learner_arg(args)
    store = _open_or_say(args)
    if store is None:
        return 0
    with store:
        rows = store.sessions(learner=learner, scenario=args.scenario, newest_first=True, limit=args.limit or None)
        titles = ending_titles(store, rows)
    console = _console()
    if not rows:
        who = "anyone" if learner is None else f"learner {visible(learner)!r}"
        console.print(f"No saved sessions for {who}. Start one with: parley play", markup=False)
        return 0
    title = Text(f"Sessions of {visible(learner)}" if learner else "All sessions")  # Text: names are not markup
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", show_edge=False)
    turns, started = _history_layout(console.width, rows, every_learner=learner is None)
    table.add_column("#", justify="right", no_wrap=True)
    if learner is None:
        table.add_column("Learner", no_wrap=True)
    table.add_column("Scenario", no_wrap=True)  # an id is never split across lines
    if started:
        table.add_column("Started (UTC)", no_wrap=True)
    if turns:
        table.add_column("Turns", justify="right", no_wrap=True)
    table.add_column("Ending", overflow="fold", ratio=1)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Skill", justify="right", no_wrap=True)  # apart from luck: see parley progress
    for s in rows:
        score = str((s.scores or {}).get("overall", "-"))
        skill = _figure(s.skill)
        if s.damage:
            ending = Text("damaged", style="bold red")
        elif s.finished:
            ending = Text(visible(titles.get(s.id, "-")))
        else:
            ending = Text("unfinished", style="yellow")
        cells = [str(s.id)] + ([s.learner] if learner is None else []) + [s.scenario_id]
        cells += ([_when(s.started)] if started else []) + ([str(s.turns)] if turns else [])
        table.add_row(*(Text(visible(c)) for c in cells), ending, Text(score), Text(skill))
    console.print(table)
    for s in rows:
        if s.damage:
            console.print(
                f"Session {s.id} is damaged: {visible(s.damage)} (parley show {s.id} shows what is left)",
                style="red",
                markup=False,
            )
    if any(not s.finished for s in rows):
        console.print("Continue an unfinished one with: parley resume SESSION", style="dim")
    return 0


def _progress(args: argparse.Namespace) -> int:
    from rich import box
    from rich.table import Table

    from .render import Text  # not rich's: store text is data (control characters shown)

    learner = _learner_arg(args)
    store = _open_or_say(args)
    if store is None:
        return 0
    with store:
        rows = store.progress(learner)
    console = _console()
    if not rows:
        console.print(f"No saved sessions for learner {visible(learner)!r}. Start one with: parley play", markup=False)
        return 0
    # the skill history gives way to a narrow terminal: the latest attempts, never a wrapped line
    spark = max(4, min(SPARK_WIDTH, console.width - 52))
    table = Table(
        box=box.SIMPLE_HEAD,
        title=Text(f"Progress of {visible(learner)}"),
        title_justify="left",
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("Scenario", overflow="fold", min_width=10)
    table.add_column("Tries", justify="right", no_wrap=True)
    table.add_column("Skill", justify="right", no_wrap=True)
    table.add_column("Best", justify="right", no_wrap=True)
    table.add_column("Trend", justify="right", no_wrap=True)
    table.add_column("History", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    for p in rows:
        tries = str(p.attempts) + (f" +{p.unfinished}" if p.unfinished else "")
        table.add_row(
            Text(visible(p.scenario_id)),
            tries,
            _figure(p.latest_skill),
            _figure(p.best_skill),
            _trend(p.skill_trend),
            sparkline(p.skills, width=spark),
            _figure(p.latest),
        )
    console.print(table)
    console.print(Text(PROGRESS_CAPTION, style="dim"))  # as wide as the terminal, not the table
    return 0


def _show(args: argparse.Namespace) -> int:
    from ..errors import SimulatorError
    from .render import (
        Text,  # not rich's: store text is data (control characters shown)
        transcript_view,
    )

    with _open(args) as store:
        info = store.get(args.session)
        turns = store.turns(args.session)
        console = _console()
        title = ending_titles(store, [info]).get(info.id)
        status = f"ending: {title}" if info.finished else "unfinished"
        console.print(
            Text(
                visible(
                    f"Session {info.id}: {info.title} [{info.scenario_id}], {info.display}, seed {info.seed}, "
                    f"started {_when(info.started)} UTC, {status}"
                ),
                style="bold",
            )
        )
        damage = info.damage or next((t.damage for t in turns if t.damage), None)
        session = None
        why = "The scenario has changed since this session"
        if damage:
            why = f"This session's record is damaged ({visible(damage)})"
        else:
            try:
                scenario = store.scenario_of(info)
                if scenario.hash == info.scenario_hash:
                    from ..session import Session

                    why = "This session no longer replays"
                    session = Session.restore(scenario, store.snapshot(info.id, turns=turns, info=info))
            except SimulatorError as exc:
                console.print(Text(visible(f"(the scenario cannot be replayed: {exc})"), style="yellow"))
        if session is not None:
            console.print(transcript_view(session.transcript))
            from .play import print_debrief

            print_debrief(console, session, None)
            session.close()
            _print_stored_skill(console, info)
            return 0
        console.print(f"{why}; showing the stored record.", style="yellow", markup=False)
        console.print(transcript_view([_stored_turn(t) for t in turns]))
        if info.scores:
            console.print("Scores: " + ", ".join(f"{k} {v}" for k, v in info.scores.items()), markup=False)
        _print_stored_skill(console, info)
    return 1 if damage else 0


def _print_stored_skill(console: Console, info: SessionRecord) -> None:
    """The skill figure kept when the session ended (the rating of that day, not recomputed)."""
    if info.skill is None or info.worth is None or info.optimum is None:
        return
    line = f"Skill {info.skill}: the choices were worth {info.worth:.0f} of a possible {info.optimum:.0f}"
    chance = info.chance
    if chance is not None and abs(chance) >= 1:
        line += f"; the draw {'added' if chance > 0 else 'took'} {abs(round(chance))}"
    console.print(line + ".", style="bold", markup=False)


def _stored_turn(record: TurnRecord) -> Turn:
    """The Turn a stored record holds: its full ``detail`` when it has one, else what the columns keep."""
    from ..transcript import Turn

    if record.detail:
        try:
            return Turn.from_dict(record.detail)
        except (KeyError, TypeError, ValueError):
            pass  # a damaged detail: the columns below still hold the essentials
    return Turn.from_dict(
        {
            "number": record.number,
            "move": record.move,
            "target": record.target,
            "label": record.key,
            "speaker": record.target,
            "speaker_name": record.target,
            "line": record.reply,
            "note": None,
            "changes": [],
            "scores": record.scores,
            "delta": record.delta,
            "ending": record.ending,
            "day": None,
            "draws": record.draws,
        }
    )


def _verify(args: argparse.Namespace) -> int:
    from rich import box
    from rich.table import Table

    from .render import Text  # not rich's: store text is data (control characters shown)

    with _open(args) as store:
        verdicts = store.verify(None if args.all else args.session)
    console = _console()
    if not verdicts:
        console.print("No saved sessions to verify.")
        return 0
    table = Table(box=box.SIMPLE_HEAD, title="Replay check", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Scenario", no_wrap=True)
    table.add_column("Result", no_wrap=True)
    table.add_column("Detail")
    styles = {"ok": "green", "edited": "yellow"}
    for v in verdicts:
        detail = v.detail + "".join(f"; {n}" for n in v.notes)
        table.add_row(
            str(v.session_id),
            Text(visible(v.scenario_id)),
            Text(v.status, style=styles.get(v.status, "bold red")),
            Text(visible(detail)),
        )
    console.print(table)
    bad = [v for v in verdicts if not v.ok and v.status != "damaged"]
    damaged = [v for v in verdicts if v.status == "damaged"]
    if bad:
        console.print(
            f"{len(bad)} of {len(verdicts)} sessions no longer replay identically: "
            + ", ".join(str(v.session_id) for v in bad)
        )
    if damaged:
        console.print(
            f"{len(damaged)} of {len(verdicts)} sessions are damaged in the store: "
            + ", ".join(str(v.session_id) for v in damaged)
        )
    if bad or damaged:
        return 1
    console.print(f"All {len(verdicts)} sessions replay identically.")
    return 0
