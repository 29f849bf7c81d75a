"""Browser import of GeoJSON and KML: the same all-or-nothing rules, problems named by feature."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa

from liaison.store import audit
from liaison.store.schema.orbat import observation, unit
from tests.web.conftest import Web


def _layer(lat: float = 51.0) -> dict:
    feat = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [31.0, lat]},
        "properties": {"unit_id": "pl-9", "designation": "9 Dywizja", "parent_id": "pl-1"},
    }
    return {"type": "FeatureCollection", "features": [feat]}


def _counts(web: Web) -> tuple[int, int]:
    with web.store.connect() as conn:
        return (
            int(conn.execute(sa.select(sa.func.count()).select_from(unit)).scalar_one()),
            int(conn.execute(sa.select(sa.func.count()).select_from(observation)).scalar_one()),
        )


def _post(c, url: str, body: bytes, name: str):  # type: ignore[no-untyped-def]
    files = {"file": (name, io.BytesIO(body), "application/octet-stream")}
    return c.post(url, data={"partner": "PL"}, files=files)


def test_geojson_preview_names_feature_and_commit_imports(web: Web) -> None:
    c = web.login("analyst.pl")
    before = _counts(web)
    bad = _post(c, "/api/v1/imports", json.dumps(_layer(95.0)).encode(), "layer.geojson")
    assert bad.status_code == 422
    err = bad.json()["errors"][0]
    assert (err["line"], err["column"]) == (1, "lat")
    assert _counts(web) == before
    ok = _post(c, "/api/v1/imports", json.dumps(_layer()).encode(), "layer.geojson")
    assert ok.status_code == 200, ok.text
    assert _counts(web)[0] == before[0] + 1
    with web.store.connect() as conn:
        assert audit.entries(conn, action="orbat.import")[0]["actor"] == "analyst.pl"


def test_kml_upload_imports_placemarks(web: Web) -> None:
    c = web.login("analyst.pl")
    kml = (
        b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>9 Dywizja</name>'
        b'<ExtendedData><Data name="unit_id"><value>pl-9</value></Data></ExtendedData>'
        b"<Point><coordinates>31.0,51.0</coordinates></Point></Placemark></Document></kml>"
    )
    r = _post(c, "/api/v1/imports/preview", kml, "layer.kml")
    assert r.status_code == 200 and r.json()["new"] == 1, r.text
    page = c.get("/import")
    assert ".geojson" in page.text and ".kml" in page.text
