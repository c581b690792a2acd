import io
import struct
import unicodedata
import zipfile
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakthan.evidence.engines.uploads import (
    UploadLimits,
    UploadRejected,
    check_upload,
    inspect_upload,
    member_name_problem,
    safe_filename,
)

MiB = 1024 * 1024


# --- real tiny files ----------------------------------------------------------------------------------


def make_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=72, height=72)
    writer.write(out)
    return out.getvalue()


def make_png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\x00\x00"  # one row: filter byte + one red pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def make_image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "blue").save(out, fmt)
    return out.getvalue()


def make_docx() -> bytes:
    import docx

    document, out = docx.Document(), io.BytesIO()
    document.add_paragraph("คู่มือการสำรองและกู้คืนข้อมูล")
    document.save(out)
    return out.getvalue()


def make_zip(members: dict[str, bytes], first: tuple[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        if first:
            zf.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored, as ODF requires
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def ooxml(main_type: str, part: str) -> bytes:
    types = (
        f'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{part}" ContentType="application/vnd.{main_type}"/></Types>'
    ).encode()
    return make_zip({"[Content_Types].xml": types, part: b"<x/>"})


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode"
)


def check(data: bytes, name: str, **kw) -> str:
    return check_upload(io.BytesIO(data), name, **kw)


def rejected(data: bytes, name: str, **kw) -> UploadRejected:
    with pytest.raises(UploadRejected) as err:
        check(data, name, **kw)
    exc = err.value
    assert exc.reason_th and exc.reason_en and "\n" not in exc.reason_th + exc.reason_en
    return exc


# --- type by content ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "maker, name, kind",
    [
        (make_pdf, "คำสั่ง.pdf", "pdf"),
        (make_png, "screen.PNG", "png"),
        (lambda: make_image("JPEG"), "photo.jpg", "jpeg"),
        (lambda: make_image("JPEG"), "photo.jpeg", "jpeg"),
        (lambda: make_image("GIF"), "a.gif", "gif"),
        (lambda: make_image("WEBP"), "a.webp", "webp"),
        (make_docx, "manual.docx", "docx"),
        (
            lambda: ooxml("openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/workbook.xml"),
            "s.xlsx",
            "xlsx",
        ),
        (
            lambda: ooxml("openxmlformats-officedocument.presentationml.presentation.main+xml", "ppt/p.xml"),
            "p.pptx",
            "pptx",
        ),
        (
            lambda: make_zip(
                {"content.xml": b"<x/>"}, ("mimetype", b"application/vnd.oasis.opendocument.text")
            ),
            "a.odt",
            "odt",
        ),
        (
            lambda: make_zip(
                {"content.xml": b"<x/>"}, ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")
            ),
            "a.ods",
            "ods",
        ),
        (lambda: "บันทึกข้อความ\nบรรทัดที่สอง\n".encode(), "note.txt", "txt"),
        (lambda: "หน่วย,จำนวน\nด่าน ตม. สุวรรณภูมิ,12\n".encode(), "units.csv", "csv"),
        (lambda: '{"hosts": ["fw-01"], "ชื่อ": "ระบบ"}'.encode(), "hosts.json", "json"),
        (lambda: make_zip({"photos/1.png": make_png()}), "photos.zip", "zip"),
    ],
)
def test_allowed_types_are_recognised_by_content(maker, name, kind):
    data = maker()
    result = inspect_upload(io.BytesIO(data), name)
    assert result.kind == kind and result.size == len(data)
    assert check(data, name) == result.content_type


def test_exe_renamed_pdf_is_refused():
    exc = rejected(EXE, "รายงาน.pdf")
    assert exc.code == "type_not_allowed" and "EXE" in exc.reason_en
    assert rejected(EXE, "setup.exe").code == "type_not_allowed"


@pytest.mark.parametrize(
    "data, name",
    [
        (make_png(), "scan.pdf"),
        (make_pdf(), "scan.png"),
        (b"plain words\n", "scan.pdf"),
        (make_docx(), "manual.zip"),
        (make_zip({"a.txt": b"a"}), "manual.docx"),
        (make_docx(), "manual.xlsx"),
    ],
)
def test_extension_must_agree_with_content(data, name):
    exc = rejected(data, name)
    assert exc.code == "mismatch" and name.rsplit(".", 1)[1] in exc.reason_en


def test_macro_enabled_office_is_refused():
    data = ooxml("ms-word.document.macroEnabled.main+xml", "word/document.xml")
    assert rejected(data, "m.docx").code == "macro"


def test_text_rules():
    assert rejected("หน่วย,จำนวน\n".encode("tis-620"), "legacy.csv").code == "not_utf8"
    assert rejected(b"{not json", "x.json").code == "bad_json"
    assert rejected(b"\x00\x01\x02binary\xfe", "x.txt").code == "not_utf8"
    assert rejected(b"\x00\x01\x02binary\xfe", "x.dat").code == "type_not_allowed"


def test_size_empty_and_extension():
    assert rejected(b"x" * 11, "a.txt", max_bytes=10).code == "too_large"
    assert check(b"x" * 10, "a.txt", max_bytes=10).startswith("text/plain")
    assert rejected(b"", "a.txt").code == "empty"
    assert rejected(make_pdf(), "noextension").code == "no_extension"


def test_stream_is_rewound_for_storing():
    data = make_pdf()
    stream = io.BytesIO(data)
    check_upload(stream, "a.pdf")
    assert stream.tell() == 0 and stream.read() == data


# --- zip bombs and hostile archives -------------------------------------------------------------------


def test_high_compression_ratio_is_refused():
    bomb = make_zip({"zeros.bin": b"\0" * (20 * MiB)})
    assert len(bomb) < 100_000
    assert rejected(bomb, "bomb.zip").code == "zip_ratio"


def test_total_uncompressed_size_is_limited():
    data = make_zip(
        {f"{i}.bin": bytes(range(256)) * 4096 for i in range(3)}
    )  # 3 MiB, ratio ~ 100-ish at most
    limits = UploadLimits(zip_max_total_bytes=2 * MiB, zip_max_ratio=10_000)
    assert rejected(data, "big.zip", limits=limits).code == "zip_too_large"


def test_docx_with_a_bomb_inside_is_refused():
    data = make_docx()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/huge.bin", b"\0" * (20 * MiB))
    assert rejected(out.getvalue(), "manual.docx").code == "zip_ratio"


def test_member_count_is_limited():
    data = make_zip({f"f{i}.txt": b"x" for i in range(30)})
    assert rejected(data, "many.zip", limits=UploadLimits(zip_max_members=20)).code == "zip_members"


@pytest.mark.parametrize("member", ["../evil.sh", "/etc/cron.d/x", "a/../../b", "C:/windows/x", "a\\..\\b"])
def test_unsafe_member_names_are_refused(member):
    assert rejected(make_zip({"ok.txt": b"x", member: b"x"}), "a.zip").code == "zip_unsafe_name"


def test_encrypted_and_symlink_members_are_refused():
    data = bytearray(make_zip({"secret.txt": b"x"}))
    central = data.index(b"PK\x01\x02")
    data[6] |= 0x1  # the "encrypted" flag, in the local and the central header
    data[central + 8] |= 0x1
    assert rejected(bytes(data), "a.zip").code == "zip_encrypted"

    link = zipfile.ZipInfo("link")
    link.external_attr = 0o120777 << 16
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(link, "/etc/passwd")
    assert rejected(out.getvalue(), "a.zip").code == "zip_symlink"


def test_damaged_zip_member_is_refused():
    data = bytearray(make_zip({"a.txt": b"hello world " * 1000}))
    data[60] ^= 0xFF  # inside the deflated data of the only member
    assert rejected(bytes(data), "a.zip").code == "zip_corrupt"
    assert rejected(b"PK\x03\x04 truncated", "a.zip").code == "zip_corrupt"


def test_member_name_problem():
    assert member_name_problem("evidence/07-คำสั่ง.pdf") is None
    assert member_name_problem("a/../b") and member_name_problem("/x") and member_name_problem("a\nb")


# --- file names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given_name, expected",
    [
        ("คำสั่งแต่งตั้งคณะทำงาน ๒๕๕๖.pdf", "คำสั่งแต่งตั้งคณะทำงาน ๒๕๕๖.pdf"),
        ("C:\\Users\\staff\\Desktop\\แผนฉุกเฉิน.DOCX", "แผนฉุกเฉิน.docx"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("..", "file"),
        (".htaccess", "htaccess"),
        ("a\x00b\x1fc\x7f.pdf", "abc.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ('a<b>:c|d?"e*.pdf', "a_b_c_d_e.pdf"),
        ("report..final...pdf", "report.final.pdf"),
        ("CON.txt", "_CON.txt"),
        ("  spaced   out  .pdf", "spaced out.pdf"),
    ],
)
def test_safe_filename(given_name, expected):
    assert safe_filename(given_name) == expected


def test_long_thai_name_is_cut_on_a_character_boundary_and_keeps_its_extension():
    name = "รายงานผลการปฏิบัติราชการตามคำรับรองการปฏิบัติราชการ" * 5 + ".pdf"
    safe = safe_filename(name, max_bytes=100)
    assert safe.endswith(".pdf") and len(safe.encode()) <= 100
    assert name.startswith(safe[:-4])
    assert (
        unicodedata.category(name[len(safe) - 4])[0] != "M"
    )  # the cut did not strip a vowel off its consonant


@given(st.text(max_size=400))
def test_safe_filename_properties(name):
    safe = safe_filename(name)
    assert safe and len(safe.encode()) <= 180
    assert "/" not in safe and "\\" not in safe and ".." not in safe
    assert not any(unicodedata.category(c)[0] == "C" for c in safe)
    assert not safe.startswith(".")
    assert member_name_problem(safe) is None
