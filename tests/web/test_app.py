"""The app factory: routers mounted, OpenAPI under /api/v1, vendored static files served."""

from fastapi.testclient import TestClient

from liaison.web.app import create_app


def test_health_openapi_and_static(store_url: str) -> None:
    client = TestClient(create_app(store_url))
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/health" in paths
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_unauthenticated_user_is_denied(store_url: str) -> None:
    from fastapi import Depends

    from liaison.web.deps import User, current_user

    app = create_app(store_url)

    @app.get("/probe")
    def probe(user: User = Depends(current_user)) -> dict[str, str]:
        return {"user": user.username}

    assert TestClient(app).get("/probe").status_code == 401
