"""``parley play``: the briefing, the practice loop and the debrief; also ``--moves ... --json``.

:func:`practice` runs the loop over any live session, so ``parley resume`` continues a restored
session in the same loop. The loop reads through a reader from :mod:`.tui` (prompt-toolkit on a
terminal, plain lines when piped) and prints rich renderables from :mod:`.render`; it saves as it
goes through the optional ``recording`` (``turn(turn)``, ``undo()``, ``finish()``).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec

from ..errors import IllegalMove, SimulatorError
from ..safetext import json_text
from .usage import add_db_argument

if TYPE_CHECKING:  # types only: rich, the store and the analysis are imported where they are used
    from rich.console import Console

    from ..analysis.solver import Alternative, Solver
    from ..reading import Reading
    from ..rules import Choice, Move, Phrasing
    from ..session import Session
    from ..store import Recording
    from .tui import Reader
    from .usage import Subparsers

    # What the learner chose to say: a move or a choice as typed, a phrasing, or a reading of their words
    Said = Move | Choice | Phrasing | Reading

P = ParamSpec("P")

__all__ = ["InputProblem", "Practice", "parse_move", "practice", "print_debrief", "register", "run"]

PROMPT = "Your move › "
QUIT_WORDS = {
    "quit": "/quit",
    "exit": "/quit",
    "help": "/help",
    "?": "/help",
    "moves": "/moves",
    "undo": "/undo",
    "hint": "/hint",
}


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "play",
        help="practise a scenario",
        description="Practise a scenario: the briefing, then your moves and their replies, then a debrief.",
        epilog="Example: parley play declined-offer --seed 7   |   "
        "parley play declined-offer --moves 'decide_repair,apologize:hr_rep' --json",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        metavar="ID",
        help="scenario id from 'parley list' or a path to a scenario file; omitted: choose from a list",
    )
    p.add_argument(
        "--seed", type=seed_type, metavar="N", help="replay a run exactly (default: a fresh seed, printed at the start)"
    )
    p.add_argument(
        "--moves", metavar="LIST", help="play these moves non-interactively, comma-separated: 'apologize:hr_rep,wait'"
    )
    p.add_argument(
        "--json", action="store_true", help="with --moves: print one JSON document instead of the rendered session"
    )
    p.add_argument("--coach", action="store_true", help="show hidden state, meters and notes as you play")
    p.add_argument(
        "--plain",
        action="store_true",
        help="no line editor, no colour: read plain lines (the default when stdin is piped)",
    )
    p.add_argument(
        "--trust-reading",
        action="store_true",
        help="play what your own words are confidently read as without asking first",
    )
    save = p.add_argument_group("saving")
    save.add_argument("--no-save", action="store_true", help="do not record this session in the store")
    save.add_argument("--learner", metavar="NAME", help="whose progress this is (default: your user name)")
    add_db_argument(save)
    p.set_defaults(run=run)


def seed_type(text: str) -> int:
    """``--seed``: a whole number the engine accepts, checked before anything runs."""
    from ..errors import InvalidSeed
    from ..rng import check_seed

    try:
        return check_seed(int(text, 10) if text.strip().isdigit() and len(text) < 25 else text)
    except InvalidSeed as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class InputProblem(SimulatorError):
    """Input the loop could not turn into a move; the message says what would work."""


# --- the command -----------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from .usage import UsageError

    if args.json and args.moves is None:
        raise UsageError("--json needs --moves (the JSON document is for non-interactive runs)")
    if args.moves is not None and args.scenario is None:
        raise UsageError("--moves needs a scenario id: parley play ID --moves LIST")
    from ..loader import load_scenario
    from ..session import Session

    interactive = args.moves is None
    plain = args.plain or not (sys.stdin.isatty() and sys.stdout.isatty())
    if interactive:
        from .render import make_console

        console = make_console(plain=plain)
        reader = _make_reader(plain, console)
    if args.scenario is None:
        scenario_id = choose_scenario(console, reader)
        if scenario_id is None:
            console.print("No scenario chosen.")
            return 0
    else:
        scenario_id = args.scenario
    scenario = load_scenario(scenario_id)
    session = Session(scenario, seed=args.seed)
    if not interactive:
        # Every listed move is played before anything is saved: a bad one leaves no session behind.
        play_keys(session, args.moves)
        if not args.no_save:
            saved = start_recording(session, learner=args.learner, db=args.db)  # commits the turns
            if session.over:
                saved.finish()
        return show_listed(session, as_json=args.json, coach=args.coach)
    recording = None if args.no_save else start_recording(session, learner=args.learner, db=args.db)
    return practice(
        session,
        recording=recording,
        coach=args.coach,
        console=console,
        reader=reader,
        fresh_seed=args.seed is None,
        trust_reading=args.trust_reading,
    )


def start_recording(session: Session, *, learner: str | None, db: str | None) -> Recording:
    """Start recording ``session`` (and the turns it has already played) in the store: ``db``, or
    the store's default ($PARLEY_DB, else its file); ``learner``, or the store's default learner.
    """
    from ..store import Store

    return Store(db).record(session, learner=learner)


def _make_reader(plain: bool, console: Console) -> Reader | None:
    from .tui import PlainReader

    return PlainReader(stdout=console.file) if plain else None  # the terminal reader is built per session


def choose_scenario(console: Console, reader: Reader | None) -> str | None:
    """Ask which bundled scenario to play; None if the learner leaves instead."""
    from .. import list_scenarios
    from .render import scenario_table
    from .tui import run_coroutine

    infos = list_scenarios()
    if len(infos) == 1:
        console.print(f"Playing the only bundled scenario, {infos[0].id}.")
        return infos[0].id
    console.print(scenario_table(infos, numbered=True, width=console.width))
    if reader is None:
        from .tui import TerminalReader

        reader = TerminalReader(moves=list, names={}, commands={})
    ids = [info.id for info in infos]
    while True:
        try:
            prompt = f"Scenario (1-{len(ids)} or id) › "
            text = run_coroutine(reader.read(prompt), reader=reader).strip()
        except (EOFError, KeyboardInterrupt):
            return None
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(ids):
            return ids[int(text) - 1]
        if text in ids:
            return text
        close = difflib.get_close_matches(text, ids, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        console.print(f"No scenario {text!r}.{hint} Type a number from 1 to {len(ids)}.", style="yellow")


def play_keys(session: Session, moves: str) -> None:
    """``--moves``: play the comma-separated moves; raises IllegalMove at the first bad one."""
    keys = [k.strip() for k in moves.split(",") if k.strip()]
    for i, key in enumerate(keys, start=1):
        if session.over:
            raise IllegalMove(key, None, f"the session ended at move {i - 1}, before this one", [])
        session.play(key.replace(" ", ":"))


def show_listed(session: Session, *, as_json: bool, coach: bool) -> int:
    """After ``--moves``: print the JSON document, or the briefing, each turn and the debrief."""
    from .document import build_document, review

    alts, note = review(session)
    if as_json:
        doc = build_document(session, alternatives=alts)
        sys.stdout.write(json_text(doc) + "\n")
        return 0
    from .render import briefing_view, make_console, turn_view

    console = make_console(plain=not sys.stdout.isatty())
    console.print(briefing_view(session.scenario, session.seed, fresh_seed=False))
    for turn in session.transcript:
        console.print(turn_view(turn, mood=turn.mood, coach=coach))
    print_debrief(console, session, alts, note=note)
    return 0


def print_debrief(
    console: Console, session: Session, alts: Sequence[Alternative] | None, *, note: str | None = None
) -> None:
    """The debrief of ``session``; ``alts`` are the better moves per turn (None: not shown, with
    ``note`` saying why when there is a reason to give).
    """
    from .render import choice_labels, debrief_view

    rules = session.scenario.spec.scoring.dimensions()
    descriptions = {name: rules[name].description for name in session.rubric.dimensions if name in rules}
    names = {c.id: c.name for c in session.counterparts()}
    from ..analysis.review import rated_debrief

    debrief = rated_debrief(session, alts or ())
    labels = choice_labels(session.rules, names)
    console.print(
        debrief_view(debrief, descriptions=descriptions, alternatives=alts, names=names, note=note, labels=labels)
    )


# --- reading moves ---------------------------------------------------------------------------


def parse_move(text: str, session: Session, names: Mapping[str, str]) -> Move | Choice:
    """Turn what the learner typed into a legal :class:`~simulator.rules.Move` (or, when the
    manner is typed too, a :class:`~simulator.rules.Choice`), or raise :class:`InputProblem`
    saying what would work: a number from the menu, ``apologize hr_rep``, ``apologize:hr_rep``,
    ``apologize to dana``, ``apologize hr_rep sincere`` or ``apologize:hr_rep/sincere``, or just
    ``clarify`` when the scenario offers it to one person only.
    """
    from .render import short_name

    moves = session.moves()
    words = text.replace(":", " ").replace("/", " ").split()
    if not words:
        raise InputProblem(f"Unknown move {text!r}. Type a number from the list, or /help.")
    if len(words) == 1 and words[0].isdigit():
        n = int(words[0])
        if 1 <= n <= len(moves):
            return moves[n - 1]
        raise InputProblem(f"There is no move {n}: choose a number from 1 to {len(moves)}.")
    from ..text import words as normalised

    first = normalised(words[0])
    move_id = first[0] if len(first) == 1 else words[0].lower()  # "apologise" reads as "apologize"
    rest = [w for w in words[1:] if w.lower() != "to"]
    offered = [m for m in session.rules.moves if m.id == move_id]
    legal_forms = [m.key.replace(":", " ") for m in moves]
    if not offered:
        close = difflib.get_close_matches(" ".join(words).lower(), legal_forms, n=1, cutoff=0.6)
        close = close or difflib.get_close_matches(move_id, sorted({m.id for m in moves}), n=1, cutoff=0.6)
        if close:
            raise InputProblem(f"Unknown move {text!r}. Did you mean '{close[0]}'?")
        raise InputProblem(f"Unknown move {text!r}. Type a number from the list, /moves to see it again, or /help.")
    manners = {manner for m in offered for manner in m.manners}
    manner = rest.pop().lower() if rest and rest[-1].lower() in manners else None
    target = None
    if rest:
        target = _target(" ".join(rest), [m.target for m in offered if m.target], names)
        if target is None:
            targets = _or([f"{m.target}" for m in offered if m.target]) or "nobody: it takes no target"
            raise InputProblem(f"'{move_id}' cannot go to {' '.join(rest)!r}; it goes to {targets}.")
    candidates = [m for m in moves if m.id == move_id and (target is None or m.target == target)]
    # The one rule of move notation: a target is left out only where the scenario offers one.
    if target is None and len(offered) > 1 and candidates:
        who = _or([f"{m.target} ({short_name(names.get(m.target or '', ''))})" for m in candidates])
        raise InputProblem(f"'{move_id}' needs a target: {who}. For example: {candidates[0].key.replace(':', ' ')}")
    if len(candidates) == 1:
        if manner is None:
            return candidates[0]
        return next(c for c in candidates[0].choices if c.manner == manner)
    shown = f"{move_id} {target}" if target else move_id
    raise InputProblem(f"You can't play '{shown}' now. Legal now: {', '.join(legal_forms) or 'nothing'}.")


def _reads_as_words(text: str, move_ids: set[str]) -> bool:
    """Whether input that is not a move should be read as the learner's own words: anything of
    three words or more; shorter input only when it is neither a number nor close to a move's id
    (a mistyped move gets a suggestion instead).
    """
    tokens = text.replace(":", " ").split()
    if len(tokens) >= 3:
        return True
    if not tokens or tokens[0].isdigit():
        return False
    return not difflib.get_close_matches(tokens[0].lower(), sorted(move_ids), n=1, cutoff=0.75)


def _target(text: str, targets: Sequence[str], names: Mapping[str, str]) -> str | None:
    lowered = text.lower().strip()
    if lowered in targets:
        return lowered
    matches = [
        t for t in targets if any(w.lower().startswith(lowered) for w in names.get(t, "").replace("(", " ").split())
    ]
    return matches[0] if len(matches) == 1 else None


def _or(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1] if items else ""


# --- the practice loop -----------------------------------------------------------------------


def practice(
    session: Session,
    *,
    recording: Recording | None = None,
    coach: bool = False,
    console: Console | None = None,
    reader: Reader | None = None,
    fresh_seed: bool = False,
    intro: bool = True,
    trust_reading: bool = False,
) -> int:
    """Run the practice loop on ``session`` until an ending or until the learner quits; returns the
    exit code (0 either way). ``reader`` defaults to prompt-toolkit on a terminal, plain lines
    otherwise; ``recording`` gets each turn, each undo and the finish. ``trust_reading`` plays a
    confident reading of the learner's own words without asking first.
    """
    from .tui import run_coroutine

    loop = Practice(
        session, recording=recording, coach=coach, console=console, reader=reader, trust_reading=trust_reading
    )
    return run_coroutine(loop.run(fresh_seed=fresh_seed, intro=intro), reader=loop.reader)


class Practice:
    """The loop's state: the session, where output goes, where input comes from, what is saved."""

    def __init__(
        self,
        session: Session,
        *,
        recording: Recording | None = None,
        coach: bool = False,
        console: Console | None = None,
        reader: Reader | None = None,
        trust_reading: bool = False,
    ) -> None:
        from .render import COMMANDS, make_console, status_text
        from .saying import Saying

        self.session = session
        self.recording = recording
        self.coach = coach
        self.names = {c.id: c.name for c in session.counterparts()}
        if console is None:
            plain = not (sys.stdin.isatty() and sys.stdout.isatty())
            console = make_console(plain=plain)
        self.console = console
        if reader is None:
            if sys.stdin.isatty() and sys.stdout.isatty():
                from .tui import TerminalReader

                reader = TerminalReader(
                    moves=lambda: [] if session.over else session.moves(),
                    names=self.names,
                    commands=COMMANDS,
                    toolbar=lambda: status_text(session),
                )
            else:
                from .tui import PlainReader

                reader = PlainReader(stdout=console.file)
        self.reader = reader
        self.saying = Saying(self, trust=trust_reading)
        self.status_text = status_text
        self._solver: Solver | None = None
        self._solver_loaded = False

    async def run(self, *, fresh_seed: bool = False, intro: bool = True) -> int:
        if intro:
            self.introduce(fresh_seed=fresh_seed)
        show_menu = True
        while not self.session.over:
            if show_menu:
                self.show_menu()
            outcome = await self.take_turn()
            if outcome == "quit":
                return self.quit()
            show_menu = outcome == "menu"
        self.finish()
        return 0

    def introduce(self, *, fresh_seed: bool) -> None:
        """The briefing and, for a resumed session, what has been said so far."""
        from .render import briefing_view, transcript_view

        session, console = self.session, self.console
        console.print(briefing_view(session.scenario, session.seed, fresh_seed=fresh_seed))
        if session.transcript:
            console.print(f"Resuming at turn {session.turn + 1}. So far:", style="bold")
            console.print(transcript_view(session.transcript))

    async def take_turn(self) -> str | None:
        """Read one input and act on it: a command, or a move to play. Returns "quit", "menu"
        (show the moves again: a move was played, or a command asks for them) or None.
        """
        try:
            text = (await self.reader.read(PROMPT)).strip()
        except KeyboardInterrupt:
            return "quit" if await self.reader.confirm("Quit this session? [y/N] ") else None
        except EOFError:
            return "quit"
        if not text:
            return None
        command = self._command_in(text)
        if command:
            return await self.command(command)
        return await self.play_input(text)

    def _command_in(self, text: str) -> str | None:
        """The command ``text`` gives: a slash command, or a word for quitting that is no move's id."""
        if text.startswith("/"):
            return text
        if text.lower() in self._move_ids():
            return None
        return QUIT_WORDS.get(text.lower())

    async def play_input(self, text: str) -> str | None:
        """Play what ``text`` says (asking how it is said when it must); "menu" once played."""
        try:
            said = await self.understand(text)
        except KeyboardInterrupt:  # Ctrl-C while choosing how to say it: back to the moves
            return None
        except EOFError:
            return "quit"
        if said is None:
            return None
        self.play(said)
        return "menu"

    async def understand(self, text: str) -> Said | None:
        """What the learner's input says: a number or a move (then how it is said, when it can be
        said several ways), or their own words read into a move; None when nothing is to be played.
        """
        try:
            move = parse_move(text, self.session, self.names)
        except InputProblem as exc:
            if _reads_as_words(text, self._move_ids()):
                return await self.saying.for_words(text)
            self.console.print(str(exc), style="yellow", soft_wrap=True, markup=False)
            return None
        from ..rules import Move

        if isinstance(move, Move):  # not a Choice: ask how it is said
            return await self.saying.for_move(move)
        return move

    def _move_ids(self) -> set[str]:
        return {m.id for m in self.session.rules.moves}

    def show_menu(self) -> None:
        from .render import coach_view

        console, session = self.console, self.session
        if self.coach:
            scene = session.rules.layout.meters_of(session.situation, "scene")
            console.print()
            console.print(coach_view(session.counterparts(), session.scores, scene))
        console.print()
        console.print(self.status_text(session), style="dim")
        self.print_moves(described=False)

    def print_moves(self, *, described: bool) -> None:
        """The legal moves as a numbered menu; ``described`` adds each move's description (/moves)."""
        from .render import move_menu

        session = self.session
        descriptions = session.rules.move_descriptions if described else None
        self.console.print(
            move_menu(
                session.moves(),
                self.names,
                descriptions=descriptions,
                width=self.console.width,
                timed=session.day is not None,  # the scenario counts days: show what each move takes
            )
        )

    def play(self, move: Said) -> None:
        from ..coaching import notes_for
        from ..scoring import advice_for
        from .render import finish_offer, turn_view

        session = self.session
        unrepaired = any(m.id == "apologize" for m in session.rules.moves) and not any(
            t.move == "apologize" for t in session.transcript
        )
        could_finish = session.can_finish
        turn = session.play(move)
        if self.recording is not None:
            self.keep(self.recording.turn, turn)
        notes = []
        if self.coach:
            advice = advice_for(session.scenario.spec, turn.move, turn.target)
            notes = notes_for(turn.number, turn.said, turn.move, advice, manner=turn.manner, unrepaired=unrepaired)
        self.console.print()
        self.console.print(turn_view(turn, mood=turn.mood, coach=self.coach, notes=notes))
        if session.can_finish and not could_finish:
            finish = next(m for m in session.moves() if m.ends)
            self.console.print(finish_offer(finish.label))

    def keep(self, write: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> None:
        """Save through the recording. When the store is unreachable for a while (a server
        restarting), say so and play on: the recording keeps the change and writes it with the
        next save.
        """
        from ..store import UnsavedChanges

        try:
            write(*args, **kwargs)
        except UnsavedChanges as exc:
            self.console.print(f"Not saved yet: {exc}", style="yellow", markup=False, soft_wrap=True)

    def finish(self) -> None:
        if self.recording is not None:
            self.keep(self.recording.finish)
        from .document import review

        alts, note = review(self.session, self.solver())
        print_debrief(self.console, self.session, alts, note=note)
        self.console.print(self.summary(), style="bold", soft_wrap=True)

    def solver(self) -> Solver | None:
        """The scenario's solver, loaded on first use; None when the scenario is too large."""
        if not self._solver_loaded:
            from .document import load_solver

            self._solver = load_solver(self.session.scenario)
            self._solver_loaded = True
        return self._solver

    def summary(self) -> str:
        s = self.session
        played = len(s.transcript)
        where = (
            f"ending '{s.ending.title}'"
            if s.over and s.ending
            else f"stopped after {played} of {s.rules.turn_limit} turns"
        )
        line = f"{s.scenario.id}: {where}, overall {s.scores['overall']}; seed {s.seed}"
        session_id = getattr(self.recording, "session_id", None)
        unsaved = getattr(self.recording, "unsaved", 0)
        if unsaved:
            line += f"; {unsaved} change{'s' if unsaved > 1 else ''} could not be saved"
        if session_id is not None:
            line += f"; resume with: parley resume {session_id}" if not s.over else f"; saved as session {session_id}"
        elif not s.over:
            line += f"; replay with: parley play {s.scenario.id} --seed {s.seed}"
        return line

    def quit(self) -> int:
        if self.recording is not None and self.recording.unsaved:
            self.keep(self.recording.flush)  # a last try; what still fails is named below
        self.console.print(self.summary(), style="bold", soft_wrap=True)
        return 0

    async def command(self, text: str) -> str | None:
        """Run a slash command; returns "quit", "menu" (show the moves again) or None."""
        from .render import COMMANDS, help_view, hint_view, transcript_view

        console, session = self.console, self.session
        name, _, arg = text.partition(" ")
        name, arg = name.lower(), arg.strip()
        if name == "/quit":
            return "quit"
        if name == "/help":
            console.print(help_view())
        elif name == "/moves":
            self.print_moves(described=True)
        elif name == "/undo":
            try:
                last = session.undo()
            except IllegalMove:
                console.print("Nothing to undo yet.", style="yellow")
                return None
            if self.recording is not None:
                self.keep(self.recording.undo)
            console.print(f"Took back turn {last.number}: {last.label}.", style="bold")
            return "menu"
        elif name == "/transcript":
            console.print(transcript_view(session.transcript))
        elif name == "/save":
            self.save(arg)
        elif name == "/hint":
            from .document import UNKNOWN_SITUATION, move_values, too_large

            solver = self.solver()
            values = move_values(solver, session.situation) if solver is not None else None
            if solver is None or values is None:  # (values is None whenever solver is)
                console.print(f"No hint: {too_large() if solver is None else UNKNOWN_SITUATION}.", style="yellow")
            else:
                ranked = solver.ranked(session.situation)
                # what the story warns against is never offered as a hint, unless nothing else is left
                ranked = [(k, v) for k, v in ranked if solver.advised.get(k) != 2] or ranked
                keeps = solver.keeps_best_ending(session.situation)
                console.print(hint_view(ranked, session.moves(), self.names, keeps=keeps))
        else:
            close = difflib.get_close_matches(name, list(COMMANDS), n=1)
            hint = f" Did you mean {close[0]}?" if close else " Type /help for the list."
            console.print(f"Unknown command {name!r}.{hint}", style="yellow")
        return None

    def save(self, arg: str) -> None:
        from .document import build_document

        s = self.session
        path = Path(arg).expanduser() if arg else Path(f"parley-{s.scenario.id}-{s.seed}-turn{s.turn}.json")
        doc = build_document(s)
        try:
            path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as exc:
            self.console.print(
                f"Could not save to {str(path)!r}: {exc.strerror or exc}", style="yellow", soft_wrap=True, markup=False
            )
            return
        # soft_wrap: the terminal wraps the line, so a path copied from it is never split
        self.console.print(
            f"Saved the transcript to {path} (replay with: parley replay {path})",
            style="bold",
            soft_wrap=True,
            markup=False,
        )
