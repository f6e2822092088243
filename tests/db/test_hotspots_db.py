"""Hotspot queries and the offline HTML map on the seeded street database (SQLite and,
with CITYGRID_TEST_PG, PostgreSQL): SQL results equal Python counts of the raw rows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import STREET_SEED_END
from sqlalchemy import select

from app.services.hotspots import HotspotService, export_hotspot_map, remote_resources
from app.store import hotspot_queries as q
from app.store.orm import CaseRow, GridRow
from app.store.store import Store

pytestmark = pytest.mark.db

END = STREET_SEED_END.date()  # the seed's last day, included
START = END - timedelta(days=29)
EXCLUDED = {"draft", "void"}


@pytest.fixture(scope="module")
def store(seeded_store_url: str) -> Iterator[Store]:
    s = Store.open(seeded_store_url)
    yield s
    s.close()


@pytest.fixture(scope="module")
def raw(store: Store) -> list[Any]:
    """Every case row, unfiltered: the reference the SQL is checked against."""
    with store.engine.connect() as c:
        return list(c.execute(select(CaseRow.id, CaseRow.grid_id, CaseRow.type_code,
                                     CaseRow.kind, CaseRow.source, CaseRow.state,
                                     CaseRow.reported_at, CaseRow.x, CaseRow.y)))


def _in_window(r: Any, start: datetime, end: datetime, f: dict[str, str | None]) -> bool:
    return (start <= r.reported_at < end and r.state not in EXCLUDED
            and (not f.get("type_code") or r.type_code == f["type_code"])
            and (not f.get("major") or r.type_code[:2] == f["major"])
            and (not f.get("kind") or r.kind == f["kind"])
            and (not f.get("source") or r.source == f["source"]))


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, datetime.min.time()),
            datetime.combine(end + timedelta(days=1), datetime.min.time()))


def _filters(raw: list[Any]) -> list[dict[str, str | None]]:
    top_type = Counter(r.type_code for r in raw).most_common(1)[0][0]
    return [{}, {"type_code": top_type}, {"major": top_type[:2]}, {"kind": "part"},
            {"source": "hotline"}, {"kind": "matter", "source": "supervisor"}]


def test_grid_counts_equal_python_counts(store: Store, raw: list[Any]) -> None:
    svc = HotspotService(store)
    ids = list(svc.grids().ids)
    s, e = _bounds(START, END)
    for f in _filters(raw):
        expected = Counter(r.grid_id for r in raw if _in_window(r, s, e, f))
        got = svc.grid_counts(START, END, **f)
        assert got.sum() == sum(expected.values()), f
        assert dict(zip(ids, got.tolist(), strict=True)) == {g: expected.get(g, 0)
                                                              for g in ids}, f
    assert svc.grid_counts(START, END).sum() > 100  # the window is not empty


def test_counts_and_rates_per_community_and_street(store: Store, raw: list[Any]) -> None:
    svc = HotspotService(store)
    with store.engine.connect() as c:
        grid_rows = c.execute(select(GridRow.grid_id, GridRow.community_code,
                                     GridRow.street_code, GridRow.area_m2,
                                     GridRow.residents)).all()
    s, e = _bounds(START, END)
    per_grid = Counter(r.grid_id for r in raw if _in_window(r, s, e, {}))
    for level, col in (("community", 1), ("street", 2)):
        ac = svc.counts(START, END, level=level)
        n: Counter[str] = Counter()
        area: Counter[str] = Counter()
        people: Counter[str] = Counter()
        for g in grid_rows:
            n[g[col]] += per_grid.get(g[0], 0)
            area[g[col]] += g[3] / 1e6
            people[g[col]] += g[4]
        for i, code in enumerate(ac.ids):
            assert ac.counts[i] == n.get(code, 0), (level, code)
            if area.get(code):
                assert ac.per_km2[i] == pytest.approx(n[code] / area[code])
            if people.get(code):
                assert ac.per_1000_residents[i] == pytest.approx(1000 * n[code] / people[code])
        assert ac.total == sum(per_grid.values())


def test_daily_counts_equal_python_counts(store: Store, raw: list[Any]) -> None:
    svc = HotspotService(store)
    ids = list(svc.grids().ids)
    col = {g: i for i, g in enumerate(ids)}
    for f in ({}, {"source": "hotline"}):
        d = svc.daily(START, END, **f)
        assert len(d.days) == (END - START).days + 1
        assert d.days[0] == np.datetime64(START)
        assert d.days[-1] == np.datetime64(END)
        s, e = _bounds(START, END)
        expected = np.zeros_like(d.counts)
        for r in raw:
            if _in_window(r, s, e, f):
                expected[(r.reported_at.date() - START).days, col[r.grid_id]] += 1
        np.testing.assert_array_equal(d.counts, expected)
        assert d.unknown_grid_cases == 0


def test_daily_counts_with_a_partial_last_day(store: Store, raw: list[Any]) -> None:
    s = datetime.combine(START, datetime.min.time())
    e = datetime.combine(END, datetime.min.time()) + timedelta(hours=9, minutes=30)
    svc = HotspotService(store)
    d = svc.daily(s, e)
    assert len(d.days) == (END - START).days + 1
    assert d.counts.sum() == sum(1 for r in raw if _in_window(r, s, e, {}))


def test_case_points_equal_raw_rows(store: Store, raw: list[Any]) -> None:
    w = q.CaseWindow(*_bounds(START, END), kind="part")
    pts = q.case_points(store.engine, w)
    ref = sorted((r for r in raw if _in_window(r, w.start, w.end, {"kind": "part"})),
                 key=lambda r: r.id)
    assert pts.ids.tolist() == [r.id for r in ref]
    assert pts.grid_ids.tolist() == [r.grid_id for r in ref]
    assert pts.type_codes.tolist() == [r.type_code for r in ref]
    np.testing.assert_allclose(pts.x, [r.x for r in ref])
    expected_t = np.array([r.reported_at.replace(microsecond=0) for r in ref],
                          dtype="datetime64[s]")
    np.testing.assert_array_equal(pts.times, expected_t)


def test_gi_star_and_moran_on_the_seed(store: Store) -> None:
    import esda

    svc = HotspotService(store)
    gi = svc.gi_star(START, END)
    counts = svc.grid_counts(START, END).astype(float)
    ref = esda.G_Local(counts, svc.weights().w_star, transform="B", star=True,
                       permutations=0)
    np.testing.assert_allclose(gi.z, ref.Zs)
    assert gi.classes.shape == (len(svc.grids()),)
    lm = svc.local_moran(START, END, permutations=99)
    assert set(np.unique(lm.classes)) <= {0, 1, 2, 3, 4}
    rate = svc.gi_star(START, END, value="per_km2")
    assert np.isfinite(rate.z).all()


def test_kde_and_recurring_on_the_seed(store: Store, raw: list[Any]) -> None:
    svc = HotspotService(store)
    s, e = _bounds(START, END)
    n = sum(1 for r in raw if _in_window(r, s, e, {}))
    k = svc.kde(START, END, bandwidth=200.0)
    assert k.n_points == n
    assert k.total == pytest.approx(n)
    rec = svc.recurring(START, END, min_count=3, within_days=7)
    by_id = {r.id: r for r in raw}
    assert rec, "a month of a street has recurring problems"
    for p in rec[:50]:
        rows = [by_id[i] for i in p.case_ids]
        assert len(rows) >= 3
        assert {r.type_code for r in rows} == {p.type_code}
        assert {r.grid_id for r in rows} == {p.grid_id}


# --- the HTML map --------------------------------------------------------------------------

class _Fetches(HTMLParser):
    """Everything an HTML page would fetch by itself: src/href/data attributes of every
    element but <a>, and url()/@import in <style> blocks and style attributes. Parsed, not
    grepped, so JavaScript text (Leaflet's own attribution link) is not mistaken for tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.scripts = 0
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        self._in_style = tag == "style"
        for k, v in attrs:
            if tag != "a" and k in ("src", "href", "data", "xlink:href", "srcset") and v:
                self.urls.append(v)
            if k == "style" and v:
                self._css(v)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data)

    def _css(self, css: str) -> None:
        self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
        self.urls += re.findall(r"@import\s+(?:url\()?\s*['\"]?([^'\");]+)", css)


def _remote(urls: list[str]) -> list[str]:
    return [u for u in urls if re.match(r"\s*(?:https?:)?//", u, re.IGNORECASE)]


def test_export_is_self_contained_and_holds_the_grids(store: Store, tmp_path: Path) -> None:
    steps: list[tuple[float, str]] = []
    out = export_hotspot_map(store, START, END, tmp_path / "sub" / "hot.html",
                             progress=lambda f, m: steps.append((f, m)))
    page = out.read_text(encoding="utf-8")
    parser = _Fetches()
    parser.feed(page)
    assert parser.urls, "the page has resources (inline data: images at least)"
    assert _remote(parser.urls) == []
    # Only inline data, or an in-document reference (Leaflet's old-IE "#default#VML").
    assert all(u.startswith(("data:", "#")) for u in parser.urls), parser.urls
    assert remote_resources(page) == []
    assert "cdn.jsdelivr" not in page
    assert "code.jquery" not in page
    assert "Leaflet 1.9.4" in page  # inlined, not linked
    ids = list(HotspotService(store).grids().ids)
    assert all(f'"{g}"' in page for g in ids)
    assert "单元网格" in page
    assert "Gi* 分类" in page
    assert "热点（99% 置信）" in page
    assert steps[0][0] == 0.0
    assert steps[-1][0] == 1.0
    # A filter is named in the title.
    out2 = export_hotspot_map(store, START, END, tmp_path / "hotline.html", source="hotline")
    assert "来源 hotline" in out2.read_text(encoding="utf-8")


def _chromium() -> str | None:
    env = os.environ.get("CITYGRID_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.slow
def test_export_renders_offline_in_headless_chromium(street_db_url: str,
                                                      tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium installed (Debian package `chromium`): cannot check that "
                    "the hotspot map renders offline")
    store = Store.open(street_db_url)
    try:
        out = export_hotspot_map(store, START, END, tmp_path / "hot.html")
        n_grids = len(HotspotService(store).grids())
    finally:
        store.close()
    # No network: every host resolves to nothing and every request goes to a dead proxy.
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
           "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
           "--virtual-time-budget=15000", "--dump-dom", out.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    dom = proc.stdout
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'class="leaflet-container' in dom or "leaflet-container" in dom
    paths = re.findall(r'<path[^>]*class="leaflet-interactive"[^>]*>', dom)
    # One SVG path per grid, plus street outlines.
    assert len(paths) >= n_grids, (len(paths), n_grids)
    drawn = [p for p in paths if re.search(r'\bd="M[-\d]', p)]
    assert len(drawn) >= n_grids // 2  # real geometry, not empty paths
    assert re.search(r'fill="#(?:f2f2ee|d62f27|ed7551|fab984|4575b5|849eba|c0ccbe)"', dom)
