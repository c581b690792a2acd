import dataclasses
import pickle
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from lakthan.indicators.engines.library_schema import LibraryError, load_library, validate_many
from lakthan.indicators.engines.scoring import Scheme

DATA = Path(__file__).parent / "data"
SHIPPED = Path(__file__).parents[2] / "src" / "lakthan" / "indicators" / "library" / "opdc-2556.yaml"

# A valid library; the tests below break one line of it at a time. Line numbers are in the comments.
BASE = """\
urn: urn:lakthan:t:lib
name_th: คลังทดสอบ
version: "1"
indicators:
  - urn: urn:lakthan:t:lib:ind:1
    code: "1"
    name_th: ตัวชี้วัดหลัก
  - urn: urn:lakthan:t:lib:ind:1.1
    code: "1.1"
    parent_code: "1"
    name_th: จำนวนข้อที่ทำได้
    scheme: {kind: count, thresholds: [1, 2, 3, 4, 5]}
    criteria:
      - urn: urn:lakthan:t:lib:ind:1.1:item:1
        number: 1
        title_th: ข้อที่หนึ่ง
        checks: [urn:lakthan:check:evidence-completeness]
      - urn: urn:lakthan:t:lib:ind:1.1:item:2
        number: 2
        title_th: ข้อที่สอง
"""
# lines:  1 urn, 4 indicators, 5 ind 1 urn, 8 ind 1.1 urn, 9 code, 10 parent_code, 11 name_th, 12 scheme,
#        13 criteria, 14 item 1 urn, 15 number, 16 title_th, 17 checks, 18 item 2 urn, 19 number, 20 title_th


def write(tmp_path: Path, text: str, name: str = "lib.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path: Path) -> LibraryError:
    with pytest.raises(LibraryError) as info:
        load_library(path)
    return info.value


def broken(tmp_path: Path, old: str, new: str) -> LibraryError:
    assert old in BASE
    return error_of(write(tmp_path, BASE.replace(old, new, 1)))


# --- the shipped library ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def opdc():
    return load_library(SHIPPED)


def test_shipped_library_has_indicator_9_and_9_2(opdc):
    assert opdc.urn == "urn:lakthan:opdc:2556"
    assert "๒๕๕๖" in opdc.name_th and "ก.พ.ร." in opdc.name_th
    assert [(i.code, i.parent_code, i.order) for i in opdc.indicators] == [("9", None, 1), ("9.2", "9", 2)]
    nine = opdc.indicator("9")
    assert nine.scheme is None and nine.criteria == ()
    assert nine.name_th == "ระดับความสำเร็จของการพัฒนาปรับปรุงสารสนเทศ" and nine.name_en
    ind = opdc.indicator("9.2")
    assert ind.urn == "urn:lakthan:opdc:2556:ind:9.2"
    assert ind.name_th == "จำนวนข้อมูลเชิงประจักษ์ด้านประสิทธิภาพของระบบสารสนเทศ"
    assert ind.unit_th == "ข้อ"
    assert ind.scheme == Scheme("count", tuple(Decimal(n) for n in (1, 2, 3, 4, 5)))


def test_shipped_9_2_has_ten_items_with_their_urns(opdc):
    criteria = opdc.indicator("9.2").criteria
    assert len(criteria) == 10
    assert [c.number for c in criteria] == list(range(1, 11))
    assert [c.urn for c in criteria] == [f"urn:lakthan:opdc:2556:ind:9.2:item:{n}" for n in range(1, 11)]
    for c in criteria:
        assert c.title_th and c.title_en and c.explanation_th and c.explanation_en
        assert len(c.explanation_th) == len(c.explanation_en)
        assert c.level is None


def test_shipped_items_4_to_9_are_reconstructed_and_say_from_what(opdc):
    criteria = {c.number: c for c in opdc.indicator("9.2").criteria}
    assert {n for n, c in criteria.items() if c.reconstructed} == {4, 5, 6, 7, 8, 9}
    for n in (4, 5, 6, 7, 8, 9):
        assert "หลักฐานอ้างอิงข้อ" in criteria[n].source_note
    assert "๒๒" in criteria[5].source_note  # the import of Thai passport data
    assert "๒๐" in criteria[7].source_note  # the committee's appointment order
    assert "๒๘" in criteria[9].source_note  # the IP-address plan


def test_shipped_items_carry_the_seeds_words_and_our_guidance_apart(opdc):
    c = {c.number: c for c in opdc.indicator("9.2").criteria}
    assert c[10].title_th == "มีระบบ Access Right ที่ถูกต้องและทันสมัย"
    assert "(เช่น ไฟไหม้ น้ำท่วม แผ่นดินไหว เป็นต้น)" in c[3].explanation_th[0]
    assert c[2].explanation_th[1].endswith("ที่เป็นไปตาม พ.ร.บ. ว่าด้วยการกระทำความผิดเกี่ยวกับคอมพิวเตอร์ พ.ศ. ๒๕๕๐")
    # our reading (section 26's 90 days) is guidance, not the criterion's text
    assert not any("๙๐ วัน" in line for line in c[2].explanation_th)
    assert any("๙๐ วัน (มาตรา ๒๖)" in line for line in c[2].guidance_th)
    assert all(c[n].guidance_th and c[n].guidance_en for n in (1, 2, 3, 10))


def test_shipped_checks_feed_the_right_items(opdc):
    checks = {c.number: set(c.checks) for c in opdc.indicator("9.2").criteria}
    completeness = "urn:lakthan:check:evidence-completeness"
    assert all(completeness in s for s in checks.values())
    assert checks[1] == {"urn:lakthan:check:backup-compliance", completeness}
    assert checks[2] == {"urn:lakthan:check:log-coverage", "urn:lakthan:check:log-integrity", completeness}
    assert checks[3] == {"urn:lakthan:check:continuity-drills", completeness}
    assert checks[4] == {"urn:lakthan:check:systems-in-use", completeness}
    assert checks[5] == {"urn:lakthan:check:data-current", completeness}
    assert checks[6] == {
        "urn:lakthan:check:data-owners",
        "urn:lakthan:check:problems-sla",
        completeness,
    }
    assert checks[7] == {"urn:lakthan:check:it-committee", completeness}
    assert checks[8] == {"urn:lakthan:check:websites", completeness}
    assert checks[9] == {"urn:lakthan:check:network-addresses", completeness}
    assert checks[10] == {"urn:lakthan:check:access-review", completeness}


def test_shipped_scoring_note_prints_thai_digits(opdc):
    ind = opdc.indicator("9.2")
    assert ind.scoring_note_th == (
        "ทำได้ ๑ ข้อ เท่ากับ ๑ คะแนน",
        "ทำได้ ๒ ข้อ เท่ากับ ๒ คะแนน",
        "ทำได้ ๓ ข้อ เท่ากับ ๓ คะแนน",
        "ทำได้ ๔ ข้อ เท่ากับ ๔ คะแนน",
        "ทำได้ตั้งแต่ ๕ ข้อขึ้นไป เท่ากับ ๕ คะแนน",
    )
    assert len(ind.scoring_note_en) == 5 and "5 or more" in ind.scoring_note_en[4]


def test_definitions_are_frozen(opdc):
    with pytest.raises(dataclasses.FrozenInstanceError):
        opdc.indicators[1].criteria[0].number = 99
    with pytest.raises(dataclasses.FrozenInstanceError):
        opdc.urn = "urn:lakthan:x"


# --- fixture files with one mistake each -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("missing_key.yaml", 13, "a criterion is missing the required key 'title_th'"),
        (
            "unknown_key.yaml",
            13,
            "unknown key 'explanaton_th' in a criterion; did you mean 'explanation_th'?",
        ),
        ("duplicate_urn.yaml", 13, "duplicate URN urn:lakthan:test:dup:ind:1:item:1 (first on line 10)"),
        ("bad_thresholds.yaml", 14, "thresholds must be strictly increasing: level 2 is 70, level 3 is 70"),
        (
            "syntax_error.yaml",
            8,
            "YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence that starts on line 7)",
        ),
        ("not_utf8.yaml", 3, "the file is not UTF-8 text (byte 0xa4 cannot be decoded); save it as UTF-8"),
    ],
)
def test_fixture_errors_point_at_the_line(name, line, message):
    path = DATA / name
    err = error_of(path)
    assert (err.path, err.line, err.message) == (str(path), line, message)
    assert str(err) == f"{path}:{line}: {message}"


def test_valid_fixture_reads_scalars_as_written(tmp_path):
    lib = load_library(DATA / "valid_small.yaml")
    assert lib.version == "1.10"  # not the float 1.1
    assert [i.code for i in lib.indicators] == ["1", "1.10", "1.11", "2"]
    uptime, restore, plan = lib.indicators[1], lib.indicators[2], lib.indicators[3]
    assert uptime.scheme.thresholds == (
        Decimal("99.0"),
        Decimal("99.5"),
        Decimal("99.9"),
        Decimal("99.95"),
        Decimal("99.99"),
    )
    assert restore.scheme.direction == "lower" and restore.name_en == "Mean time to restore"
    assert uptime.name_en == "" and uptime.parent_code == "1"
    assert plan.scheme.kind == "milestone"
    assert [(c.number, c.level) for c in plan.criteria] == [(1, 1), (2, 2), (3, 3), (4, 3), (5, 4), (6, 5)]
    assert lib.source_path == str(DATA / "valid_small.yaml")


def test_library_error_is_picklable_and_keeps_its_fields():
    err = pickle.loads(pickle.dumps(LibraryError("a.yaml", 7, "bad")))
    assert (err.path, err.line, err.message, str(err)) == ("a.yaml", 7, "bad", "a.yaml:7: bad")


# --- one mistake at a time in BASE -------------------------------------------------------------------


def test_base_is_valid(tmp_path):
    lib = load_library(write(tmp_path, BASE))
    assert len(lib.indicators[1].criteria) == 2


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ('version: "1"\n', "", 1, "the library is missing the required key 'version'"),
        (
            'version: "1"\n',
            'version: "1"\nweight: 3\n',
            4,
            "unknown key 'weight' in the library: weights belong to the agreement",
        ),
        (
            '    parent_code: "1"\n',
            '    parent_code: "1"\n    weight: 3\n',
            11,
            "weights belong to the agreement",
        ),
        (
            '    code: "1.1"\n',
            '    code: "1.1"\n    code: "1.2"\n',
            10,
            "duplicate key 'code' in an indicator (first on line 9)",
        ),
        (
            "    name_th: ตัวชี้วัดหลัก\n",
            "    name_th: ตัวชี้วัดหลัก\n    nmae_en: Main\n",
            8,
            "did you mean 'name_en'?",
        ),
        (
            "urn: urn:lakthan:t:lib:ind:1.1\n",
            "urn: urn:lakthan:t:other:ind:1.1\n",
            8,
            "must start with 'urn:lakthan:t:lib:'",
        ),
        (
            "urn: urn:lakthan:t:lib:ind:1.1:item:2",
            "urn: urn:lakthan:t:lib:ind:1:item:2",
            18,
            "must start with 'urn:lakthan:t:lib:ind:1.1:'",
        ),
        ("urn: urn:lakthan:t:lib\n", "urn: urn:Lakthan:T\n", 1, "is not a URN of the form"),
        ("urn: urn:lakthan:t:lib\n", "urn: lakthan-lib\n", 1, "is not a URN of the form"),
        (
            '    parent_code: "1"\n',
            '    parent_code: "7"\n',
            10,
            "parent_code '7' is not an indicator defined above",
        ),
        ('    code: "1.1"\n', '    code: "1"\n', 9, "duplicate indicator code '1' (first on line 6)"),
        ("        number: 2\n", "        number: 1\n", 19, "duplicate criterion number 1 (first on line 15)"),
        ("        number: 2\n", "        number: 0\n", 19, "number must be a whole number from 1, not '0'"),
        ("        number: 2\n", "        number: 2.5\n", 19, "number must be a whole number from 1"),
        ("        title_th: ข้อที่สอง\n", "        title_th: ''\n", 20, "title_th must not be empty"),
        ("        title_th: ข้อที่สอง\n", "        title_th:\n", 20, "title_th must not be empty"),
        ("        title_th: ข้อที่สอง\n", "        title_th: [ก, ข]\n", 20, "title_th must be text"),
        (
            "        title_th: ข้อที่สอง\n",
            "        title_th: ข้อที่สอง\n        explanation_th: []\n",
            21,
            "explanation_th must not be an empty list",
        ),
        (
            "        title_th: ข้อที่สอง\n",
            "        title_th: ข้อที่สอง\n        explanation_th: [ok, '  ']\n",
            21,
            "each entry of explanation_th must not be empty",
        ),
        (
            "        title_th: ข้อที่สอง\n",
            "        title_th: ข้อที่สอง\n        explanation_th: ข้อความเดียว\n",
            21,
            "explanation_th must be a list",
        ),
        (
            "        title_th: ข้อที่สอง\n",
            "        title_th: ข้อที่สอง\n        reconstructed: true\n",
            21,
            "a reconstructed criterion needs a source_note",
        ),
        (
            "        title_th: ข้อที่สอง\n",
            "        title_th: ข้อที่สอง\n        reconstructed: yes\n",
            21,
            "reconstructed must be true or false, not 'yes'",
        ),
        (
            "        title_th: ข้อที่สอง\n",
            "        title_th: ข้อที่สอง\n        level: 2\n",
            21,
            "level is only for criteria of a milestone scheme",
        ),
        (
            "checks: [urn:lakthan:check:evidence-completeness]",
            "checks: [urn:lakthan:opdc:evidence]",
            17,
            "check 'urn:lakthan:opdc:evidence' must start with 'urn:lakthan:check:'",
        ),
        (
            "checks: [urn:lakthan:check:evidence-completeness]",
            "checks:\n          - urn:lakthan:check:a\n          - urn:lakthan:check:a",
            19,
            "check urn:lakthan:check:a is listed twice (first on line 18)",
        ),
        (
            "[1, 2, 3, 4, 5]",
            "[1, 2, 3, 4]",
            12,
            "a count scheme needs exactly 5 thresholds (levels 1-5), got 4",
        ),
        ("[1, 2, 3, 4, 5]", "[1, 2, three, 4, 5]", 12, "a threshold must be a number, not 'three'"),
        ("[1, 2, 3, 4, 5]", "[1, 2, 3, 4, .inf]", 12, "a threshold must be a number"),
        (
            "{kind: count,",
            "{kind: score,",
            12,
            "scheme kind must be one of count, milestone, linear, not 'score'",
        ),
        ("{kind: count,", "{kind: count, direction: lower,", 12, "direction applies only to linear schemes"),
        (
            "{kind: count,",
            "{kind: linear, direction: lower,",
            12,
            "thresholds must be strictly decreasing (lower is better)",
        ),
        (
            "{kind: count,",
            "{kind: count, weight: 3,",
            12,
            "unknown key 'weight' in the scheme: weights belong to the agreement",
        ),
    ],
)
def test_each_mistake_is_reported_on_its_line(tmp_path, old, new, line, message):
    err = broken(tmp_path, old, new)
    assert err.line == line, str(err)
    assert message in err.message


def test_missing_key_of_an_indicator_is_reported_at_the_indicator(tmp_path):
    err = broken(tmp_path, "    name_th: จำนวนข้อที่ทำได้\n", "")
    assert (err.line, err.message) == (8, "an indicator is missing the required key 'name_th'")


def test_parent_must_be_defined_above(tmp_path):
    text = BASE.replace('    code: "1"\n', '    code: "1"\n    parent_code: "1.1"\n')
    err = error_of(write(tmp_path, text))
    assert (err.line, err.message) == (7, "parent_code '1.1' is not an indicator defined above in this file")


def test_the_first_error_in_the_file_wins(tmp_path):
    text = BASE.replace("name_th: คลังทดสอบ", "name_th: ''").replace(
        "        number: 2\n", "        number: 0\n"
    )
    assert error_of(write(tmp_path, text)).line == 2


MILESTONE = """\
urn: urn:lakthan:t:ms
name_th: คลังทดสอบ
version: "1"
indicators:
  - urn: urn:lakthan:t:ms:ind:1
    code: "1"
    name_th: ระดับความสำเร็จ
    scheme: {kind: milestone}
    criteria:
      - {urn: "urn:lakthan:t:ms:ind:1:s:1", number: 1, level: 1, title_th: ขั้นที่ ๑}
      - {urn: "urn:lakthan:t:ms:ind:1:s:2", number: 2, level: 2, title_th: ขั้นที่ ๒}
      - {urn: "urn:lakthan:t:ms:ind:1:s:3", number: 3, level: 3, title_th: ขั้นที่ ๓}
      - {urn: "urn:lakthan:t:ms:ind:1:s:4", number: 4, level: 4, title_th: ขั้นที่ ๔}
      - {urn: "urn:lakthan:t:ms:ind:1:s:5", number: 5, level: 5, title_th: ขั้นที่ ๕}
"""


def test_milestone_levels(tmp_path):
    assert [c.level for c in load_library(write(tmp_path, MILESTONE)).indicators[0].criteria] == [
        1,
        2,
        3,
        4,
        5,
    ]
    err = error_of(write(tmp_path, MILESTONE.replace("level: 4, ", "")))
    assert (err.line, err.message) == (13, "a criterion of a milestone scheme needs a level (1-5)")
    err = error_of(write(tmp_path, MILESTONE.replace("level: 4,", "level: 3,")))
    assert (err.line, err.message) == (
        10,
        "milestone level 4 has no criterion (each level 1-5 needs at least one)",
    )
    err = error_of(write(tmp_path, MILESTONE.replace("level: 5,", "level: 6,")))
    assert (err.line, err.message) == (14, "level must be 1-5, not 6")
    err = error_of(
        write(
            tmp_path, MILESTONE.replace("{kind: milestone}", "{kind: milestone, thresholds: [1, 2, 3, 4, 5]}")
        )
    )
    assert err.line == 8 and "no thresholds" in err.message


# --- the file as a whole ----------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n  \n", b"# only a comment\n"])
def test_empty_files(tmp_path, content):
    path = tmp_path / "empty.yaml"
    path.write_bytes(content)
    err = error_of(path)
    assert err.line == 1 and err.message.startswith("the file is empty")


def test_utf8_with_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode("utf-8"))
    assert load_library(path).name_th == "คลังทดสอบ"


def test_control_characters_and_missing_files(tmp_path):
    err = broken(tmp_path, "        title_th: ข้อที่สอง\n", "        title_th: ข้อที่\x07สอง\n")
    assert err.line == 20 and "U+0007" in err.message
    missing = tmp_path / "nope.yaml"
    err = error_of(missing)
    assert (err.path, err.line) == (str(missing), 0) and "cannot read" in err.message


def test_top_level_must_be_a_mapping_and_indicators_a_list(tmp_path):
    assert "must be a mapping" in error_of(write(tmp_path, "- a\n- b\n")).message
    err = broken(tmp_path, "indicators:\n", "indicators: []\nx_indicators:\n")
    assert (err.line, err.message) == (
        5,
        "unknown key 'x_indicators' in the library; did you mean 'indicators'?",
    )
    err = error_of(write(tmp_path, BASE.split("indicators:")[0] + "indicators: []\n"))
    assert (err.line, err.message) == (4, "indicators must be a non-empty list")


# --- many files --------------------------------------------------------------------------------------


def test_validate_many_returns_one_error_per_bad_file_and_cross_file_duplicates(tmp_path):
    good = write(tmp_path, BASE, "a.yaml")
    other = write(tmp_path, BASE.replace("urn:lakthan:t:lib", "urn:lakthan:t:lib2"), "b.yaml")
    copy = write(tmp_path, "# a copy edited by hand\n" + BASE.replace("คลังทดสอบ", "สำเนา"), "c.yaml")
    assert validate_many([good, other, SHIPPED]) == []
    errors = validate_many([good, DATA / "syntax_error.yaml", copy, DATA / "not_utf8.yaml", other])
    assert [(Path(e.path).name, e.line) for e in errors] == [
        ("syntax_error.yaml", 8),
        ("c.yaml", 2),
        ("not_utf8.yaml", 3),
    ]
    assert errors[1].message == f"URN urn:lakthan:t:lib is already defined in {good}:1"
