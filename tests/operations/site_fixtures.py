"""Fixtures of the website tests (item 8): a website on loopback the test serves (pages it may change
while the test runs), website probes and their results written with the ORM (the probes' own services
are another part's), and pages with known accessibility violations."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# A Thai home page with every item of the default checklist but FAQ and the site map.
THAI_HOME = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>สำนักงานทดสอบ</title></head>
<body><header><h1>สำนักงานทดสอบ</h1>
<nav><a href="/about">เกี่ยวกับเรา</a> <a href="/structure">โครงสร้างหน่วยงาน</a>
<a href="/news">ข่าวประชาสัมพันธ์</a> <a href="/%E0%B8%81%E0%B8%8E%E0%B8%AB%E0%B8%A1%E0%B8%B2%E0%B8%A2">กฎหมายที่เกี่ยวข้อง</a>
<a href="/contact">ติดต่อเรา</a> <a href="https://eservice.example.go.th/">บริการออนไลน์</a>
<a href="/procure">ประกาศจัดซื้อจัดจ้าง</a> <a href="/complaint">ร้องเรียน</a>
<a href="/policy">นโยบายเว็บไซต์</a></nav></header>
<main><p>ยินดีต้อนรับ</p></main>
<footer><p>นโยบายคุ้มครองข้อมูลส่วนบุคคล: หน่วยงานเก็บข้อมูลเท่าที่จำเป็น</p></footer></body></html>"""

# An English home page: contact only through its address, news as a heading, laws missing.
ENGLISH_HOME = """<!DOCTYPE html><html lang="en"><head><title>Agency</title></head><body>
<a href="/Contact-Us.html"><img src="/phone.png" alt="phone"></a>
<a href="/about-the-agency">Who we are</a>
<h2>Latest  NEWS</h2>
<a href="/sitemap.xml" title="Site map">map</a>
<a href="/faq">FAQ</a>
<a href="/privacy">Privacy policy</a>
<script>document.write('กฎหมาย laws')</script>
</body></html>"""

# Known violations: an image without alt and an input without a label (critical), low contrast and no
# lang on <html> (serious).
BAD_PAGE = """<!DOCTYPE html><html><head><title>Bad page</title>
<link rel="stylesheet" href="/site.css"></head><body><main><h1>Welcome</h1>
<img src="/logo.png"><form action="/search"><input type="text" name="q"><button>Go</button></form>
<p class="faint">This text is hard to read.</p></main></body></html>"""
BAD_CSS = ".faint { color: #bbbbbb; background: #ffffff; }"

CLEAN_PAGE = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>หน้าแรก</title></head><body>
<header><nav aria-label="เมนูหลัก"><a href="/contact">ติดต่อเรา</a></nav></header>
<main><h1>สำนักงานทดสอบ</h1><img src="/logo.png" alt="ตราสำนักงาน">
<form action="/search"><label for="q">ค้นหา</label><input id="q" type="text" name="q"><button>ค้นหา</button></form>
<p>ข้อความอ่านง่าย</p></main></body></html>"""

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class Site:
    """A website on 127.0.0.1: ``pages[path] = (status, headers, body)``; ``hits`` counts requests."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # the name http.server calls
                site.hits.append(self.path)
                status, headers, body = site.pages.get(
                    self.path, (404, {"Content-Type": "text/plain"}, b"no")
                )
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(
        self,
        path: str,
        body: str | bytes,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        **headers,
    ):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = (status, {"Content-Type": content_type, **headers}, data)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(name="site")
def site_fixture():
    s = Site()
    s.page("/logo.png", PNG_1x1, content_type="image/png")
    s.page("/site.css", BAD_CSS, content_type="text/css")
    yield s
    s.close()


def website(unit, name: str, url: str, *, website: bool = True, **fields):
    from lakthan.operations.models import Probe

    return Probe.objects.create(
        name=name, unit=unit, kind="http", url=url, website=website, created_by="test", **fields
    )


def result(probe, at: datetime, up: bool = True, **fields):
    from lakthan.operations.models import ProbeResult

    return ProbeResult.objects.create(probe=probe, at=at, up=up, **fields)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(name="checklist_home")
def checklist_home_fixture(settings, tmp_path):
    """The agency's own checklist is kept under this test's home."""
    settings.LAKTHAN_HOME = tmp_path / "home"
    return settings.LAKTHAN_HOME
