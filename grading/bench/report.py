"""What every bench leaves behind: ``<name>.json`` with its figures and ``<name>.txt`` with its table."""
from __future__ import annotations

import json
from pathlib import Path


def write_report(to: Path, name: str, result: dict, table: str) -> Path:
    """Write ``to/<name>.json`` and ``to/<name>.txt``, print the table and where the JSON went; the JSON's path."""
    to.mkdir(parents=True, exist_ok=True)
    written = to / f"{name}.json"
    written.write_text(json.dumps(result, indent=1), encoding="utf-8")
    (to / f"{name}.txt").write_text(table + "\n", encoding="utf-8")
    print(table)
    print(f"wrote {written}")
    return written
