"""Liveness check for a reverse proxy or load balancer."""

from fastapi import APIRouter

router = APIRouter()


@router.get("/api/v1/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
