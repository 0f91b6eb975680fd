"""The HTTP service (``offsite serve``): the JSON API, the demo community and the moderator console.

    from offsite.service import create_app, Settings
    app = create_app(Settings(data_dir=Path("offsite-data")))   # an ASGI app (FastAPI)

Mounted on the command line as ``offsite serve`` and ``offsite keys``. Names are imported lazily
so that the command line starts without loading the web framework.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from offsite.service.app import create_app, create_app_from_env
    from offsite.service.settings import Settings, SettingsError, load_settings

__all__ = ["Settings", "SettingsError", "create_app", "create_app_from_env", "load_settings"]


def __getattr__(name: str) -> Any:
    """Import ``create_app`` and friends on first use."""
    if name in ("create_app", "create_app_from_env"):
        from offsite.service import app

        return getattr(app, name)
    if name in ("Settings", "SettingsError", "load_settings"):
        from offsite.service import settings

        return getattr(settings, name)
    raise AttributeError(name)
