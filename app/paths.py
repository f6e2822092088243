"""Where the project's shipped data and resources live."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
FACTS_DIR = DATA_DIR / "facts"
CATALOGUE_DIR = DATA_DIR / "catalogue"
RESOURCES_DIR = ROOT / "resources"
