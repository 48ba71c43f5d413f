"""JSON (or YAML) tables: a file whose root is a list of row objects keyed by column names.

    [{"一级指标": "产出指标", "三级指标": "培训人次", "指标值": "≥300人次"}, …]

`readers.read_sources` routes a YAML/JSON file here when its root is a list of mappings (a
targets document always has a mapping at the root, so the two cannot be confused). The rows
keep their positions in the file, so reports quote the JSON line as for any YAML file.
"""

from __future__ import annotations

from indicator_audit.read.source import Mapping, Sequence, Source


def is_row_table(source: Source) -> bool:
    root = source.root
    return (
        isinstance(root, Sequence)
        and bool(root.items)
        and all(isinstance(item, Mapping) for item in root.items)
    )


def from_rows(source: Source) -> Source:
    """The document tree of a row table; the text stays, so positions still quote the file."""
    from indicator_audit.read.tabular import rows_to_tree  # the table builder: for tables only

    assert isinstance(source.root, Sequence)
    root = rows_to_tree(source.root, source.root.line, source.root.col)
    return Source(
        path=source.path,
        text=source.text,
        encoding=source.encoding,
        root=root,
        loader=f"{source.loader}-rows",
    )
