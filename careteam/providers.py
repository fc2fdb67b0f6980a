"""How the coordination core reaches the component apps without importing them: each app may
have a module of a known name (``demo``, ``synthetic``, ``timeline``, ``caseload``, ``metrics``,
``trend``) with known functions, found here through the app registry."""

import importlib
import importlib.util
from types import ModuleType

from django.apps import AppConfig, apps


def app_modules(module: str, *, include_core: bool = False) -> list[tuple[AppConfig, ModuleType]]:
    """(app, ``<app>.<module>``) for every installed app that has such a module, in
    INSTALLED_APPS order. The careteam core's own module of that name is left out unless asked:
    it is usually the caller."""
    found = []
    for app in apps.get_app_configs():
        if app.name == "careteam" and not include_core:
            continue
        name = f"{app.name}.{module}"
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # the app itself is a plain module
            spec = None
        if spec is not None:
            found.append((app, importlib.import_module(name)))
    return found
