"""The government website standard's checklist: the bundled file, an agency's own file validated whole
(every fault named by its line), and its evaluation over Thai and English home pages."""

from __future__ import annotations

import pytest

from lakthan.operations.engines.checklist import (
    ChecklistRejected,
    evaluate,
    load_default,
    missing,
    parse_checklist,
)
from tests.operations.site_fixtures import ENGLISH_HOME, THAI_HOME


def test_the_bundled_checklist_holds_the_items_the_standard_expects():
    checklist = load_default()
    ids = [i.id for i in checklist.items]
    for expected in (
        "contact",
        "about",
        "news",
        "laws",
        "sitemap",
        "faq",
        "e-service",
        "privacy",
        "procurement",
    ):
        assert expected in ids
    assert checklist.version.startswith("gov-website-th")
    assert checklist.item("contact").title_th == "ข้อมูลการติดต่อหน่วยงาน"
    assert "ติดต่อ" in checklist.item("contact").look_for["link_text"]


def test_a_thai_home_page_is_judged_item_by_item_with_where_each_was_found():
    result = evaluate(load_default(), THAI_HOME, "https://www.example.go.th/index.php")
    assert missing(result) == ["sitemap", "faq"]
    assert result["contact"] == {"found": True, "where": "https://www.example.go.th/contact"}
    assert result["laws"]["where"].startswith("https://www.example.go.th/%E0%B8%81")
    assert result["e-service"] == {"found": True, "where": "https://eservice.example.go.th/"}
    # privacy is only in the footer's text: found there, the phrase is where
    assert result["privacy"] == {"found": True, "where": "นโยบายคุ้มครองข้อมูลส่วนบุคคล"}
    assert result["sitemap"] == {"found": False, "where": ""}


def test_an_english_page_is_read_from_addresses_titles_and_headings_but_not_scripts():
    result = evaluate(load_default(), ENGLISH_HOME, "http://agency.example/")
    assert result["contact"] == {"found": True, "where": "http://agency.example/Contact-Us.html"}  # address
    assert result["about"]["where"] == "http://agency.example/about-the-agency"
    assert result["news"] == {"found": True, "where": "Latest NEWS"}  # a heading, spaces collapsed
    assert result["sitemap"]["where"] == "http://agency.example/sitemap.xml"  # the link's title
    assert result["faq"]["found"] and result["privacy"]["found"]
    assert not result["laws"]["found"]  # the word is only inside a script
    assert set(missing(result)) == {
        "structure",
        "laws",
        "e-service",
        "website-policy",
        "procurement",
        "complaints",
    }


def test_an_address_matches_a_word_at_its_start_only_and_thai_in_an_address_is_read_decoded():
    checklist = parse_checklist(
        b"version: t1\nitems:\n"
        b"  - {id: faq, title_th: x, title_en: x, look_for: {href: [qa]}}\n"
        b"  - {id: laws, title_th: x, title_en: x, look_for: {href: ['\xe0\xb8\x81\xe0\xb8\x8e\xe0\xb8\xab\xe0\xb8\xa1\xe0\xb8\xb2\xe0\xb8\xa2']}}\n"
    )
    page = (
        '<a href="/aqaba">x</a><a href="/th/%E0%B8%81%E0%B8%8E%E0%B8%AB%E0%B8%A1%E0%B8%B2%E0%B8%A2/1">y</a>'
    )
    result = evaluate(checklist, page, "http://a.example/")
    assert result["faq"]["found"] is False
    assert result["laws"]["found"] is True
    assert evaluate(checklist, '<a href="/qa-board">q</a>')["faq"]["found"] is True


def test_an_empty_or_broken_page_has_every_item_missing():
    checklist = load_default()
    for page in ("", b"\x00\x01", "<<<>>>"):
        result = evaluate(checklist, page)
        assert missing(result) == [i.id for i in checklist.items]


def test_a_bad_checklist_names_every_fault_by_its_line_and_returns_nothing():
    data = """version: mine
items:
  - id: contact
    title_th: ติดต่อ
    title_en: Contact
    look_for: {link_text: [ติดต่อ]}
  - id: Contact Us
    title_th: ซ้ำ
    look_for: {colour: [red]}
  - id: contact
    title_th: ติดต่อ
    title_en: Contact
    look_for: {href: [contact]}
    weight: 3
""".encode()
    with pytest.raises(ChecklistRejected) as caught:
        parse_checklist(data)
    lines = [line for line, _, _ in caught.value.problems]
    text = caught.value.message_en
    assert "line 7: id 'Contact Us' must be a-z" in text
    assert "line 7: title_en is missing" in text
    assert "line 9: unknown colour" in text
    assert "line 14: unknown field weight" in text
    assert "line 10: item contact twice" in text
    assert lines == sorted(lines)
    assert "บรรทัด 7" in caught.value.message_th


def test_bad_yaml_and_a_file_without_items_are_refused_with_their_line():
    with pytest.raises(ChecklistRejected, match="line 2: bad YAML"):
        parse_checklist(b"version: x\n\titems: 1\n")
    with pytest.raises(ChecklistRejected, match="items must be a non-empty list"):
        parse_checklist(b"version: x\nitems: []\n")
    with pytest.raises(ChecklistRejected, match="not UTF-8"):
        parse_checklist(b"version: \xff\n")
