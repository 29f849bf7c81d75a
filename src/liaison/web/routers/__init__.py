"""Routers of the web app; listed by name in ``liaison.web.app.ROUTERS``."""
