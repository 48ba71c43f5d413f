"""Validated packs and configurations are cached; a warm start never imports pydantic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import indicator_audit.packs.load as packs_module
from indicator_audit.core.resources import read_resource
from indicator_audit.packs.cache import cached
from indicator_audit.packs.load import (
    Concepts,
    Conventions,
    Families,
    Lexicon,
    PackError,
    Process,
    Taxonomy,
    validate_pack,
)

ROOT = Path(__file__).resolve().parents[2]
PACKS = [
    (Taxonomy, "taxonomy.yaml"),
    (Lexicon, "lexicon.yaml"),
    (Process, "process.yaml"),
    (Families, "families.yaml"),
    (Conventions, "conventions.yaml"),
    (Concepts, "concepts.yaml"),
]


@pytest.mark.parametrize(("model", "name"), PACKS)
def test_every_builtin_pack_validates_without_the_cache(model: type, name: str) -> None:
    assert isinstance(validate_pack(model, name, read_resource("rules", name)), model)


def test_an_invalid_pack_is_a_located_error_and_is_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INDICATOR_AUDIT_CACHE_DIR", str(tmp_path))
    text = read_resource("rules", "conventions.yaml").replace(
        "dominant_share: ", "dominant_share: 7 #"
    )
    with pytest.raises(PackError, match="dominant_share"):
        cached(
            "pack-x",
            text,
            (packs_module.__file__,),
            Conventions,
            lambda: validate_pack(Conventions, "conventions.yaml", text),
        )
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(PackError, match="surplus"):
        validate_pack(Process, "process.yaml", "patterns: []\nsurplus: 1\n")


def test_a_second_load_comes_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INDICATOR_AUDIT_CACHE_DIR", str(tmp_path))
    calls: list[int] = []

    def build() -> list[str]:
        calls.append(1)
        return ["validated"]

    assert cached("probe", "text", (__file__,), list, build) == ["validated"]
    assert cached("probe", "text", (__file__,), list, build) == ["validated"]
    assert calls == [1]
    # other text: a miss, and the old entry of this kind is replaced
    assert cached("probe", "other", (__file__,), list, build) == ["validated"]
    assert calls == [1, 1]
    assert len(list(tmp_path.glob("probe-*.json"))) == 1


def test_a_damaged_or_foreign_entry_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INDICATOR_AUDIT_CACHE_DIR", str(tmp_path))
    cached("probe", "text", (__file__,), list, lambda: ["a"])
    (entry,) = tmp_path.glob("probe-*.json")
    entry.write_bytes(b"\x80\x05garbage")
    assert cached("probe", "text", (__file__,), list, lambda: ["b"]) == ["b"]
    assert cached("probe", "text", (__file__,), dict, lambda: {"c": 1}) == {"c": 1}  # wrong type


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INDICATOR_AUDIT_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls: list[int] = []
    for _ in range(2):
        cached("probe", "text", (__file__,), list, lambda: calls.append(1) or ["x"])
    assert calls == [1, 1] and list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("INDICATOR_AUDIT_CACHE_DIR", str(blocker / "cache"))
    assert cached("probe", "text", (__file__,), list, lambda: ["x"]) == ["x"]


def test_a_warm_check_imports_neither_pydantic_pyyaml_nor_lark(tmp_path: Path) -> None:
    """Start-up: with the packs and the configuration validated before, `check` needs
    neither (the whole reason for the cache); nor Lark, when every cell takes the parser's
    fast path and the built-in conditions' trees come from the cache."""
    config = tmp_path / ".indicator-audit.yaml"
    config.write_text(
        "ignore: [IA104]\nlexicon:\n  add:\n    vague_verbs: [强化]\n", encoding="utf-8"
    )
    target = tmp_path / "t.yaml"
    target.write_text(
        (ROOT / "examples" / "guangzhou-2021-it-ops.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    probe = (
        "import sys\n"
        "from indicator_audit.cli.main import main\n"
        "code = main(['check', sys.argv[1], '-f', 'json'])\n"
        "print(code, *(m in sys.modules for m in ('pydantic', 'yaml', 'lark')))\n"
    )
    env = {**os.environ, "INDICATOR_AUDIT_CACHE_DIR": str(tmp_path / "cache")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe, str(target)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        ).stdout.splitlines()[-1]
        for _ in range(2)
    ]
    assert runs[0].startswith("1 True")  # the first start validates (and finds errors)
    assert runs[1] == "1 False False False"


def test_plugin_scan_finds_the_group_only_where_declared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indicator_audit.lint.plugins import GROUP, may_have_entry_points

    site = tmp_path / "site"
    (site / "other-1.0.dist-info").mkdir(parents=True)
    (site / "other-1.0.dist-info" / "entry_points.txt").write_text(
        "[console_scripts]\nother = other:main\n", encoding="utf-8"
    )
    monkeypatch.setattr(sys, "path", [str(site), str(tmp_path / "missing")])
    assert not may_have_entry_points()
    (site / "province_rules-1.0.dist-info").mkdir()
    (site / "province_rules-1.0.dist-info" / "entry_points.txt").write_text(
        f"[{GROUP}]\nprovince = province_rules:rules\n", encoding="utf-8"
    )
    assert may_have_entry_points()
    zipped = tmp_path / "plugins.zip"
    zipped.write_bytes(b"PK")
    monkeypatch.setattr(sys, "path", [str(zipped)])
    assert may_have_entry_points()  # cannot tell without looking inside: importlib.metadata will


def test_no_home_folder_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    from indicator_audit.packs.cache import cache_dir

    monkeypatch.delenv("INDICATOR_AUDIT_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # as with HOME unset
    assert cache_dir() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert cache_dir() == Path("/somewhere/indicator-audit")


def test_each_file_of_an_extends_chain_keeps_its_own_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indicator_audit.run.config as config_module

    monkeypatch.setenv("INDICATOR_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "bureau.yaml").write_text("ignore: [IA104]\n", encoding="utf-8")
    project = tmp_path / ".indicator-audit.yaml"
    project.write_text("extends: bureau.yaml\nselect: [vague]\n", encoding="utf-8")
    first = config_module.load_config_file(project)
    assert len(list((tmp_path / "cache").glob("config-*.json"))) == 2

    def no_validation(*_: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(config_module, "_check", no_validation)
    again = config_module.load_config_file(project)
    assert (again.select, again.ignore) == (first.select, first.ignore) == (["vague"], ["IA104"])


def test_plugin_scan_is_not_fooled_by_the_importlib_metadata_backport(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dask imports importlib_metadata, whose finder replaces the standard one on
    sys.meta_path: it reads sys.path too, so the quick scan still decides."""
    from indicator_audit.lint.plugins import may_have_entry_points

    backport = type("MetadataPathFinder", (), {"find_distributions": lambda self, c: iter(())})
    backport.__module__ = "importlib_metadata"
    other = type("ZipFinder", (), {"find_distributions": lambda self, c: iter(())})
    (tmp_path / "other-1.0.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    monkeypatch.setattr(sys, "meta_path", [backport(), *sys.meta_path])
    assert not may_have_entry_points()
    monkeypatch.setattr(sys, "meta_path", [other(), *sys.meta_path])
    assert may_have_entry_points()  # a finder of another kind: ask importlib.metadata
