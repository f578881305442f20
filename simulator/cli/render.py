"""Rich renderables for the terminal front end: pure functions from library data to renderables.

Nothing here reads input or touches a session's state; the practice loop decides what to show and
when. Text that comes from files, the store or the command line is data: it is never parsed as
markup (a line with ``[brackets]`` in it is shown as written) and its control characters are shown
as escapes (:func:`simulator.safetext.visible`), so an escape sequence in a learner's name or a
scenario's line cannot retitle the window or clear the screen. Two classes make that hold for
everything printed, not for each call site: :class:`Text` (every renderable here and in the
store's commands is built from it) and the console of :func:`make_console`, which treats every
plain string it prints the same way. Everything is laid out to stay readable at 60 columns;
``NO_COLOR`` is honoured by rich itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.style import Style, StyleType
from rich.table import Table
from rich.text import Text as RichText

from ..safetext import visible
from .tui import isatty

if TYPE_CHECKING:
    from ..analysis.solver import Alternative
    from ..catalogue import ScenarioInfo
    from ..coaching import PhrasingNote
    from ..reading import Reading
    from ..rules import Move, Phrasing, Rules
    from ..scenario import Scenario
    from ..scoring import Debrief
    from ..session import Counterpart, Session
    from ..transcript import Turn

__all__ = [
    "BAR_WIDTH",
    "SafeConsole",
    "Text",
    "alternatives_view",
    "bar",
    "briefing_view",
    "choice_labels",
    "coach_view",
    "debrief_view",
    "duration_words",
    "help_view",
    "in_touch",
    "make_console",
    "move_menu",
    "reflow",
    "scenario_table",
    "short_name",
    "status_text",
    "transcript_view",
    "turn_view",
]

BAR_WIDTH = 20
ARROW = "→"


class Text(RichText):
    """:class:`rich.text.Text` whose strings, given at creation or appended, show control
    characters as escapes (line feeds and tabs stay: they lay text out).
    """

    def __init__(self, text: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(visible(text, multiline=True), *args, **kwargs)

    def append(self, text: str | RichText, style: str | Style | None = None) -> Text:
        if isinstance(text, str):
            text = visible(text, multiline=True)
        super().append(text, style)
        return self

    @classmethod
    def assemble(cls, *parts: str | RichText | tuple[str, StyleType], **options: Any) -> Text:
        """As rich's, which builds an instance of ``cls`` (so every part goes through
        :meth:`append` above) but is annotated as returning its own class.
        """
        text = super().assemble(*parts, **options)
        assert isinstance(text, Text)
        return text


class SafeConsole(Console):
    """A console that prints every plain string as data: no markup, control characters visible;
    and that lets a closed pipe reach the command line's handler instead of exiting on its own.
    """

    def render_str(self, text: str, **kwargs: Any) -> RichText:
        return super().render_str(visible(text, multiline=True), **kwargs)

    def on_broken_pipe(self) -> None:
        # rich's own handler raises SystemExit(1); `parley list | head -1` is not a failure.
        self.quiet = True
        raise BrokenPipeError


def make_console(file: IO[str] | None = None, *, width: int | None = None, plain: bool = False) -> Console:
    """The console every command prints through: no markup, no auto-highlighting, no emoji codes.

    ``plain`` is for piped use: no colour and no cursor tricks, whatever the terminal says.
    """
    if width is None and "COLUMNS" not in os.environ and file is not None and not isatty(file):
        width = 80
    return SafeConsole(
        file=file,
        width=width,
        markup=False,
        highlight=False,
        emoji=False,
        color_system=None if plain else "auto",
        force_terminal=False if plain else None,
        soft_wrap=False,
    )


def short_name(name: str) -> str:
    """``"Dana Reyes (HR manager)"`` -> ``"Dana Reyes"``: names as a toolbar or a menu shows them."""
    return name.split(" (", 1)[0]


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def bar(value: int, width: int = BAR_WIDTH) -> Text:
    """A 0-100 score as a bar of ``width`` cells (rounded to the nearest cell)."""
    filled = max(0, min(width, (value * width + 50) // 100))
    style = "green" if value >= 67 else "yellow" if value >= 34 else "red"
    return Text.assemble(("█" * filled, style), ("░" * (width - filled), "dim"))


# --- listing ---------------------------------------------------------------------------------


def scenario_table(infos: Sequence[ScenarioInfo], *, numbered: bool = False, width: int = 80) -> Table:
    """The bundled scenarios: id, title, counterparts and source story (``ScenarioInfo`` rows).

    Below 80 columns the source moves under the title and names lose their role, so that a
    60-column terminal still shows every scenario without breaking ids or names mid-word.
    """
    narrow = width < 80
    table = Table(title="Scenarios", box=box.SIMPLE_HEAD, title_justify="left", title_style="bold", show_edge=False)
    if numbered:
        table.add_column("#", justify="right", style="bold")
    table.add_column("ID", style="bold cyan", no_wrap=True)
    table.add_column("Title" + (" and source" if narrow else ""), ratio=3)
    table.add_column("Counterparts", ratio=2)
    if not narrow:
        table.add_column("Source", style="dim", no_wrap=True)
    for i, info in enumerate(infos, start=1):
        title = Text(info.title)
        cast = [short_name(n) for n in info.cast] if narrow else list(info.cast)
        row = [Text(info.id), title, Text("\n".join(cast))]
        if narrow:
            title.append("\n" + info.source, style="dim")
        else:
            row.append(Text(info.source))
        table.add_row(*([Text(str(i))] if numbered else []), *row)
    return table


# --- the session -----------------------------------------------------------------------------


def briefing_view(scenario: Scenario, seed: int, *, fresh_seed: bool) -> Group:
    spec = scenario.spec
    cast = Table.grid(padding=(0, 1))
    cast.add_column(no_wrap=True)
    cast.add_column()
    for member in spec.cast.values():
        cast.add_row(Text("•"), in_touch(member.name, member.channel, between=", "))
    seed_line = Text.assemble(("Seed ", "dim"), (str(seed), "bold"))
    if fresh_seed:
        seed_line.append(f" (replay this run with --seed {seed})", style="dim")
    body = Group(
        Text(reflow(spec.briefing)),
        Text(""),
        Text.assemble(("Your goal: ", "bold"), reflow(spec.goal)),
        Text(""),
        Text("In touch with:", style="bold"),
        cast,
    )
    return Group(
        Panel(body, title=Text(spec.title, style="bold"), title_align="left", box=box.ROUNDED, padding=(0, 1)),
        seed_line,
        Text(
            "Type a number, a move such as 'wait', or what you would say. Tab completes. /help lists commands.",
            style="dim",
        ),
    )


def in_touch(name: str, channel: str | None, *, between: str = " ") -> Text:
    """A person and how the learner reaches them ("Raj Patel by e-mail"): two people who are
    written to are not shown as if they sat in one room.
    """
    return Text.assemble(name, (f"{between}{channel}" if channel else "", "dim"))


def move_label(move: Move, names: Mapping[str, str]) -> Text:
    text = Text(move.label)
    if move.target:
        text.append(f" {ARROW} {short_name(names.get(move.target, move.target))}")
    return text


def typed_form(key: str) -> str:
    """``"apologize:hr_rep"`` -> ``"apologize hr_rep"``, the way a learner types a move."""
    return key.replace(":", " ")


def duration_words(days: int) -> str:
    """How long a move takes, as a person would say it: ``7`` -> ``"a week"``, ``90`` -> ``"3 months"``
    (a month counts 30 days, as :func:`simulator.spec.parse_duration` reads them).
    """
    from ..spec import DAYS_PER_UNIT

    for unit, size in sorted(DAYS_PER_UNIT.items(), key=lambda item: -item[1]):
        if days % size == 0:
            count = days // size
            return f"a {unit}" if count == 1 else f"{count} {unit}s"
    raise AssertionError("unreachable: every whole number of days is a number of days")


def move_menu(
    moves: Sequence[Move],
    names: Mapping[str, str],
    *,
    descriptions: Mapping[str, str] | None = None,
    width: int = 80,
    timed: bool = False,
) -> Table:
    """The legal moves, numbered as the prompt accepts them, with the typed form of each
    (below 80 columns the typed form is left to Tab completion). ``timed``: the scenario counts
    days, so each move shows how long it takes; where time is the lesson (the spacing of notes
    after a rejection), the learner must see what a move costs before choosing it.
    """
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="bold cyan", no_wrap=True)
    table.add_column(ratio=1)
    if timed:
        table.add_column(style="yellow", no_wrap=True)
    wide = width >= 80
    if wide:
        table.add_column(style="dim", no_wrap=True)
    for i, move in enumerate(moves, start=1):
        label = move_label(move, names)
        description = (descriptions or {}).get(move.id)
        if description and description != move.label:  # a move without one is described by its label
            label.append("\n" + description, style="dim italic")
        time = [("the time left" if move.ends else duration_words(move.days))] if timed else []
        table.add_row(f"{i}", label, *time, *([typed_form(move.key)] if wide else []))
    return table


def reflow(text: str) -> str:
    """YAML block text with its line breaks joined: paragraphs (blank-line separated) survive."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def quoted(text: str) -> str:
    return f"“{' '.join(text.split())}”"


def hanging(head: RichText, body: RichText, *, indent: int = 2) -> Table:
    """``head`` then ``body``, indented, with the body's wrapped lines kept under its first word:
    a coach note or a change of mood stays readable as a block at any width.
    """
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text(" " * indent) + head, body)
    return grid


def finish_offer(label: str) -> Text:
    """Said once, when a scenario's last beat has just happened: the learner may stop here."""
    return Text.assemble(
        ("The story has reached its last beat: ", "bold"),
        f"you can finish here (“{label}”, or type finish) or play on.",
    )


def you_line(turn: Turn) -> Text:
    """The learner's side of a turn: their words when they said any, with the move beside them."""
    move = Text(turn.label, style="dim" if turn.said else "")
    if turn.speaker_name:
        move.append(f" {ARROW} {short_name(turn.speaker_name)}")
    if not turn.said:
        return Text.assemble(("You: ", "bold"), move)
    return Text.assemble(("You: ", "bold"), quoted(turn.said), "  ", ("(", "dim"), move, (")", "dim"))


def turn_view(turn: Turn, *, mood: str | None, coach: bool = False, notes: Sequence[PhrasingNote] = ()) -> Group:
    """One move and its answer: what the learner said (or the move), the reply in a panel,
    perceivable changes; with ``coach``, the hidden changes and ``notes`` on the phrasing.
    """
    parts: list[RenderableType] = [you_line(turn)]
    if turn.speaker:
        parts.append(
            Panel(
                Text(turn.line),
                title=Text(turn.speaker_name or turn.speaker, style="bold"),
                title_align="left",
                subtitle=Text(mood, style="italic") if mood else None,
                subtitle_align="right",
                box=box.ROUNDED,
                border_style="cyan",
                padding=(0, 1),
            )
        )
    else:
        parts.append(Padding(Text(turn.line, style="italic"), (0, 0, 0, 2)))
    for change in turn.changes:
        if change.who == turn.speaker:
            continue  # the panel's mood already shows it
        line = Text.assemble((short_name(change.name), "bold"), " now: ", (change.mood, "italic"))
        if coach:
            line.append(f" ({change.before} {ARROW} {change.after})", style="magenta")
        parts.append(hanging(Text("▸ ", style="cyan"), line))
    if coach:
        coached: list[str] = []
        if turn.speaker and any(c.who == turn.speaker for c in turn.changes):
            change = next(c for c in turn.changes if c.who == turn.speaker)
            coached.append(f"{short_name(change.name)} {change.before} {ARROW} {change.after}")
        deltas = ", ".join(f"{k} {_signed(v)}" for k, v in turn.delta.items() if v)
        coached.append(deltas or "no change in the scores")
        if turn.note:
            coached.append(turn.note)
        coached.extend(f"{note.title}: {quoted(note.quote)}. {note.why}" for note in notes)
        parts.extend(hanging(Text("coach: ", style="magenta"), Text(line, style="magenta")) for line in coached)
    if turn.ending:
        parts.append(Text("The conversation has reached an ending.", style="bold"))
    return Group(*parts)


def coach_view(
    counterparts: Iterable[Counterpart], scores: Mapping[str, int], scene: Mapping[str, int] | None = None
) -> Table:
    """What is hidden from learners: each counterpart's state and meters, the scene's meters and
    the running scores.
    """
    table = Table(box=box.SIMPLE, title="Coach", title_justify="left", title_style="magenta", show_edge=False)
    table.add_column("Who", no_wrap=True)
    table.add_column("State", style="magenta", no_wrap=True)
    table.add_column("Meters", ratio=1)
    for c in counterparts:
        meters = "  ".join(f"{k} {v}" for k, v in c.meters.items())
        table.add_row(Text(short_name(c.name)), Text(c.state + ("" if c.reachable else " (unreachable)")), Text(meters))
    if scene:
        table.add_row(Text("scene"), Text(""), Text("  ".join(f"{k} {v}" for k, v in scene.items())))
    table.add_row(Text("scores"), Text(""), Text("  ".join(f"{k} {v}" for k, v in scores.items())))
    return table


def status_text(session: Session) -> str:
    """One line: turn and time left and who is in touch, and how (the toolbar and plain mode's status)."""
    turn, limit = session.turn, session.rules.turn_limit
    parts = [f"Turn {min(turn + 1, limit)} of {limit}", f"{session.turns_left} left"]
    if session.day is not None:
        day = f"day {session.day}"
        if session.days_left is not None:
            day += f", {session.days_left} days left"
        parts.append(day)
    reachable = [in_touch(short_name(c.name), c.channel).plain for c in session.counterparts() if c.reachable]
    parts.append("in touch: " + (", ".join(reachable) if reachable else "nobody"))
    return visible(" · ".join(parts))  # also prompt-toolkit's toolbar, which is not a rich Text


COMMANDS: dict[str, str] = {
    "/help": "this help",
    "/moves": "the moves you can make now, with descriptions",
    "/hint": "what the analysis rates highest now",
    "/undo": "take back your last move",
    "/transcript": "everything said so far",
    "/save": "save the transcript as JSON: /save [FILE]",
    "/quit": "stop here (Ctrl-D does the same)",
}


def help_view() -> Group:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for command, text in COMMANDS.items():
        table.add_row(command, text)
    return Group(
        Text("Play a move by its number, or type it: 'apologize hr_rep', 'wait'.", style="bold"),
        Text("Tab completes moves and targets; the up arrow recalls earlier input.", style="dim"),
        table,
        Text("Ctrl-C clears the line, or on an empty line asks whether to quit.", style="dim"),
    )


def transcript_view(turns: Sequence[Turn]) -> Group | Text:
    if not turns:
        return Text("Nothing has been said yet.", style="dim")
    lines: list[RenderableType] = []
    for turn in turns:
        head = Text.assemble((f"{turn.number:>2}. ", "bold"), turn.label)
        if turn.speaker_name:
            head.append(f" {ARROW} {short_name(turn.speaker_name)}")
        lines.append(head)
        if turn.said:
            lines.append(Padding(Text("You: " + quoted(turn.said)), (0, 0, 0, 4)))
        who = short_name(turn.speaker_name) + ": " if turn.speaker_name else ""
        lines.append(Padding(Text(who + turn.line, style="italic"), (0, 0, 0, 4)))
    return Group(*lines)


# --- the debrief ------------------------------------------------------------------------------


def debrief_view(
    debrief: Debrief,
    *,
    descriptions: Mapping[str, str | None] | None = None,
    alternatives: Sequence[Alternative] | None = None,
    names: Mapping[str, str] | None = None,
    note: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> Group:
    """The ending, the scores with bars, the turning points with the source's advice, each
    counterpart's inner story, and (when the analysis could rate them) better moves per turn;
    without them, ``note`` says in one line why not. ``labels`` words each choice key as the
    menu does (:func:`choice_labels`); without it, moves show in their typed form.
    """
    names = names or {}
    labels = labels or {}
    parts: list[RenderableType] = [Text(""), _ending_view(debrief), *_scores_view(debrief, descriptions)]
    if debrief.worth is not None:
        parts.append(skill_view(debrief))
    parts.extend(_turning_points_view(debrief, names))
    if debrief.phrasing_notes:
        parts.append(Text(""))
        parts.append(phrasing_notes_view(debrief.phrasing_notes))
    if alternatives is not None:
        parts.append(Text(""))
        parts.append(alternatives_view(alternatives, names, labels))
    elif note:
        parts.append(Text(""))
        parts.append(Text(f"Better moves: not shown; {note}.", style="dim"))
    parts.extend(_stories_view(debrief))
    if debrief.recommended:
        parts.extend(_recommended_view(debrief.recommended, labels))
    return Group(*parts)


def choice_labels(rules: Any, names: Mapping[str, str]) -> dict[str, str]:
    """Each choice key in words, as the menu and the readings show it: ``apologize:hr_rep/sincere``
    -> ``Apologise for how you handled it → Daniel Reyes, owning it plainly``.
    """
    return {choice.key: reading_text(choice, rules, names).plain for choice in rules.choices}


def _recommended_view(keys: Sequence[str], labels: Mapping[str, str]) -> list[RenderableType]:
    """The source's line, one numbered step a line: a key is never cut in two by wrapping."""
    steps = [hanging(Text(f"{n}. "), Text(labels.get(key) or typed_form(key))) for n, key in enumerate(keys, 1)]
    return [Text(""), Text("The line the source recommends:", style="bold"), *steps]


def _ending_view(debrief: Any) -> RenderableType:
    if not debrief.ending:
        return Text("No ending yet: the conversation was left unfinished.", style="bold")
    return Panel(
        Text(reflow(debrief.ending_text or "")),
        title=Text(f"Ending: {debrief.ending_title}", style="bold"),
        title_align="left",
        box=box.DOUBLE,
        padding=(0, 1),
    )


def _scores_view(debrief: Any, descriptions: Mapping[str, str | None] | None) -> list[RenderableType]:
    """The scores with bars, then what each dimension measures (when ``descriptions`` says)."""
    scores = Table(box=box.SIMPLE_HEAD, title="Scores", title_justify="left", title_style="bold", show_edge=False)
    scores.add_column("Dimension", no_wrap=True)
    scores.add_column("Score", justify="right", no_wrap=True)
    scores.add_column("", no_wrap=True)
    for name, value in debrief.scores.items():
        style = "bold" if name == "overall" else ""
        scores.add_row(
            Text(name.replace("_", " ").capitalize(), style=style), Text(str(value), style=style), bar(value)
        )
    if not descriptions:
        return [scores]
    notes = Table.grid(padding=(0, 1))
    notes.add_column(style="dim", no_wrap=True)
    notes.add_column(style="dim")
    for name in debrief.scores:
        if descriptions.get(name):
            notes.add_row(name.replace("_", " ").capitalize() + ":", Text(descriptions[name] or ""))
    return [scores, Padding(notes, (0, 0, 1, 1))] if notes.row_count else [scores]


def _turning_points_view(debrief: Any, names: Mapping[str, str]) -> list[RenderableType]:
    """Each turning point with why it mattered and the source's advice on the move (said once per
    debrief), then what the ending itself did to the overall score.
    """
    parts: list[RenderableType] = [Text("Turning points", style="bold")]
    if not debrief.turning_points:
        parts.append(Padding(Text("No single move swung the scores much.", style="dim"), (0, 0, 0, 1)))
    advised: set[str] = set()
    for point in debrief.turning_points:
        turn, head = _turning_point_head(point, names)
        parts.append(hanging(turn, head, indent=1))
        if point.why:
            parts.append(Padding(Text(point.why), (0, 0, 0, 3)))
        if point.advice and point.advice not in advised:
            advised.add(point.advice)
            parts.append(
                Padding(Text.assemble(("The source advises: ", "italic dim"), (point.advice, "italic")), (0, 0, 0, 3))
            )
    if debrief.ending and debrief.ending_effect:
        head = Text.assemble((" The ending itself: ", "bold"), debrief.ending_title or "")
        _append_overall(head, debrief.ending_effect.get("overall", 0))
        parts.append(head)
    return parts


def _turning_point_head(point: Any, names: Mapping[str, str]) -> tuple[RichText, RichText]:
    """The turn, then what was said (or the move), to whom, what it did to the overall score and,
    for a costly choice, what it gave up.
    """
    head = Text()
    if point.said:
        head.append(quoted(point.said) + " ")
    head.append(point.label, style="dim" if point.said else "")
    if point.target:
        head.append(f" {ARROW} {short_name(names.get(point.target, point.target))}", style="dim" if point.said else "")
    overall = point.delta.get("overall", 0)
    if overall or not point.cost:
        _append_overall(head, overall)
    if point.cost and point.cost >= 1:
        head.append(f"  gave up {point.cost:.0f} points of expected score", style="red")
    return Text(f"Turn {point.turn}: ", style="bold"), head


def _append_overall(head: RichText, overall: int) -> None:
    """A change of the overall score, green when it rose and red when it fell."""
    head.append(f"  overall {_signed(overall)}", style="green" if overall > 0 else "red" if overall < 0 else "dim")


def _stories_view(debrief: Any) -> list[RenderableType]:
    parts: list[RenderableType] = [Text(""), Text("Their side of the story", style="bold")]
    for story in debrief.stories:
        parts.append(hanging(Text(""), Text.assemble((story.name, "bold"), " · ", (story.mood, "italic")), indent=1))
        parts.append(Padding(Text(f"“{story.story}”"), (0, 0, 0, 3)))
    return parts


def skill_view(debrief: Debrief) -> Text:
    """What the learner's choices were worth, apart from what chance did (see
    :mod:`simulator.analysis.review`).
    """
    optimum, worth, chance, final = debrief.optimum, debrief.worth, debrief.chance, debrief.scores["overall"]
    assert optimum is not None and worth is not None and chance is not None  # rated together (review.py)
    text = Text.assemble(
        ("Your choices were worth ", "bold"), (f"{worth:.0f}", "bold"), (f" of a possible {optimum:.0f}", "bold")
    )
    if abs(chance) >= 1:
        luck = "the draw went your way" if chance > 0 else "the draw went against you"
        text.append(f"; {luck}: {_signed(round(chance))} on the final {final}.")
    else:
        text.append(f"; chance changed nothing: the final score is {final}.")
    return text


def alternatives_view(
    alternatives: Sequence[Alternative], names: Mapping[str, str], labels: Mapping[str, str] | None = None
) -> RenderableType:
    """Per turn, the move the analysis rates best when it beats the one played (in words when
    ``labels`` has them).
    """
    labels = labels or {}
    better = [a for a in alternatives if a["best_value"] - a["played_value"] >= 0.5]
    if not alternatives:
        return Text("Better moves: no moves were played.", style="dim")
    if not better:
        return Text("Better moves: none; every move you played was among the best.", style="bold green")
    table = Table(
        box=box.SIMPLE_HEAD,
        title="Better moves",
        title_justify="left",
        title_style="bold",
        caption="(expected overall score with the best play afterwards)",
        caption_justify="left",
        caption_style="dim",
        show_edge=False,
    )
    table.add_column("Turn", justify="right", no_wrap=True)
    table.add_column("You played", ratio=1)
    table.add_column("Better", ratio=1)
    table.add_column("Gain", justify="right", no_wrap=True)
    for alt in better:
        table.add_row(
            str(alt["turn"]),
            Text(f"{labels.get(alt['played']) or typed_form(alt['played'])} ({alt['played_value']:.1f})"),
            Text(f"{labels.get(alt['best']) or typed_form(alt['best'])} ({alt['best_value']:.1f})"),
            Text(f"+{alt['best_value'] - alt['played_value']:.1f}", style="green"),
        )
    return table


def phrasing_menu(phrasings: Sequence[Phrasing], move: Move, names: Mapping[str, str]) -> Group:
    """How a move can be said, lettered in the order given."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(ratio=1)
    for letter, phrasing in zip("abcdefghij", phrasings, strict=False):
        table.add_row(f"{letter})", Text(quoted(phrasing.text)))
    head = move_label(move, names)
    head.stylize("bold")
    return Group(
        Text.assemble("How do you put it? ", ("(", "dim"), head, (")", "dim")),
        table,
        Text("Choose a letter, or put it in your own words; Enter alone goes back.", style="dim"),
    )


def reading_text(reading: Reading, rules: Rules, names: Mapping[str, str]) -> Text:
    """``Apologise → Daniel, owning it plainly``: a reading as a short sentence."""
    move = next(m for m in rules.moves if m.id == reading.id and m.target == reading.target)
    text = move_label(move, names)
    if reading.manner and len(move.manners) > 1:
        text.append(f", {rules.manner_how.get(reading.manner, reading.manner)}")
    return text


def heard_view(reading: Reading, rules: Rules, names: Mapping[str, str]) -> Text:
    """What a confident reading says it heard, and from which words."""
    text = Text.assemble(("Heard as: ", "bold"), reading_text(reading, rules, names))
    details = f"  ({reading.confidence:.0%} sure"
    if reading.cues:
        details += "; from: " + ", ".join(quoted(c) for c in reading.cues)
    text.append(details + ")", style="dim")
    return text


def readings_menu(readings: Sequence[Reading], rules: Rules, names: Mapping[str, str]) -> Table:
    """Readings to pick from, numbered, with how sure each is."""
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="bold cyan", no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(justify="right", style="dim", no_wrap=True)
    for i, reading in enumerate(readings, start=1):
        table.add_row(str(i), reading_text(reading, rules, names), f"{reading.confidence:.0%}")
    return table


def phrasing_notes_view(notes: Sequence[PhrasingNote]) -> Group:
    """What in the learner's words helped or hurt, quoted, with what would sound better."""
    parts: list[RenderableType] = [Text("Your words", style="bold")]
    for note in notes:
        parts.append(Text.assemble((f" Turn {note.turn}: ", "bold"), note.title, ": ", (quoted(note.quote), "italic")))
        parts.append(Padding(Text(note.why), (0, 0, 0, 3)))
        if note.better:
            parts.append(
                Padding(Text.assemble(("Better: ", "italic dim"), (quoted(note.better), "italic")), (0, 0, 0, 3))
            )
    return Group(*parts)


def worth_words(loss: float, keeps_best: bool | None) -> str:
    """A choice's worth in plain words: how much it gives up against the best now, and whether
    it keeps the best ending in reach.
    """
    if loss < 0.5:
        words = "as good as anything now"
    elif loss < 3:
        words = "nearly as good"
    elif loss < 10:
        words = "gives up a little"
    else:
        words = "gives up a lot"
    if keeps_best is True:
        return words + "; keeps the door open"
    if keeps_best is False:
        return words + "; closes the door on the best ending"
    return words


def hint_view(
    ranked: Sequence[tuple[str, float]],
    moves: Sequence[Move],
    names: Mapping[str, str],
    *,
    keeps: Mapping[str, bool] | None = None,
    top: int = 3,
) -> RenderableType:
    """The strongest choices now (``ranked`` by the analysis, best first), in plain words."""
    by_key = {c.key: m for m in moves for c in m.choices}
    best = ranked[0][1] if ranked else 0.0
    table = Table.grid(padding=(0, 2))
    table.add_column(ratio=2)
    table.add_column(ratio=3, style="dim")
    for key, value in ranked[:top]:
        move = by_key.get(key)
        label = move_label(move, names) if move else Text(typed_form(key))
        manner = key.partition("/")[2]
        if manner:
            label.append(f", {manner}")
        table.add_row(label, worth_words(best - value, (keeps or {}).get(key)))
    return Group(Text("Hint: the strongest moves now", style="bold"), table)
