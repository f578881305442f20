"""Read persona and scenario files into validated specs; find the bundled ones.

Three passes, all reporting ``file:line:column``: pydantic checks each file's shape;
:func:`_check_scenario` checks the names that tie its parts together (moves, targets, endings,
score dimensions); then the file is compiled (:mod:`simulator.rules`), which resolves every name
inside reactions and conditions and reports the first that does not resolve. Whatever loads has
compiled, so it plays without a runtime surprise.

Reading is bounded before either pass: a file over :data:`MAX_FILE_BYTES` is refused unread, a
persona reference may only reach the scenario's folder, the ``personas/`` folder one level up,
the bundled personas and the folders a caller allows (:func:`_persona_file`), and every path the
system refuses (a NUL byte, a name too long, a symlink loop) is a ScenarioError naming it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .catalogue import ScenarioInfo, bundled_dir, bundled_scenario_paths, list_scenarios
from .claims import parse_claims
from .errors import ScenarioError
from .layout import NameProblem, unknown
from .moves import BUILTIN_MOVES, FINISH
from .notation import MoveRef, Unresolved
from .rules import Rules, check_persona, compile_rules
from .safetext import brief, clip
from .scenario import Scenario
from .scoring import Rubric
from .spec import MoveSpec, PersonaSpec, ScenarioSpec
from .yamlsource import Document, dotted, parse

__all__ = ["ScenarioInfo", "bundled_scenario_paths", "list_scenarios", "load_persona", "load_scenario"]

M = TypeVar("M", bound=BaseModel)
RESERVED_DIMENSIONS = frozenset({"outcome", "relationship", "integrity", "overall"})


# A scenario file is some tens of kilobytes (the largest bundled one is 25 KB). Reading a file
# whole before parsing it is only safe with a bound: past it the file is refused, not read.
MAX_FILE_BYTES = 1_000_000
_YAML_SUFFIXES = (".yaml", ".yml")
_PERSONA_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")


def _resolve_scenario_path(ref: str | os.PathLike[str]) -> Path:
    text = _path_text(ref, "ref", "a bundled scenario id or a path to a scenario file")
    path = Path(text)
    if path.suffix in _YAML_SUFFIXES or _is_file(path, text):
        if not _is_file(path, text):
            raise ScenarioError("no such scenario file", file=clip(text))
        return path
    by_id = {p.stem: p for p in bundled_scenario_paths()}
    if text in by_id:
        return by_id[text]
    known = ", ".join(sorted(by_id))
    raise ScenarioError(f"unknown scenario {brief(text)}; bundled scenarios: {known}")


def _path_text(value: object, argument: str, what: str) -> str:
    """A path argument of the public API as text; a wrong type is a TypeError naming the argument."""
    if isinstance(value, str):
        return value
    if isinstance(value, os.PathLike):
        text = os.fspath(value)
        if isinstance(text, str):
            return text
    raise TypeError(f"{argument} must be {what} (a str or a path), not {type(value).__name__}")


def _is_file(path: Path, ref: str) -> bool:
    """Whether ``path`` is a regular file; a path the system cannot even look up (a NUL byte, a
    name too long, a symlink loop, a folder without permission) is a ScenarioError naming ``ref``.
    """
    try:
        return path.is_file()
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"cannot use this path: {_why(exc)}", file=clip(ref)) from None


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror  # "File name too long", "Too many levels of symbolic links", ...
    return " ".join(str(exc).split()) or type(exc).__name__


class _Unusable(Exception):
    """A persona reference that names no usable file; the message says why."""


def _persona_file(ref: str, base: Path, roots: Sequence[Path] | None) -> Path:
    """The persona file ``ref`` names, for a scenario (or caller) in the folder ``base``.

    A bare id (``boss``) is ``personas/boss.yaml`` in ``base``, else in the folder above it (the
    layout of this repository: ``scenarios/`` beside ``personas/``), else the bundled persona of
    that id. Anything else is a path relative to ``base``. With ``roots`` (a scenario's cast),
    the file must lie under one of them once symlinks are followed; None puts no bound (the
    caller named the file itself). Raises :class:`_Unusable` saying why not.
    """
    try:
        if not any(sep and sep in ref for sep in (os.sep, os.altsep)) and not ref.endswith(_YAML_SUFFIXES):
            if not _PERSONA_ID.match(ref):
                raise _Unusable(f"persona {brief(ref)} is neither an id (like hr_rep) nor a path to a .yaml file")
            candidates = [base / "personas" / f"{ref}.yaml", base.parent / "personas" / f"{ref}.yaml"]
            candidates.append(bundled_dir("personas") / f"{ref}.yaml")
            found = next((c for c in candidates if c.is_file()), None)
            if found is None:
                raise _Unusable(f"no persona file {brief(ref)} in personas/ here or one folder up, nor bundled")
            path = found.resolve()
        else:
            path = (base / ref).resolve()
        if roots is not None and not any(path.is_relative_to(root) for root in roots):
            raise _Unusable(
                f"persona file {brief(ref)} is outside the scenario's folder, the personas/ folder one "
                "level up and the bundled personas (load_scenario(..., persona_roots=[...]) allows more)"
            )
        if not path.is_file():
            raise _Unusable(
                f"no persona file {brief(ref)}" if not path.exists() else f"persona {brief(ref)} is not a file"
            )
    except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: a symlink loop, in resolve()
        raise _Unusable(f"persona file {brief(ref)} cannot be used: {_why(exc)}") from None
    return path


def _persona_roots(scenario: Path, extra: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Where a scenario's cast may find persona files: its own folder tree, the ``personas/``
    folder beside it, the bundled personas, and what the caller allows.
    """
    if isinstance(extra, str | bytes | os.PathLike) or not isinstance(extra, Iterable):
        raise TypeError(f"persona_roots must be a list of folders, not {type(extra).__name__}")
    folders = [scenario.parent, scenario.parent.parent / "personas", bundled_dir("personas")]
    folders += [Path(_path_text(root, "each of persona_roots", "a folder")) for root in extra]
    try:
        return [folder.resolve() for folder in folders]
    except (OSError, ValueError, RuntimeError) as exc:
        raise ScenarioError(f"cannot use this folder: {_why(exc)}", file=str(scenario)) from None


def _read(path: Path) -> Document:
    """Read and parse one file, refusing a file larger than :data:`MAX_FILE_BYTES` unread."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"cannot read file: {_why(exc)}", file=str(path)) from exc
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(
            f"the file is larger than {MAX_FILE_BYTES:,} bytes; a scenario or persona file is far smaller",
            file=str(path),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise ScenarioError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot start or continue a character",
            file=str(path),
            line=line,
            column=column,
        ) from None
    return parse(text, str(path))


# --- shape -----------------------------------------------------------------------------------


def _validate(model: type[M], doc: Document) -> M:
    if not isinstance(doc.data, dict):
        raise ScenarioError("the file must hold a mapping of keys to values", file=doc.file, line=1, column=1)
    version = doc.data.get("schema_version")
    if isinstance(version, int) and version > 1:
        raise doc.error(["schema_version"], f"schema_version {version} is newer than this Parley reads (1)")
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise _located(exc, doc, model) from None
    except RecursionError as exc:
        raise ScenarioError("values are nested too deep", file=doc.file, line=1, column=1) from exc


def _located(exc: ValidationError, doc: Document, model: type[BaseModel]) -> ScenarioError:
    errors = exc.errors(include_url=False)
    # Report the error a person can act on first: a wrong key before the noise it causes.
    first = min(errors, key=lambda e: (e["type"] != "extra_forbidden", len(e["loc"])))
    loc = _without_union_tags(first["loc"], model)
    kind = first["type"]
    if "[key]" in loc:  # pydantic's marker for a mapping's key (not its value) that is invalid
        at = loc.index("[key]")
        loc = loc[:at]
        error = doc.error(loc, f"the key {brief(loc[-1])} is invalid: {_first_line(first['msg'])}", key=True)
        error = _relabel(error, field=dotted(loc[:-1]))
    elif kind == "extra_forbidden":
        allowed = _allowed_keys(model, first["loc"])
        hint = f"; allowed keys: {', '.join(allowed)}" if allowed else ""
        error = doc.error(loc, f"unknown key {brief(loc[-1])}{hint}", key=True)
    elif kind == "missing":
        error = _relabel(doc.error(loc[:-1], f"missing required key {loc[-1]!r}"), field=dotted(loc))
    else:
        error = doc.error(loc, _first_line(first["msg"]))
    more = len(errors) - 1
    if more:
        error = _relabel(error, reason=f"{error.reason} (and {more} more problem{'s' if more > 1 else ''})")
    return error


def _relabel(error: ScenarioError, *, reason: str | None = None, field: str | None = None) -> ScenarioError:
    return ScenarioError(
        error.reason if reason is None else reason,
        file=error.file,
        line=error.line,
        column=error.column,
        field=error.field if field is None else field,
    )


def _without_union_tags(loc: Sequence[str | int], model: type[BaseModel]) -> list[str | int]:
    """Drop the tags pydantic inserts for the condition union (``when.meter.at_least``).

    A part is a tag exactly where the model's type at that point is the tagged union, so walk the
    types alongside the path: a key of the data that happens to be named ``meter`` or ``state``
    (or a missing one) is never mistaken for a tag, and a tag is never mistaken for a key.
    """
    out: list[str | int] = []
    current: Any = model
    for part in loc:
        step = _step_type(current, part) if current is not None else None
        if step is None or get_origin(_unwrap(current)) not in (Union, UnionType):
            out.append(part)  # a key or an index; a union's tag is the only part left out
        current = step
    return out


def _allowed_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys a mapping at ``loc`` may hold, found by walking the model's field types."""
    current: Any = model
    for part in list(loc)[:-1]:
        current = _step_type(current, part)
        if current is None:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(field.alias or name for name, field in current.model_fields.items())
    return []


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    args = [a for a in get_args(tp) if a is not type(None)]
    if get_origin(tp) in (Union, UnionType) and len(args) == 1:
        return _unwrap(args[0])
    return tp


def _step_type(tp: Any, part: str | int) -> Any:
    tp = _unwrap(tp)
    origin = get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, field in tp.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    if origin in (list, tuple) and isinstance(part, int):
        return get_args(tp)[0]
    if origin is dict:
        return get_args(tp)[1]
    if origin in (Union, UnionType):
        # the condition union: the part is the tag naming the member
        for member in get_args(tp):
            if get_origin(member) is Annotated:
                base, *meta = get_args(member)
                if any(getattr(m, "tag", None) == part for m in meta):
                    return base
    return None


def _first_line(message: str) -> str:
    return message.splitlines()[0].removeprefix("Value error, ")


# --- references ------------------------------------------------------------------------------


def load_persona(ref: str | os.PathLike[str], *, relative_to: str | os.PathLike[str] | None = None) -> PersonaSpec:
    """A persona file by id (``hr_rep``) or by path, validated on its own.

    ``relative_to`` is the file the reference is written in (default: the current folder): a
    path is read relative to its folder, and an id is looked up as a scenario's cast would be
    (``personas/ID.yaml`` there or in the folder above, else the bundled persona).
    """
    text = _path_text(ref, "ref", "a persona id or a path to a persona file")
    where = Path.cwd() / "_" if relative_to is None else Path(_path_text(relative_to, "relative_to", "a file path"))
    try:
        path = _persona_file(text, where.parent, roots=None)
    except _Unusable as exc:
        raise ScenarioError(str(exc), file=clip(text)) from None
    return _load_persona_doc(path)[0]


def _load_persona_doc(path: Path) -> tuple[PersonaSpec, Document]:
    doc = _read(path)
    spec = _validate(PersonaSpec, doc)
    try:
        check_persona(spec)
    except NameProblem as problem:
        raise doc.error(problem.path, problem.reason, key=problem.key) from None
    return spec, doc


def load_scenario(ref: str | os.PathLike[str], *, persona_roots: Iterable[str | os.PathLike[str]] = ()) -> Scenario:
    """A scenario by bundled id (``declined-offer``) or by path to a YAML file.

    Raises :class:`ScenarioError` naming file, line, column and field for anything wrong in the
    scenario or in a persona file it casts. A cast member's ``persona`` is an id, looked up in
    ``personas/`` beside the scenario, then in the ``personas/`` folder above it, then among the
    bundled personas; or a path relative to the scenario, which must stay inside the scenario's
    folder, that ``personas/`` folder, or the bundled personas, so that a shared scenario cannot
    read other files on the machine. ``persona_roots`` names further folders it may read.
    """
    path = _resolve_scenario_path(ref)
    roots = _persona_roots(path, persona_roots)
    doc = _read(path)
    spec = _validate(ScenarioSpec, doc)
    personas: dict[str, PersonaSpec] = {}
    persona_docs: dict[str, Document] = {}
    for cast_id, member in spec.cast.items():
        try:
            persona_path = _persona_file(member.persona, path.parent, roots)
        except _Unusable as exc:
            raise doc.error(["cast", cast_id, "persona"], str(exc)) from None
        personas[cast_id], persona_docs[cast_id] = _load_persona_doc(persona_path)
    _check_scenario(spec, doc, personas)
    digest = hashlib.sha256(
        json.dumps(
            {
                "scenario": spec.model_dump(mode="json", by_alias=True),
                "personas": {k: v.model_dump(mode="json", by_alias=True) for k, v in personas.items()},
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()
    try:
        rules = compile_rules(spec, personas, digest)
        rubric = Rubric(spec, rules)
        claims = parse_claims(spec, rules, rubric.dimensions)
    except NameProblem as problem:
        if problem.path and problem.path[0] == "persona":
            raise persona_docs[str(problem.path[1])].error(problem.path[2:], problem.reason, key=problem.key) from None
        raise doc.error(problem.path, problem.reason, key=problem.key) from None
    _check_lines(spec, doc, rules)
    return Scenario(
        spec=spec,
        personas=personas,
        path=path,
        hash=digest,
        document=doc,
        persona_documents=persona_docs,
        rules=rules,
        rubric=rubric,
        claims=claims,
    )


def _check_scenario(spec: ScenarioSpec, doc: Document, personas: dict[str, PersonaSpec]) -> None:
    """The names that tie a scenario's parts together; names inside reactions and conditions are
    resolved by the compiler. The first problem found, in the file's order of sections, is raised.
    """
    move_ids, targetless = _check_moves(spec, doc)
    _check_cast(spec, doc, personas, move_ids - targetless)
    _check_scene(spec, doc, targetless)
    ending_ids = _check_endings(spec, doc)
    _check_scoring(spec, doc, ending_ids)
    _check_advice(spec, doc, move_ids)


def _check_moves(spec: ScenarioSpec, doc: Document) -> tuple[set[str], set[str]]:
    """Each move once, each well formed; returns the move ids and those of moves with no target."""
    cast = set(spec.cast)
    move_ids: set[str] = set()
    targetless: set[str] = set()
    for i, move in enumerate(spec.moves):
        path: list[str | int] = ["moves", i]
        if move.id in move_ids:
            raise doc.error([*path, "id"], f"move {move.id!r} is listed twice")
        move_ids.add(move.id)
        _check_move(move, path, doc, cast)
        if not move.targets:
            targetless.add(move.id)
    return move_ids, targetless


def _check_move(move: MoveSpec, path: list[str | int], doc: Document, cast: set[str]) -> None:
    """A move's label and targets: a move of its own needs a label; targets are cast members, and
    a built-in move has them exactly when it is a move made to someone.
    """
    builtin = BUILTIN_MOVES.get(move.id)
    if builtin is None and move.label is None:
        raise doc.error(path, f"move {move.id!r} is not built in, so it needs a label")
    for j, target in enumerate(move.targets):
        if target not in cast:
            raise doc.error([*path, "targets", j], unknown("cast member", target, cast))
    if builtin is None:
        return
    if builtin.targeted and not move.targets:
        raise doc.error(path, f"move {move.id!r} needs targets (cast ids)")
    if not builtin.targeted and move.targets:
        raise doc.error([*path, "targets"], f"move {move.id!r} takes no target")
    if move.id == FINISH and "takes" in move.model_fields_set:
        raise doc.error([*path, "takes"], f"move {FINISH!r} spends whatever time is left; remove its 'takes'")


def _check_cast(spec: ScenarioSpec, doc: Document, personas: dict[str, PersonaSpec], targeted_moves: set[str]) -> None:
    """A cast member's stories are told of its persona's states; its reactions answer moves made to someone."""
    for cast_id, member in spec.cast.items():
        states = set(personas[cast_id].states)
        for state in member.stories:
            if state not in states:
                raise doc.error(["cast", cast_id, "stories", state], unknown("state", state, states), key=True)
        for i, reaction in enumerate(member.reactions):
            if reaction.move not in targeted_moves:
                raise doc.error(
                    ["cast", cast_id, "reactions", i, "move"], unknown("move", reaction.move, targeted_moves)
                )


def _check_scene(spec: ScenarioSpec, doc: Document, targetless: set[str]) -> None:
    """The scene reacts only to moves made to no one."""
    for i, reaction in enumerate(spec.scene.reactions):
        if reaction.move not in targetless:
            raise doc.error(
                ["scene", "reactions", i, "move"], unknown("move with no target", reaction.move, targetless)
            )


def _check_endings(spec: ScenarioSpec, doc: Document) -> set[str]:
    """Each ending once, and one for when time runs out; returns the ending ids."""
    ending_ids: set[str] = set()
    fallback = False
    for i, ending in enumerate(spec.endings):
        if ending.id in ending_ids:
            raise doc.error(["endings", i, "id"], f"ending {ending.id!r} is listed twice")
        ending_ids.add(ending.id)
        if ending.when is None:
            if not ending.at_timeout_only:
                raise doc.error(["endings", i], "an ending without 'when' must set at_timeout_only: true")
            fallback = True
    if not fallback:
        raise doc.error(["endings"], "one ending must have no 'when' and at_timeout_only: true, for when time runs out")
    return ending_ids


def _check_scoring(spec: ScenarioSpec, doc: Document, ending_ids: set[str]) -> None:
    """Extra dimensions do not take a core dimension's name, dimensions name real endings, and the
    overall score weighs real dimensions.
    """
    for name in spec.scoring.extra:
        if name in RESERVED_DIMENSIONS:
            raise doc.error(
                ["scoring", "extra", name], f"{name!r} is a core dimension; give this one another name", key=True
            )
    dimensions = spec.scoring.dimensions()
    for name, rule in dimensions.items():
        path = ["scoring", name] if name in RESERVED_DIMENSIONS else ["scoring", "extra", name]
        for ending_id in rule.endings:
            if ending_id not in ending_ids:
                raise doc.error([*path, "endings", ending_id], unknown("ending", ending_id, ending_ids), key=True)
    for name in spec.scoring.overall.weights:
        if name not in dimensions:
            raise doc.error(["scoring", "overall", "weights", name], unknown("dimension", name, dimensions), key=True)


def _check_advice(spec: ScenarioSpec, doc: Document, move_ids: set[str]) -> None:
    """Advice is about a move of the scenario, said to a cast member."""
    cast = set(spec.cast)
    for i, advice in enumerate(spec.advice):
        if advice.move not in move_ids:
            raise doc.error(["advice", i, "move"], unknown("move", advice.move, move_ids))
        if advice.to is not None and advice.to not in cast:
            raise doc.error(["advice", i, "to"], unknown("cast member", advice.to, cast))


def _check_lines(spec: ScenarioSpec, doc: Document, rules: Rules) -> None:
    """Each move of a named line names exactly one choice (see :mod:`simulator.notation`)."""
    lines = {"recommended": spec.recommended, **{f"anti_patterns.{k}": v for k, v in spec.anti_patterns.items()}}
    for label, line in lines.items():
        base = label.split(".")
        for i, notation in enumerate(line):
            try:
                MoveRef.parse(notation).resolve(rules.choices)
            except Unresolved as exc:
                raise doc.error([*base, i], f"move {exc.ref!r}: {exc.with_moves()}") from None
