"""Read YAML while remembering the line of every key and list item, so errors can name the line.

Duplicate keys, which plain YAML loaders silently collapse, are reported as errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from firebreak.kernel.errors import ConfigError

Path_ = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Parsed data plus the 1-based line of each path (`("routes", 0, "match")`)."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of `path`, or of its longest prefix the file has."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


def _key_of(node: Node) -> Any:
    if isinstance(node, ScalarNode):
        return SafeConstructor().construct_object(node)
    return None


def _record(node: Node, path: Path_, lines: dict[Path_, int], file: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _key_of(key_node)
            if key == "<<":  # merge key: its entries keep the line of the merged mapping
                continue
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:
                first = None
            if first is not None:
                raise ConfigError(
                    f"{file}:{line}: duplicate key {key!r} (first given on line {first})",
                    file=file, line=line, field=_dotted((*path, str(key))),
                )
            if key is not None:
                seen[key] = line
                lines[(*path, key)] = line
            _record(value_node, (*path, key), lines, file)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _record(item, (*path, index), lines, file)


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_yaml(text: str, *, file: str) -> YamlDocument:
    """Parse one YAML document; syntax errors and duplicate keys raise ConfigError with the line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(f"{file}:{line}: invalid YAML: {problem}", file=file, line=line) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: invalid YAML: {exc}", file=file) from exc
    if node is None:
        return YamlDocument(data={})
    lines: dict[Path_, int] = {}
    _record(node, (), lines, file)
    loader = yaml.SafeLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: invalid YAML: {exc}", file=file) from exc
    finally:
        loader.dispose()
    return YamlDocument(data=data, lines=lines)
