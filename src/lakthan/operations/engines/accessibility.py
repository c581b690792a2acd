"""axe-core on a web page in headless Chromium (Debian's, driven by Playwright's sync API), with the
``axe.min.js`` that axe-playwright-python bundles. Pure: no Django.

The page judged is the one the caller already fetched (``html``): Chromium is handed those bytes for the
main document, so the checklist, the content hash and the accessibility check all read the same page.
Sub-resources on the page's own origin (its style sheets matter to colour contrast) are fetched through
``fetch`` when one is given (the probe's CA file and timeout apply), others by Chromium itself.

The result counts the rules violated by their impact (critical, serious, moderate, minor), as axe-core
reports them, and lists each rule with the number of elements (nodes) that break it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IMPACTS = ("critical", "serious", "moderate", "minor")

# fetch(url) -> (status, content type, body)
Fetch = Callable[[str], tuple[int, str, bytes]]


class AccessibilityUnavailable(Exception):
    """The check could not run (no Chromium, or it failed); Thai and English (``str()``: English)."""

    def __init__(self, th: str, en: str):
        super().__init__(en)
        self.th, self.en = th, en


def axe_script() -> tuple[str, str]:
    """(the script, its version) of the axe-core that axe-playwright-python bundles."""
    from axe_playwright_python.base import AXE_SCRIPT  # type: ignore[import-untyped]

    head = AXE_SCRIPT[:200]
    version = head.split("axe v", 1)[1].split()[0] if "axe v" in head else ""
    return AXE_SCRIPT, version


def summarise(violations: list[dict]) -> dict:
    """axe-core's violations → ``{"critical": n, …, "rules": [{"id", "impact", "nodes", "help", "help_url"}]}``
    (rules ordered by impact, then id)."""
    counts = dict.fromkeys(IMPACTS, 0)
    rules = []
    for v in violations:
        impact = v.get("impact") or "minor"
        if impact not in counts:
            impact = "minor"
        counts[impact] += 1
        rules.append(
            {
                "id": str(v.get("id", "")),
                "impact": impact,
                "nodes": len(v.get("nodes") or ()),
                "help": str(v.get("help", ""))[:300],
                "help_url": str(v.get("helpUrl", ""))[:300],
            }
        )
    rules.sort(key=lambda r: (IMPACTS.index(r["impact"]), r["id"]))
    return {**counts, "rules": rules}


def check_page(
    url: str,
    html: bytes | None = None,
    *,
    content_type: str = "text/html; charset=utf-8",
    fetch: Fetch | None = None,
    timeout_s: float = 30,
    executable: str = CHROMIUM,
) -> dict:
    """axe-core's violations on ``url`` (``html``: its body, already fetched) as ``summarise`` gives them,
    plus ``"engine": "axe-core X.Y.Z"``. AccessibilityUnavailable when Chromium is missing or fails."""
    if not os.access(executable, os.X_OK):
        raise AccessibilityUnavailable(
            f"ไม่พบเบราว์เซอร์ Chromium ที่ {executable} (ติดตั้งแพ็กเกจ chromium) จึงตรวจการเข้าถึงไม่ได้",
            f"Chromium is not installed at {executable} (install the chromium package): accessibility not checked",
        )
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise AccessibilityUnavailable(
            "ไม่ได้ติดตั้ง Playwright จึงตรวจการเข้าถึงไม่ได้", "Playwright is not installed: accessibility not checked"
        ) from None
    script, version = axe_script()
    origin = _origin(url)
    served = {"main": False}

    def route(r: Any) -> None:
        request = r.request
        if html is not None and not served["main"] and request.is_navigation_request():
            served["main"] = True
            r.fulfill(status=200, body=html, headers={"content-type": content_type})
        elif fetch is not None and _origin(request.url) == origin:
            try:
                status, ctype, body = fetch(request.url)
            except Exception:  # noqa: BLE001 — a sub-resource that cannot be had is left out
                r.abort()
                return
            r.fulfill(status=status, body=body, headers={"content-type": ctype or "application/octet-stream"})
        else:
            r.continue_()

    ms = int(timeout_s * 1000)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
            try:
                context = browser.new_context(bypass_csp=True, service_workers="block")
                page = context.new_page()
                page.set_default_timeout(ms)
                page.route("**/*", route)
                page.goto(url, wait_until="load", timeout=ms)
                page.evaluate(script)
                result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = (str(exc).strip().splitlines() or ["error"])[0][:300]
        raise AccessibilityUnavailable(
            f"ตรวจการเข้าถึงด้วย Chromium ไม่สำเร็จ: {first}",
            f"the accessibility check in Chromium failed: {first}",
        ) from None
    engine_version = str(result.get("testEngine", {}).get("version") or version)
    return {**summarise(result.get("violations") or []), "engine": f"axe-core {engine_version}"}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port
