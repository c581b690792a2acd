"""A documentation page for the API, rendered on the server from the OpenAPI schema.

Swagger UI and ReDoc need inline script and a CDN, which our Content-Security-Policy refuses; this
page needs neither and works offline. The schema itself is at /api/schema/ and every endpoint is also
browsable (DRF's browsable API) when signed in."""

from __future__ import annotations

import functools

from django.shortcuts import render
from django.views.decorators.http import require_GET


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@require_GET
def api_docs(request):
    schema = _schema()
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            params = [
                f"{p['name']} ({p.get('in')}{', required' if p.get('required') else ''})"
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": (op.get("description") or op.get("summary") or "").strip().split("\n")[0],
                    "params": params,
                    "body": ", ".join(body),
                    "tag": (op.get("tags") or [""])[0],
                }
            )
    return render(request, "api/docs.html", {"info": schema.get("info", {}), "operations": operations})
