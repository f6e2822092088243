"""Architecture rules: the import-linter contracts in pyproject.toml, and a Qt-free core."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

QT_FREE = ("app.domain", "app.gis", "app.store", "app.services", "app.analytics",
           "app.map.layers")


def test_import_contracts_are_kept() -> None:
    # import-linter's own entry point, in a fresh interpreter run from the project root
    # (it reads pyproject.toml there and puts the root on sys.path).
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys; from importlinter.cli import lint_imports; "
         "sys.exit(lint_imports(no_cache=True, no_logo=True))"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report
    assert "BROKEN" not in report
    assert "KEPT" in report


def test_core_packages_do_not_load_qt() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for m in {QT_FREE!r}:\n"
        "    importlib.import_module(m)\n"
        "print(json.dumps(sorted(n for n in sys.modules\n"
        "                        if n.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
