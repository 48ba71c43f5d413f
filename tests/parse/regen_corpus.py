"""Rewrite the `expect` of every case in corpus.yaml from the current parser.

Run after an intended grammar change, then review `git diff tests/parse/corpus.yaml`:
    PYTHONPATH=src python tests/parse/regen_corpus.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))

from test_parse_corpus import CORPUS, summarise_case


def main() -> None:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    for case in data["cases"]:
        case["expect"] = summarise_case(case)
    header = "".join(
        line
        for line in CORPUS.read_text(encoding="utf-8").splitlines(keepends=True)
        if line.startswith("#")
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    CORPUS.write_text(header + body, encoding="utf-8")


if __name__ == "__main__":
    main()
