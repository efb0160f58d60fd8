"""Safe YAML loading that remembers line numbers, and strict record parsing on top of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from .errors import TrdfaqError


class Mapping(dict[str, Any]):
    """A YAML mapping that knows the (1-based) line it starts on."""

    line: int = 0


class Sequence(list[Any]):
    """A YAML sequence that knows the (1-based) line it starts on, and each item's line."""

    line: int = 0
    item_lines: list[int]


# libyaml's parser where PyYAML has it (several times faster), the pure-Python one otherwise.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """SafeLoader whose mappings and sequences carry their line numbers."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, error: type[TrdfaqError]) -> Any:
    """Parse one YAML file safely; syntax errors become `error` naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found", path) from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", path) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        raise error(f"invalid YAML: {exc.problem or exc.context}", path, line) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", path) from None


def line_of(value: Any, default: int | None = None) -> int | None:
    """The line a loaded mapping or sequence starts on, if known."""
    return getattr(value, "line", default)


class Record:
    """Strict access to one YAML mapping: unknown keys, missing keys and wrong types are errors."""

    def __init__(
        self,
        value: Any,
        path: Path,
        error: type[TrdfaqError],
        what: str,
        line: int | None = None,
    ) -> None:
        self.path = path
        self.error = error
        self.what = what
        self.line = line_of(value, line)
        if not isinstance(value, dict):
            raise error(f"{what} must be a mapping of keys to values", path, self.line)
        self.data: dict[str, Any] = value

    def fail(self, message: str) -> TrdfaqError:
        """An error about this record, at its line."""
        return self.error(f"{self.what}: {message}", self.path, self.line)

    def only(self, allowed: Iterable[str]) -> None:
        """Reject keys outside `allowed`."""
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            known = ", ".join(sorted(allowed))
            raise self.fail(f"unknown key {unknown[0]!r} (expected one of: {known})")

    def text(self, key: str, *, optional: bool = False, empty: bool = False) -> str | None:
        """A string value; missing or null only if `optional`, blank only if `empty`."""
        value = self.data.get(key)
        if value is None:
            if optional:
                return None
            raise self.fail(f"missing required key {key!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(f"{key!r} must be text")
        if not empty and not value.strip():
            raise self.fail(f"{key!r} must not be empty")
        return value

    def req(self, key: str) -> str:
        """A required, non-empty string value."""
        value = self.text(key)
        assert value is not None
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        """A boolean value."""
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key!r} must be true or false")
        return value

    def number(self, key: str, default: float | None = None) -> float:
        """A numeric value."""
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"{key!r} must be a number")
        return float(value)

    def items(self, key: str, *, optional: bool = False) -> list[Any]:
        """A list value (missing or null is an empty list if `optional`)."""
        value = self.data.get(key)
        if value is None:
            if optional:
                return []
            raise self.fail(f"missing required key {key!r}")
        if not isinstance(value, list):
            raise self.fail(f"{key!r} must be a list")
        return value

    def strings(self, key: str, *, optional: bool = False) -> tuple[str, ...]:
        """A list of non-empty strings."""
        items = self.items(key, optional=optional)
        out = []
        for item in items:
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)  # a bare number in YAML, such as a year
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"every item of {key!r} must be non-empty text")
            out.append(item)
        return tuple(out)

    def records(self, key: str, what: str, *, optional: bool = False) -> list[Record]:
        """The items of a list of mappings, each as a Record with its own line."""
        items = self.items(key, optional=optional)
        lines = getattr(items, "item_lines", [self.line] * len(items))
        return [
            Record(item, self.path, self.error, f"{what} #{i + 1}", line)
            for i, (item, line) in enumerate(zip(items, lines, strict=True))
        ]


def top_record(
    path: Path, error: type[TrdfaqError], what: str, *, loader: Callable[..., Any] = load_yaml
) -> Record:
    """Load a YAML file whose top level is a mapping."""
    data = loader(path, error)
    if data is None:
        raise error("the file is empty", path, 1)
    return Record(data, path, error, what, line_of(data, 1))
