"""`main.py stats --json --check` on the seeded street: what an operator or script reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]


def test_stats_json_with_integrity_check(street_db_url: str) -> None:
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "stats", "--db", street_db_url,
                        "--json", "--check"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["streets"] == 1 and data["communities"] == 30
    assert 200 <= data["grids"] <= 400
    assert data["parts"] == sum(data["parts_by_major"].values()) > 40_000
    assert data["cases"] == sum(data["cases_by_state"].values()) > 2_000
    assert data["open_cases"] > 0
    check = data["check"]
    assert check["grid_ids_valid"] and check["grid_ids_unique"]
    assert check["grids_in_known_community"]
    assert check["all_parts_inside_their_grid"]
    assert check["parts_inside_declared_grid"] == data["parts"]


def test_integrity_check_catches_a_part_outside_its_grid(street_db_url: str,
                                                         tmp_path: Path) -> None:
    import shutil

    from sqlalchemy import text

    from app.services.queries import check_integrity
    from app.store.store import Store

    src = Path(street_db_url.removeprefix("sqlite:///"))
    copy = tmp_path / "copy.sqlite"
    shutil.copy(src, copy)
    store = Store.open(f"sqlite:///{copy}")
    with store.engine.begin() as c:
        c.execute(text("UPDATE part SET x = x + 5000 WHERE id = 1"))
    result = check_integrity(store)
    assert result["all_parts_inside_their_grid"] is False
    assert result["parts_inside_declared_grid"] == result["parts"] - 1


def test_head_revision_constant_matches_alembic() -> None:
    """Store.open skips Alembic when the DB is at HEAD_REVISION: it must be the real head."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.store.db import HEAD_REVISION, MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION
