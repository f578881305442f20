"""Read persona and scenario files into validated specs; find the bundled ones.

Three passes, all reporting ``file:line:column``: pydantic checks each file's shape;
:func:`_check_scenario` checks the names that tie its parts together (moves, targets, endings,
score dimensions); then the file is compiled (:mod:`simulator.rules`), which resolves every name
inside reactions and conditions and reports the first that does not resolve. Whatever loads has
compiled, so it plays without a runtime surprise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .catalogue import ScenarioInfo, bundled_dir, bundled_scenario_paths, list_scenarios
from .errors import ScenarioError
from .claims import parse_claims
from .layout import NameProblem, unknown
from .moves import BUILTIN_MOVES
from .notation import MoveRef, Unresolved
from .rules import Rules, check_persona, compile_rules
from .scenario import Scenario
from .scoring import Rubric
from .spec import PersonaSpec, ScenarioSpec
from .yamlsource import Document, dotted, parse

__all__ = ["ScenarioInfo", "bundled_scenario_paths", "list_scenarios", "load_persona", "load_scenario"]

M = TypeVar("M", bound=BaseModel)
RESERVED_DIMENSIONS = frozenset({"outcome", "relationship", "integrity", "overall"})


def _resolve_scenario_path(ref: str | Path) -> Path:
    path = Path(ref)
    if path.suffix in {".yaml", ".yml"} or path.is_file():
        if not path.is_file():
            raise ScenarioError("no such scenario file", file=str(path))
        return path
    by_id = {p.stem: p for p in bundled_scenario_paths()}
    if str(ref) in by_id:
        return by_id[str(ref)]
    known = ", ".join(sorted(by_id))
    raise ScenarioError(f"unknown scenario {str(ref)!r}; bundled scenarios: {known}")


def _resolve_persona_path(ref: str, relative_to: Path) -> Path | None:
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        candidate = (relative_to.parent / ref).resolve()
        return candidate if candidate.is_file() else None
    candidate = bundled_dir("personas") / f"{ref}.yaml"
    return candidate if candidate.is_file() else None


def _read(path: Path) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read file: {exc.__class__.__name__}: {exc}", file=str(path)) from exc
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
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, first["loc"])
        hint = f"; allowed keys: {', '.join(allowed)}" if allowed else ""
        error = doc.error(loc, f"unknown key {loc[-1]!r}{hint}", key=True)
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


def load_persona(ref: str | Path, *, relative_to: Path | None = None) -> PersonaSpec:
    """A persona file by bundled id (``hr_rep``) or path, validated on its own."""
    spec, _ = _load_persona_doc(str(ref), relative_to or Path.cwd() / "_")
    return spec


def _load_persona_doc(ref: str, relative_to: Path) -> tuple[PersonaSpec, Document]:
    path = _resolve_persona_path(ref, relative_to)
    if path is None:
        raise ScenarioError(f"no persona file {ref!r}", file=ref)
    doc = _read(path)
    spec = _validate(PersonaSpec, doc)
    try:
        check_persona(spec)
    except NameProblem as problem:
        raise doc.error(problem.path, problem.reason, key=problem.key) from None
    return spec, doc


def load_scenario(ref: str | Path) -> Scenario:
    """A scenario by bundled id (``declined-offer``) or by path to a YAML file.

    Raises :class:`ScenarioError` naming file, line, column and field for anything wrong in the
    scenario or in a persona file it casts.
    """
    path = _resolve_scenario_path(ref)
    doc = _read(path)
    spec = _validate(ScenarioSpec, doc)
    personas: dict[str, PersonaSpec] = {}
    persona_docs: dict[str, Document] = {}
    for cast_id, member in spec.cast.items():
        if _resolve_persona_path(member.persona, path) is None:
            raise doc.error(["cast", cast_id, "persona"], f"no persona file {member.persona!r}")
        personas[cast_id], persona_docs[cast_id] = _load_persona_doc(member.persona, path)
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
    resolved by the compiler."""
    cast = set(spec.cast)
    move_ids: set[str] = set()
    targetless: set[str] = set()
    for i, move in enumerate(spec.moves):
        path = ["moves", i]
        if move.id in move_ids:
            raise doc.error([*path, "id"], f"move {move.id!r} is listed twice")
        move_ids.add(move.id)
        builtin = BUILTIN_MOVES.get(move.id)
        if builtin is None and move.label is None:
            raise doc.error(path, f"move {move.id!r} is not built in, so it needs a label")
        for j, target in enumerate(move.targets):
            if target not in cast:
                raise doc.error([*path, "targets", j], unknown("cast member", target, cast))
        if builtin is not None and builtin.targeted and not move.targets:
            raise doc.error(path, f"move {move.id!r} needs targets (cast ids)")
        if builtin is not None and not builtin.targeted and move.targets:
            raise doc.error([*path, "targets"], f"move {move.id!r} takes no target")
        if not move.targets:
            targetless.add(move.id)
    for cast_id, member in spec.cast.items():
        states = set(personas[cast_id].states)
        for state in member.stories:
            if state not in states:
                raise doc.error(["cast", cast_id, "stories", state], unknown("state", state, states), key=True)
        for i, reaction in enumerate(member.reactions):
            if reaction.move not in move_ids - targetless:
                raise doc.error(["cast", cast_id, "reactions", i, "move"], unknown("move", reaction.move, move_ids - targetless))
    for i, reaction in enumerate(spec.scene.reactions):
        if reaction.move not in targetless:
            raise doc.error(["scene", "reactions", i, "move"], unknown("move with no target", reaction.move, targetless))
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
    for name in spec.scoring.extra:
        if name in RESERVED_DIMENSIONS:
            raise doc.error(["scoring", "extra", name], f"{name!r} is a core dimension; give this one another name", key=True)
    dimensions = spec.scoring.dimensions()
    for name, rule in dimensions.items():
        path = ["scoring", name] if name in RESERVED_DIMENSIONS else ["scoring", "extra", name]
        for ending in rule.endings:
            if ending not in ending_ids:
                raise doc.error([*path, "endings", ending], unknown("ending", ending, ending_ids), key=True)
    for name in spec.scoring.overall.weights:
        if name not in dimensions:
            raise doc.error(["scoring", "overall", "weights", name], unknown("dimension", name, dimensions), key=True)
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
