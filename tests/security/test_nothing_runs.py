"""Nothing found on disk runs as code: planted pickles in every cache location and in the temp
folder, and a plugin declared by a dist-info in the current folder, are never executed."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from indicator_audit.core import datacodec
from indicator_audit.core.findings import Severity
from indicator_audit.packs import cache as cache_module
from indicator_audit.packs.cache import cached, load_entry, usable_dir

ROOT = Path(__file__).resolve().parents[2]
GUANGZHOU = ROOT / "examples" / "guangzhou-2021-it-ops.yaml"


class _Payload:
    """Unpickling this runs `touch marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch '{self.marker}'",))


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(
        INDICATOR_AUDIT_CACHE_DIR=str(tmp / "cache"),
        TMPDIR=str(tmp / "temp"),
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def _check(tmp: Path, cwd: Path, target: Path) -> dict[str, object]:
    run = subprocess.run(
        [sys.executable, "-m", "indicator_audit", "check", "-f", "json", str(target)],
        capture_output=True,
        text=True,
        env=_env(tmp),
        cwd=cwd,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    found: dict[str, object] = json.loads(run.stdout)
    return found


# The options the two built-in grammars would be given to Lark's own pickle cache.
_LARK_PROBE = """
import sys
from lark import Lark
from indicator_audit.core.resources import read_resource
from indicator_audit.parse.grammar import _grammar
Lark(_grammar()[0], parser="lalr", lexer="contextual", propagate_positions=True, cache=True)
Lark(read_resource("grammar", "condition.lark"), parser="lalr", lexer="basic",
     propagate_positions=True, maybe_placeholders=True, cache=True)
"""


def _lark_cache_files(tmp: Path) -> list[Path]:
    """Where Lark's `cache=True` keeps the built-in grammars, made by Lark itself."""
    subprocess.run(
        [sys.executable, "-c", _LARK_PROBE], env=_env(tmp), check=True, capture_output=True
    )
    found = sorted((tmp / "temp").glob(".lark_cache_*"))
    assert len(found) == 2
    return found


def test_planted_pickles_and_a_local_dist_info_never_run(tmp_path: Path) -> None:
    (tmp_path / "temp").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    target = work / "t.yaml"
    target.write_text(GUANGZHOU.read_text(encoding="utf-8"), encoding="utf-8")
    # a configuration that extends another: validated configurations are cached too
    (work / ".indicator-audit.yaml").write_text("extends: base.yaml\nignore: [IA104]\n")
    (work / "base.yaml").write_text("severity: {IA101: error}\n")
    marker = tmp_path / "ran"
    evil = pickle.dumps(_Payload(marker))

    # the planted temp files are where Lark would read them: loading one does run it
    lark_files = _lark_cache_files(tmp_path)
    heads = [path.read_bytes().partition(b"\n")[0] for path in lark_files]

    def plant_in_temp() -> None:  # Lark checks the grammar's hash on the first line, then unpickles
        for path, head in zip(lark_files, heads, strict=True):
            path.write_bytes(head + b"\n" + evil)

    plant_in_temp()
    subprocess.run(
        [sys.executable, "-c", _LARK_PROBE], env=_env(tmp_path), check=True, capture_output=True
    )
    assert marker.exists(), "the planted Lark cache is not where Lark reads it"
    marker.unlink()

    clean = _check(tmp_path, tmp_path, target)  # fills the cache with every entry a check uses
    entries = sorted((tmp_path / "cache").glob("*.json"))
    kinds = {p.name.rsplit("-", 1)[0] for p in entries}
    assert {"grammar-condition", "units", "builtin-declarative-builtin.yaml"} <= kinds
    assert {k for k in kinds if k.startswith("pack-")}, kinds
    assert len([k for k in kinds if k.startswith("config-")]) == 2, kinds

    for entry in entries:
        # a pickle beside it, under the names earlier versions used
        entry.with_suffix(".pickle").write_bytes(evil)
        # the entry itself replaced by a pickle with a header that matches it
        head = json.loads(entry.read_bytes().partition(b"\n")[0])
        head["sha256"] = hashlib.sha256(evil).hexdigest()
        entry.write_bytes(json.dumps(head).encode() + b"\n" + evil)
    plant_in_temp()  # Lark rewrote its files after the run above
    (tmp_path / "temp" / "indicator-audit.pickle").write_bytes(evil)

    # a distribution declared in the current folder, whose plugin would leave the marker
    dist = work / "evil_rules-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-rules\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[indicator_audit.rules]\nevil = evil_rules:rules\n"
        "[indicator_audit.reporters]\njson = evil_rules\nevil = evil_rules\n"
    )
    (work / "evil_rules.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).touch()\ndef rules():\n    return []\n"
    )

    again = _check(tmp_path, work, target)
    assert not marker.exists()
    findings = [
        {k: v for k, v in f.items() if k != "path"}
        for f in again["files"][0]["findings"]  # type: ignore[index]
    ]
    expected = [
        {k: v for k, v in f.items() if k != "path"}
        for f in clean["files"][0]["findings"]  # type: ignore[index]
    ]
    assert findings == expected
    # the replaced entries were rebuilt as data, and no pickle is left in the cache
    assert not list((tmp_path / "cache").glob("*.pickle"))
    for entry in (tmp_path / "cache").glob("*.json"):
        assert entry.read_bytes().partition(b"\n")[2].startswith((b"{", b"["))


def test_a_tampered_entry_naming_a_callable_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INDICATOR_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    assert cached("probe", "text", (__file__,), list, lambda: ["a"]) == ["a"]
    (entry,) = (tmp_path / "cache").glob("probe-*.json")
    for body in (
        {"C": "os:system", "f": {}},
        {"C": "indicator_audit.core.datacodec:CodecError", "f": {}},  # not a data class
        {"C": "indicator_audit.not_imported:Thing", "f": {}},  # never imported to find it
        {"X": ["echo"]},
    ):
        data = json.dumps(body).encode()
        head = json.loads(entry.read_bytes().partition(b"\n")[0])
        head["sha256"] = hashlib.sha256(data).hexdigest()
        entry.write_bytes(json.dumps(head).encode() + b"\n" + data)
        with pytest.raises(ValueError):
            load_entry(tmp_path / "cache", "probe", head["key"])
        assert cached("probe", "text", (__file__,), list, lambda: ["b"]) == ["b"]
    assert "indicator_audit.not_imported" not in sys.modules


def test_a_body_that_does_not_match_its_hash_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INDICATOR_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    cached("probe", "text", (__file__,), list, lambda: ["a"])
    (entry,) = (tmp_path / "cache").glob("probe-*.json")
    entry.write_bytes(entry.read_bytes().replace(b'"a"', b'"z"'))
    assert cached("probe", "text", (__file__,), list, lambda: ["b"]) == ["b"]


def test_the_cache_folder_is_private_and_must_be_the_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("INDICATOR_AUDIT_CACHE_DIR", str(folder))
    assert usable_dir() == folder
    assert folder.stat().st_mode & 0o777 == 0o700
    cached("probe", "text", (__file__,), list, lambda: ["a"])
    (entry,) = folder.glob("probe-*.json")
    assert entry.stat().st_mode & 0o077 == 0

    calls: list[int] = []

    def build() -> list[str]:
        calls.append(1)
        return ["b"]

    folder.chmod(0o777)  # others could have written here: nothing in it is read
    assert usable_dir() is None
    assert cached("probe", "text", (__file__,), list, build) == ["b"] and calls == [1]
    folder.chmod(0o700)
    entry.chmod(0o666)  # an entry others could have written
    with pytest.raises(ValueError):
        load_entry(folder, "probe", entry.name.split("-", 1)[1].removesuffix(".json"))
    entry.chmod(0o600)
    uid = os.getuid()
    monkeypatch.setattr(cache_module.os, "getuid", lambda: uid + 1)  # another user's folder
    assert usable_dir() is None
    assert cached("probe", "text", (__file__,), list, build) == ["b"] and calls == [1, 1]


def test_a_symlinked_entry_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("INDICATOR_AUDIT_CACHE_DIR", str(folder))
    cached("probe", "text", (__file__,), list, lambda: ["a"])
    (entry,) = folder.glob("probe-*.json")
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(entry.read_bytes())
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert cached("probe", "text", (__file__,), list, lambda: ["b"]) == ["b"]


def test_the_codec_round_trips_what_the_caches_hold() -> None:
    from indicator_audit.lint.declarative.syntax import parse_condition
    from indicator_audit.packs.load import default_packs
    from indicator_audit.parse.transform import lexicon

    for value in (
        lexicon(),
        default_packs().families,
        (1, 2.5, None, True, "文本"),
        {("a", 1): frozenset({"x"}), 3: {"y"}},
        parse_condition('count(target.value > 1) == 0 and name contains "率"'),
        {"IA101": Severity.ERROR},
    ):
        assert datacodec.loads(datacodec.dumps(value)) == value
    with pytest.raises(datacodec.CodecError):
        datacodec.dumps(_Payload(Path("x")))
    with pytest.raises(datacodec.CodecError):
        datacodec.dumps(signal.SIGKILL)  # an enumeration, but not of this package
    for tampered in (
        '{"E":["signal:Signals",9]}',
        '{"E":["indicator_audit.core.findings:Severity","x"]}',
    ):
        with pytest.raises(datacodec.CodecError):
            datacodec.loads(tampered)
