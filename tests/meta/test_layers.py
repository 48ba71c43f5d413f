"""The package's layers hold: the import-linter contracts in pyproject.toml are kept, and no
module imports itself back through another (an import cycle), TYPE_CHECKING imports included."""

from __future__ import annotations

import shutil
import subprocess

import grimp
import pytest


def test_no_import_cycle() -> None:
    graph = grimp.build_graph("indicator_audit", exclude_type_checking_imports=False)
    cycles = sorted(
        {
            tuple(sorted((module, imported)))
            for module in graph.modules
            for imported in graph.find_modules_directly_imported_by(module)
            if graph.chain_exists(importer=imported, imported=module)
        }
    )
    assert cycles == []


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter not installed")
def test_layer_contracts_are_kept() -> None:
    run = subprocess.run(["lint-imports"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
