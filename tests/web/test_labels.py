"""Issue 15, point 10: codes shown with their names in the UI's language (roles, severities,
importance) and the coverage chart's legend drawn with a font that has Thai."""

from __future__ import annotations

import io

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from PIL import Image

from lakthan.monitoring import chart


def test_the_account_page_names_roles_in_each_language(client, world):
    client.force_login(world.users["collector"])
    thai = client.get("/account/").content.decode()
    assert "<li>ผู้จัดเก็บข้อมูล · A สำนักงาน ก</li>" in thai and "collector ·" not in thai  # the unit named
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Data collector · A " in client.get("/account/").content.decode()


def test_severity_and_importance_labels():
    template = Template(
        '{% load thai %}{{ a|label:"severity" }}|{{ b|label:"importance" }}|{{ c|label:"severity" }}'
    )
    context = Context({"a": "high", "b": "low", "c": "unheard-of"})
    with translation.override("th"):
        assert template.render(context) == "สูง|ความสำคัญต่ำ|unheard-of"
    with translation.override("en"):
        assert template.render(context) == "High|Low importance|unheard-of"


def test_the_coverage_legend_is_drawn_in_a_font_with_thai_glyphs():
    assert chart._font(12).getname()[0] == "Sarabun"
    from datetime import date

    args = (["host-1"], {"host-1": {date(2026, 1, 1): 3}}, date(2026, 1, 1), date(2026, 1, 10), "t")
    thai = chart.coverage_png(*args, legend=("ไม่มีเหตุการณ์ในวันนั้น (เงียบ)", "มีเหตุการณ์ (สีเข้ม = มาก)"))
    english = chart.coverage_png(
        *args, legend=("no events that day (silent)", "events (darker = more)"), thai=False
    )
    assert chart.coverage_png(*args) == thai  # the report's chart: Thai unless told
    assert Image.open(io.BytesIO(thai)).size == Image.open(io.BytesIO(english)).size
    assert thai != english
