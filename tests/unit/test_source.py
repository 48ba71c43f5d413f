"""The positioned YAML source: fast reader ≡ PyYAML, positions, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator_audit.read.source import (
    FastReader,
    Mapping,
    Node,
    Scalar,
    Sequence,
    SourceError,
    _load_with_pyyaml,
    _Unsupported,
    load_text,
    read_file,
)

ROOT = Path(__file__).resolve().parents[2]


def plain(node: Node) -> object:
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Mapping):
        return [(k.value, plain(v)) for k, v in node.items]
    assert isinstance(node, Sequence)
    return [plain(x) for x in node.items]


def positions(node: Node) -> list[tuple[int, int, int | None]]:
    if isinstance(node, Scalar):
        return [(node.line, node.col, node.base_col)] if node.value is not None else []
    if isinstance(node, Mapping):
        out: list[tuple[int, int, int | None]] = []
        for k, v in node.items:
            out += positions(k) + positions(v)
        return out
    assert isinstance(node, Sequence)
    return [p for x in node.items for p in positions(x)]


CORPUS = sorted(
    list((ROOT / "examples").rglob("*.yaml")) + list((ROOT / "tests" / "documents").rglob("*.yaml"))
)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_fast_reader_agrees_with_pyyaml(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        fast = FastReader(text).read()
    except _Unsupported:
        pytest.skip("outside the fast subset (PyYAML reads it)")
    slow = _load_with_pyyaml(text)
    assert plain(fast) == plain(slow)
    assert positions(fast) == positions(slow)


SNIPPETS = [
    "a: 1\nb: x\n",
    "indicators:\n- name: 巡检次数\n  target: '≥12次'\n- name: b\n  target: \"90%\"\n",
    "a:\n  b:\n    - 1\n    - two  # comment\n  c: ''\n",
    "list: [基础设施维护, 软件维护]\nempty:\nnothing: ~\n",
    "- a\n- b: 1\n  c: 2\n-\n  d: 3\n",
    "k: it''s\nq: 'it''s'\n",
    "x: a #not comment\ny: b # comment\n",
    "budget_execution: {planned: 348, spent: 348, weight: 10, score: 10}\n",
    "indicators:\n  - {level1: 产出指标, name: 巡检次数, target: ≥12次}\n  - { a: b ,  c:  ~ }\n",
    "x: {}  # empty\ny: {a: -1, b: 90%}\n",
    # lines the str-method quick path must leave to the line regex, or read the same way
    'a:  two spaces\nb : spaced key\nc:   "q"\n',
    "indicators:\n  -  name: 巡检次数\n     target:  90%\n  - name: b\n    target: x\n",
    "indicators:\n  - name: a\n    target: 1\n  - target: 2\n    name: b\n  -   c: 3\n",
    "a: x\nb: 'y'\nc: \"z\"  # note\nd: -1\ne: a:b\n",
    # flow mappings with quoted keys and values: commas, colons, braces and # inside quotes
    'indicators:\n  - {level1: 产出指标, name: "巡检次数", target: "≥12次"}\n',
    "x: {a: 'it''s', \"b\" : \"1, 2: {3}\", c: '', d: \"~\", e: x}  # note\n",
    'x: { a : "#1" ,b: -1 }\ny: {"k": "v"}# c\n',
]


@pytest.mark.parametrize("text", SNIPPETS)
def test_fast_snippets_agree(text: str) -> None:
    fast = FastReader(text).read()
    slow = _load_with_pyyaml(text)
    assert plain(fast) == plain(slow)
    assert positions(fast) == positions(slow)


_KEYS = st.sampled_from(["name", "target", "一级指标", "level1", "权重", "a b"])
_VALUES = st.text(
    alphabet=st.sampled_from(list("巡检次数≥≤=%０９ 12.-:#'\"[]{},xX*…年月")), max_size=12
)


def assert_agree_or_unsupported(text: str) -> None:
    """Whatever the fast reader accepts, it reads exactly as PyYAML does."""
    try:
        fast = FastReader(text).read()
    except _Unsupported:
        return
    try:
        slow = _load_with_pyyaml(text)
    except SourceError:
        pytest.fail(f"fast reader accepted invalid YAML: {text!r}")
    assert plain(fast) == plain(slow), text
    assert positions(fast) == positions(slow), text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_KEYS, _VALUES), min_size=1, max_size=5, unique_by=lambda kv: kv[0]))
def test_fast_reader_never_disagrees(pairs: list[tuple[str, str]]) -> None:
    """Whatever the fast reader accepts, it reads exactly as PyYAML does."""
    text = "indicators:\n" + "".join(
        ("  - " if i == 0 else "    ") + f"{k}: {v}\n" for i, (k, v) in enumerate(pairs)
    )
    assert_agree_or_unsupported(text)


def _error(tmp_path: Path, data: bytes, name: str = "t.yaml") -> SourceError:
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(SourceError) as info:
        read_file(p)
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="不存在"):
        read_file(tmp_path / "nope.yaml")


def test_empty_and_comment_only(tmp_path: Path) -> None:
    assert "为空" in _error(tmp_path, b"").message
    assert "为空" in _error(tmp_path, b"# only a comment\n\n").message


def test_invalid_yaml_is_located(tmp_path: Path) -> None:
    e = _error(tmp_path, b"a: 1\nb: [x, y\nc: 2\n")
    assert "YAML" in e.message and e.line >= 2


def test_bom_and_gbk_are_read(tmp_path: Path) -> None:
    p = tmp_path / "bom.yaml"
    p.write_bytes(b"\xef\xbb\xbf" + "project: {name: 测试}\n".encode())
    assert read_file(p).encoding == "utf-8-sig"
    g = tmp_path / "gbk.yaml"
    g.write_bytes("project:\n  name: 信息化运维\n".encode("gbk"))
    src = read_file(g)
    assert src.encoding == "gb18030"
    assert plain(src.root) == [("project", [("name", "信息化运维")])]


def test_undecodable_bytes_are_located(tmp_path: Path) -> None:
    e = _error(tmp_path, b"a: 1\nb: \xff\xfe\xfd\x80\n")
    assert e.line == 2 and "编码" in e.message


def test_too_large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import indicator_audit.read.source as source

    monkeypatch.setattr(source, "MAX_FILE_BYTES", 1000)
    e = _error(tmp_path, b"a: b\n" * 400)
    assert "过大" in e.message


def test_alias_bomb_is_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(SourceError, match="别名"):
        load_text(bomb)


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(SourceError, match="嵌套过深"):
        load_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    deep = "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v: 1\n"
    with pytest.raises(SourceError, match="嵌套过深"):
        load_text(deep)


def test_multiple_documents_are_refused() -> None:
    with pytest.raises(SourceError, match="一个 YAML 文档"):
        load_text("a: 1\n---\nb: 2\n")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_KEYS, _VALUES), min_size=1, max_size=4, unique_by=lambda kv: kv[0]))
def test_fast_flow_mappings_never_disagree(pairs: list[tuple[str, str]]) -> None:
    """One-line flow mappings ("- {name: …, target: …}"): read as PyYAML does, or left to it."""
    body = ", ".join(f"{k}: {v}" for k, v in pairs)
    text = f"indicators:\n  - {{{body}}}\nbudget_execution: {{{body}}}\n"
    assert_agree_or_unsupported(text)


_QUOTED = st.one_of(
    _VALUES.map(lambda v: '"' + v.replace('"', "") + '"'),
    _VALUES.map(lambda v: "'" + v.replace("'", "''") + "'"),
    _VALUES,  # plain, or a near miss: a stray quote, a quote followed by more text
    _VALUES.map(lambda v: '"' + v),
    _VALUES.map(lambda v: '"a\\' + v + '"'),  # an escape: PyYAML's to read
    _VALUES.map(lambda v: "'" + v + "'x"),
    st.sampled_from(['"\x01"', '"a\x85b"', '"\u2028"', "'a''", '"a"b', '""']),
)
_QUOTED_KEYS = st.one_of(_KEYS, _KEYS.map(lambda k: f'"{k}"'), _KEYS.map(lambda k: f"'{k}'"))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(_QUOTED_KEYS, _QUOTED), min_size=1, max_size=4, unique_by=lambda kv: kv[0]),
    st.sampled_from([", ", ",", " , ", ",  "]),
    st.sampled_from(["", "  # note", "# c", " x", ","]),
)
def test_fast_quoted_flow_mappings_never_disagree(
    pairs: list[tuple[str, str]], comma: str, after: str
) -> None:
    """One-line flow mappings with quoted keys or values (values written as JSON strings):
    read as PyYAML does, or left to it."""
    body = comma.join(f"{k}: {v}" for k, v in pairs)
    text = f"indicators:\n  - {{{body}}}{after}\nbudget_execution: {{ {body} }}\n"
    assert_agree_or_unsupported(text)


def test_json_string_flow_mappings_take_the_fast_path() -> None:
    """The common shape (a generator writing values with json.dumps) does not fall back."""
    text = (
        "indicators:\n"
        '  - {level1: 产出指标, level2: 数量指标, name: "巡检次数", target: "≧10次"}\n'
        "  - {level1: 产出指标, name: '它''s', target: \"a, b: {c}\"}\n"
    )
    source = load_text(text)
    assert source.loader == "fast"
    assert plain(source.root) == plain(_load_with_pyyaml(text))
    assert positions(source.root) == positions(_load_with_pyyaml(text))
