"""Safe YAML with positions: parse once, keep the node tree to say where any value stands.

Pydantic reports errors by path (``('cast', 'hr_rep', 'reactions', 0, 'move')``); the loader
turns that path into ``file:line:column`` by walking the composed node tree. Duplicate keys, which
PyYAML silently lets the last one win, are rejected here, because a scenario author who writes
``trust`` twice has made a mistake that would otherwise lose data without a word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ScenarioError

__all__ = ["Document", "parse"]

# The pure-Python loader on purpose: libyaml's CSafeLoader is about five times faster (40 ms
# against 200 ms for every bundled file, measured), but it crashed the interpreter with a
# segmentation fault on 50,000 nested brackets, where the pure-Python one raises RecursionError,
# which becomes a located error. A crafted file must never take the process down.
_LOADER = yaml.SafeLoader


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
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse(text: str, file: str) -> Document:
    """Parse ``text`` with the safe loader; a syntax error becomes a located ScenarioError."""
    loader = _LOADER(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            _reject_duplicate_keys(root, file)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        if reason.startswith("but ") and exc.context:  # "but found another document" needs its context
            reason = f"{' '.join(exc.context.split())}, {reason}"
        raise ScenarioError(
            f"YAML syntax error: {reason}",
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


# A scenario file holds a few thousand values. YAML aliases can make a tiny file expand into
# billions (each level of nested aliases multiplies the size), which would hang validation, so
# the walk that looks for duplicate keys also counts every value it reaches through aliases.
MAX_VALUES = 200_000


def _reject_duplicate_keys(node: Node, file: str) -> None:
    stack = [node]
    visited = 0
    while stack:
        current = stack.pop()
        visited += 1
        if visited > MAX_VALUES:
            raise ScenarioError(
                f"the file expands to more than {MAX_VALUES} values; are YAML aliases nested too deep?",
                file=file,
                line=1,
                column=1,
            )
        if isinstance(current, MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                visited += 1
                if isinstance(key_node, ScalarNode):
                    if key_node.value in seen:
                        mark = key_node.start_mark
                        raise ScenarioError(
                            f"duplicate key {key_node.value!r}",
                            file=file,
                            line=mark.line + 1,
                            column=mark.column + 1,
                        )
                    seen.add(key_node.value)
                stack.append(value_node)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
