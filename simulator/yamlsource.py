"""Safe YAML with positions: parse once, keep the node tree to say where any value stands.

Pydantic reports errors by path (``('cast', 'hr_rep', 'reactions', 0, 'move')``); the loader
turns that path into ``file:line:column`` by walking the composed node tree. Duplicate keys, which
PyYAML silently lets the last one win, are rejected here, because a scenario author who writes
``trust`` twice has made a mistake that would otherwise lose data without a word.

Whatever the text holds, parsing ends in a :class:`Document` or a located ScenarioError: a
character YAML refuses, a value Python cannot build (a 4,400-digit integer, the date
``2001-13-45``), nesting too deep for the parser, or aliases that would expand the file past
:data:`MAX_VALUES` values or :data:`MAX_CHARACTERS` characters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from .cache import ContentCache
from .errors import ScenarioError
from .safetext import brief, visible

__all__ = ["Document", "parse"]


class _Loader(yaml.SafeLoader):
    """The safe loader, with every value it cannot build reported where the value stands.

    PyYAML's constructors raise plain ``ValueError`` for values its resolver accepted but Python
    refuses (an integer beyond ``sys.get_int_max_str_digits()``, the timestamp ``2001-13-45``),
    and may raise others for what a future PyYAML adds; all of them become a located
    ``ConstructorError`` here, once, instead of one special case per value type.
    """

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError, MemoryError):
            raise
        except Exception as exc:
            kind = node.tag.rpartition(":")[2] or "value"
            raise _Unreadable(
                None, None, f"cannot read this {kind}: {_first_clause(str(exc))}", node.start_mark
            ) from exc


class _Unreadable(ConstructorError):
    """A value that is well-formed YAML but that Python cannot build (not a syntax error)."""


def _first_clause(message: str) -> str:
    # "Exceeds the limit (4300 digits) for integer string conversion: value has 4400 digits; use
    # sys.set_int_max_str_digits() ..." names a Python setting an author cannot change: keep the fact.
    return " ".join(message.split(";")[0].split()) or "invalid value"


# The pure-Python loader on purpose: libyaml's CSafeLoader is about five times faster (40 ms
# against 200 ms for every bundled file, measured), but it crashed the interpreter with a
# segmentation fault on 50,000 nested brackets, where the pure-Python one raises RecursionError,
# which becomes a located error. A crafted file must never take the process down.
_LOADER = _Loader


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its data, and the node tree that locates each part of it."""

    file: str
    data: Any
    root: Node | None

    def locate(self, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int] | None:
        """1-based (line, column) of the value at ``path``, or of its key when ``key`` is true.

        Path parts that do not exist in the file (pydantic adds union tags to its paths, and a
        missing field has no node) are skipped, so the answer is the deepest node that exists.
        """
        node = self.root
        if node is None:
            return None
        found: Node = node
        for index, part in enumerate(path):
            last = index == len(path) - 1
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, ScalarNode) and key_node.value == str(part):
                        node = key_node if (last and key) else value_node
                        found = node
                        break
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                found = node
        mark = found.start_mark
        return mark.line + 1, mark.column + 1

    def error(self, path: Sequence[str | int], reason: str, *, key: bool = False) -> ScenarioError:
        where = self.locate(path, key=key)
        line, column = where if where else (None, None)
        return ScenarioError(reason, file=self.file, line=line, column=column, field=dotted(path))


def dotted(path: Sequence[str | int]) -> str:
    """``cast.hr_rep.reactions[0]``; a key holding control characters shows them as escapes, so
    that a field path stays one printable line whatever the file's keys are.
    """
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{visible(str(part))}" if out else visible(str(part)))
    return out


# Parsed documents by (file, digest of the text): the pure-Python loader costs ~50 ms for a
# bundled scenario, and a long-lived process (a course server, ``verify --all``, a test run) reads
# the same unchanged files again and again. A Document is never changed after parsing (the
# loader validates a copy of its data), so sharing one is safe; a file that fails is not kept.
# Bounded by count and by size: a parsed document holds ~33 bytes per character of its text
# (1.9 MB for the largest bundled scenario), so at most 16 of 128 KB or less are kept (~70 MB).
_PARSED: ContentCache[Document] = ContentCache(16)
_KEPT_CHARACTERS = 128 * 1024


def parse(text: str, file: str) -> Document:
    """Parse ``text`` with the safe loader; a syntax error becomes a located ScenarioError."""
    if len(text) > _KEPT_CHARACTERS:
        return _parse(text, file)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return _PARSED.get((file, digest), lambda: _parse(text, file))


def _parse(text: str, file: str) -> Document:
    try:
        loader = _LOADER(text)
    except ReaderError as exc:  # a character YAML does not allow, anywhere in the text
        raise _refused_character(text, exc, file) from None
    try:
        root = loader.get_single_node()
        if root is not None:
            _check_tree(root, file)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        if reason.startswith("but ") and exc.context:  # "but found another document" needs its context
            reason = f"{' '.join(exc.context.split())}, {reason}"
        raise ScenarioError(
            reason if isinstance(exc, _Unreadable) else f"YAML syntax error: {reason}",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(f"YAML error: {' '.join(str(exc).split())}", file=file) from exc
    except RecursionError as exc:
        # PyYAML composes recursively; a few hundred levels of nesting exhaust the stack.
        raise ScenarioError("values are nested too deep", file=file, line=1, column=1) from exc
    finally:
        loader.dispose()
    return Document(file=file, data=data, root=root)


def _refused_character(text: str, exc: ReaderError, file: str) -> ScenarioError:
    position = exc.position if isinstance(exc.position, int) and 0 <= exc.position <= len(text) else 0
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else 0
    return ScenarioError(
        f"the character U+{code:04X} is not allowed in a YAML file",
        file=file,
        line=line,
        column=column,
    )


# A scenario file holds a few thousand values and some tens of thousands of characters. YAML
# aliases can make a tiny file expand into billions of either (each level of nested aliases
# multiplies the size; one long string named a million times is a gigabyte once validated and
# serialised), so the node tree is measured as it would expand, and refused past these bounds.
MAX_VALUES = 200_000
MAX_CHARACTERS = 4_000_000


def _check_tree(root: Node, file: str) -> None:
    """Reject duplicate keys, aliases inside their own anchor, and trees that expand too far.

    Each distinct node is visited once (children first), its expanded size computed from its
    children's, so the cost is that of the file, not of its expansion; the error points at the
    smallest value that expands too far, which is where the aliases multiply.
    """
    sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, characters) once expanded
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not children_done:
            open_nodes.add(id(node))
            stack.append((node, True))
            for child in children:
                if id(child) in open_nodes:
                    raise _located(child, file, "a YAML alias stands inside the value it names")
                if id(child) not in sizes:
                    stack.append((child, False))
            continue
        open_nodes.discard(id(node))
        values, characters = 1, len(node.value) if isinstance(node, ScalarNode) else 0
        for child in children:
            child_values, child_characters = sizes[id(child)]
            values += child_values
            characters += child_characters
        if values > MAX_VALUES or characters > MAX_CHARACTERS:
            what = f"{MAX_VALUES:,} values" if values > MAX_VALUES else f"{MAX_CHARACTERS:,} characters"
            raise _located(
                node, file, f"this value expands to more than {what}; are YAML aliases repeating something large?"
            )
        sizes[id(node)] = (values, characters)
        if isinstance(node, MappingNode):
            _reject_duplicate_keys(node, file)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _reject_duplicate_keys(node: MappingNode, file: str) -> None:
    seen: set[str] = set()
    for key_node, _ in node.value:
        if isinstance(key_node, ScalarNode):
            if key_node.value in seen:
                raise _located(key_node, file, f"duplicate key {brief(key_node.value)}")
            seen.add(key_node.value)


def _located(node: Node, file: str, reason: str) -> ScenarioError:
    mark = node.start_mark
    return ScenarioError(reason, file=file, line=mark.line + 1, column=mark.column + 1)
