"""The URL walker: every URL of every installed app, as every role. Used by `test_url_walker.py`.

Each app names its own sample URL arguments (`registry.register_url_samples` in its `AppConfig.ready()`);
a URL that takes arguments but has no sample fails the walk, so a new app cannot slip through unwalked."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import import_string

from yixie.core.access import declared_rule
from yixie.core.registry import URL_SAMPLES


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:url_name"
    pattern: str
    rule: str | None
    takes_args: bool


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue
            ns = ":".join(x for x in (namespace, p.namespace) if x)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else (p.name or "")
            yield Route(name, prefix + str(p.pattern), declared_rule(p.callback), bool(p.pattern.converters))


def routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def samples(world) -> dict[str, dict]:
    """Every app's sample URL arguments, built on `world` (a `yixie.testing.factories.City`)."""
    merged: dict[str, dict] = {}
    for _app, path in sorted(URL_SAMPLES.items()):
        merged.update(import_string(path)(world))
    return merged


def concrete_urls(world) -> tuple[list[tuple[Route, str]], list[str]]:
    """(route, path) for every route; and the routes that take arguments but have no sample."""
    args = samples(world)
    urls, missing = [], []
    for route in routes():
        if route.takes_args:
            if route.name not in args:
                missing.append(f"{route.name} ({route.pattern})")
                continue
            urls.append((route, reverse(route.name, kwargs=args[route.name])))
        else:
            urls.append((route, "/" + route.pattern))
    return urls, missing
