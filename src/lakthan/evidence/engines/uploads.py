"""Checks an upload before anything is stored: size, type by content, extension, zip bombs, file name."""

from __future__ import annotations

import codecs
import json
import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

import filetype

from lakthan.core.errors import InvalidInput

MiB = 1024 * 1024
CHUNK = MiB

# kind -> (MIME type, extensions that may declare it)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", ("pdf",)),
    "png": ("image/png", ("png",)),
    "jpeg": ("image/jpeg", ("jpg", "jpeg")),
    "gif": ("image/gif", ("gif",)),
    "webp": ("image/webp", ("webp",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)),
    "odt": ("application/vnd.oasis.opendocument.text", ("odt",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    "txt": ("text/plain; charset=utf-8", ("txt",)),
    "csv": ("text/csv; charset=utf-8", ("csv",)),
    "json": ("application/json", ("json",)),
    "zip": ("application/zip", ("zip",)),
}
_SNIFFED = {"pdf": "pdf", "png": "png", "jpg": "jpeg", "gif": "gif", "webp": "webp"}
_TEXT_KINDS = ("txt", "csv", "json")
_OOXML_MAIN = {
    b"wordprocessingml.document.main+xml": "docx",
    b"spreadsheetml.sheet.main+xml": "xlsx",
    b"presentationml.presentation.main+xml": "pptx",
}
_ODF_MIME = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # text may hold tab, newline, CR, form feed
_NAME_PUNCTUATION = set(" -_.,()[]{}+=@#&'!~%฿")


class UploadRejected(InvalidInput):
    """The upload is refused; one line in Thai and one in English saying why. `code` is for programs."""

    def __init__(self, reason_th: str, reason_en: str, code: str = "rejected"):
        super().__init__(reason_th, reason_en)
        self.code = code

    @property
    def reason_th(self) -> str:
        return self.message_th

    @property
    def reason_en(self) -> str:
        return self.message_en


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 100 * MiB
    zip_max_members: int = 10_000
    zip_max_total_bytes: int = 1024 * MiB  # uncompressed, all members together
    zip_max_ratio: float = 100.0  # uncompressed / compressed
    zip_ratio_floor: int = MiB  # smaller members may compress as well as they like
    filename_max_bytes: int = 180  # UTF-8 bytes; a Thai letter is 3


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    size: int


# --- file names ---------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        cat = unicodedata.category(ch)
        if cat[0] == "C":  # control, format (e.g. right-to-left override), unassigned: dropped
            continue
        if cat[0] in "LMN" or ch in _NAME_PUNCTUATION:
            out.append(ch)
        elif cat[0] == "Z":
            out.append(" ")
        else:
            out.append("_")
    name = " ".join("".join(out).split())
    while ".." in name:
        name = name.replace("..", ".")
    while "__" in name:
        name = name.replace("__", "_")
    return name.strip(" ._")


def _truncate(text: str, max_bytes: int) -> str:
    if len(text.encode()) <= max_bytes:
        return text
    cut = text.encode()[:max_bytes].decode(errors="ignore")
    # don't leave a Thai consonant without the vowel or tone mark that followed it
    while cut and len(cut) < len(text) and unicodedata.category(text[len(cut)])[0] == "M":
        cut = cut[:-1]
    return cut.rstrip(" ._")


def safe_filename(name: str, max_bytes: int = UploadLimits.filename_max_bytes) -> str:
    """The last path component of `name`, without separators, '..', control characters or
    Windows-reserved names, at most max_bytes of UTF-8; Thai is kept. Never empty."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _clean(base)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem, ext = stem.strip(" ._"), _clean(ext).replace(".", "")[:16]
    if not stem:
        stem = "file"
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    suffix = f".{ext.lower()}" if ext else ""
    return (_truncate(stem, max_bytes - len(suffix.encode())) or "file") + suffix


def member_name_problem(name: str) -> str | None:
    """Why a zip member name is unsafe to extract, or None."""
    if not name:
        return "empty name"
    if any(unicodedata.category(c) == "Cc" for c in name):
        return "control character in name"
    if "\\" in name:
        return "backslash in name"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    if ".." in PurePosixPath(name).parts:
        return "'..' in path"
    return None


# --- content ------------------------------------------------------------------------------------------


def check_upload(
    fileobj: IO[bytes], filename: str, *, max_bytes: int | None = None, limits: UploadLimits | None = None
) -> str:
    """Checks a seekable upload; returns its MIME type or raises UploadRejected."""
    return inspect_upload(fileobj, filename, max_bytes=max_bytes, limits=limits).content_type


def inspect_upload(
    fileobj: IO[bytes], filename: str, *, max_bytes: int | None = None, limits: UploadLimits | None = None
) -> CheckedUpload:
    limits = limits or UploadLimits()
    limit = limits.max_bytes if max_bytes is None else max_bytes
    size = fileobj.seek(0, 2)
    fileobj.seek(0)
    try:
        if size == 0:
            raise UploadRejected("ไฟล์ว่างเปล่า", "the file is empty", "empty")
        if size > limit:
            raise UploadRejected(
                f"ไฟล์มีขนาด {size:,} ไบต์ เกินกำหนด {limit:,} ไบต์",
                f"the file is {size:,} bytes, over the {limit:,}-byte limit",
                "too_large",
            )
        ext = _extension(filename)
        kind = _detect(fileobj, ext, limits)
        if ext not in KINDS[kind][1]:
            raise UploadRejected(
                f"นามสกุล .{ext} ไม่ตรงกับเนื้อหาของไฟล์ ซึ่งเป็น {kind.upper()}",
                f"the extension .{ext} does not match the content, which is {kind.upper()}",
                "mismatch",
            )
        return CheckedUpload(kind, KINDS[kind][0], size)
    finally:
        fileobj.seek(0)


def _extension(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem.strip(". ") or not ext:
        raise UploadRejected(
            "ชื่อไฟล์ต้องมีนามสกุล เช่น .pdf", "the file name needs an extension such as .pdf", "no_extension"
        )
    return ext.lower()


def _detect(fileobj: IO[bytes], ext: str, limits: UploadLimits) -> str:
    head = fileobj.read(8192)
    fileobj.seek(0)
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _zip_kind(fileobj, limits)
    guess = filetype.guess(head)
    if guess is not None:
        if guess.extension in _SNIFFED:
            return _SNIFFED[guess.extension]
        _refuse_type(guess.extension.upper())
    if not _is_utf8_text(fileobj):
        if ext in _TEXT_KINDS:
            raise UploadRejected(
                "ไฟล์ข้อความต้องเข้ารหัสเป็น UTF-8 (บันทึกใหม่เป็น UTF-8)",
                "text files must be UTF-8 encoded (save it again as UTF-8)",
                "not_utf8",
            )
        _refuse_type("unrecognised binary data")
    if ext == "json":
        try:
            json.loads(fileobj.read().decode("utf-8-sig"))
        except ValueError:
            raise UploadRejected("ไฟล์ JSON ไม่ถูกต้อง", "the file is not valid JSON", "bad_json") from None
    return ext if ext in _TEXT_KINDS else "txt"


def _refuse_type(detected: str) -> None:
    allowed = "PDF, PNG, JPEG, GIF, WebP, DOCX, XLSX, PPTX, ODT, ODS, TXT, CSV, JSON, ZIP"
    raise UploadRejected(
        f"ไม่รับไฟล์ประเภทนี้ (เนื้อหาเป็น {detected}); รับเฉพาะ {allowed}",
        f"this file type is not accepted (content is {detected}); accepted: {allowed}",
        "type_not_allowed",
    )


def _is_utf8_text(fileobj: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fileobj.read(CHUNK):
            text = decoder.decode(chunk)
            if _CONTROL_CHARS.search(text):
                return False
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False
    finally:
        fileobj.seek(0)


# --- zip-based content --------------------------------------------------------------------------------


def _zip_kind(fileobj: IO[bytes], limits: UploadLimits) -> str:
    try:
        with zipfile.ZipFile(fileobj) as zf:
            check_zip(zf, limits)
            names = set(zf.namelist())
            if "[Content_Types].xml" in names:
                types = _read_capped(zf, "[Content_Types].xml", MiB)
                if b"macroEnabled" in types:
                    raise UploadRejected(
                        "ไม่รับไฟล์ Office ที่มีมาโคร", "macro-enabled Office files are not accepted", "macro"
                    )
                for marker, kind in _OOXML_MAIN.items():
                    if marker in types:
                        return kind
            if "mimetype" in names:
                odf_kind = _ODF_MIME.get(_read_capped(zf, "mimetype", 256).strip())
                if odf_kind:
                    return odf_kind
            return "zip"
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        NotImplementedError,
        OSError,
    ) as exc:
        raise UploadRejected(
            "ไฟล์ zip เสียหายหรืออ่านไม่ได้", f"the zip file is damaged or unreadable ({exc})", "zip_corrupt"
        ) from None


def check_zip(zf: zipfile.ZipFile, limits: UploadLimits) -> None:
    """Refuses zip bombs and unsafe members, then reads every member (bounded) so a lying header
    or a damaged member is caught by its CRC."""
    infos = zf.infolist()
    if len(infos) > limits.zip_max_members:
        raise UploadRejected(
            f"ไฟล์ zip มี {len(infos):,} รายการ เกินกำหนด {limits.zip_max_members:,}",
            f"the zip has {len(infos):,} members, over the limit of {limits.zip_max_members:,}",
            "zip_members",
        )
    total = compressed = 0
    for info in infos:
        problem = member_name_problem(info.filename)
        if problem:
            raise UploadRejected(
                f"ไฟล์ zip มีชื่อที่ไม่ปลอดภัย: {info.filename!r}",
                f"the zip has an unsafe member name {info.filename!r} ({problem})",
                "zip_unsafe_name",
            )
        if info.flag_bits & 0x1:
            raise UploadRejected(
                "ไม่รับไฟล์ zip ที่เข้ารหัส", "encrypted zip files are not accepted", "zip_encrypted"
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UploadRejected(
                f"ไฟล์ zip มีลิงก์สัญลักษณ์: {info.filename!r}",
                f"the zip has a symbolic link {info.filename!r}",
                "zip_symlink",
            )
        _check_ratio(info.file_size, info.compress_size, limits)
        total += info.file_size
        compressed += info.compress_size
    if total > limits.zip_max_total_bytes:
        raise UploadRejected(
            f"ไฟล์ zip เมื่อแตกแล้วมีขนาด {total:,} ไบต์ เกินกำหนด {limits.zip_max_total_bytes:,}",
            f"the zip expands to {total:,} bytes, over the {limits.zip_max_total_bytes:,}-byte limit",
            "zip_too_large",
        )
    _check_ratio(total, compressed, limits)
    budget = limits.zip_max_total_bytes
    for info in infos:
        if not info.is_dir():
            budget -= sum(len(c) for c in _member_chunks(zf, info, budget))


def _check_ratio(size: int, compressed: int, limits: UploadLimits) -> None:
    if size > limits.zip_ratio_floor and size > limits.zip_max_ratio * max(compressed, 1):
        ratio = size / max(compressed, 1)
        raise UploadRejected(
            f"ไฟล์ zip บีบอัดไว้สูงผิดปกติ ({ratio:,.0f} เท่า) อาจเป็น zip bomb",
            f"the zip is compressed {ratio:,.0f} to 1, over the limit of {limits.zip_max_ratio:,.0f} (zip bomb?)",
            "zip_ratio",
        )


def _member_chunks(zf: zipfile.ZipFile, member: str | zipfile.ZipInfo, cap: int) -> Iterator[bytes]:
    """A member's content in chunks, refusing it past `cap` bytes."""
    n = 0
    with zf.open(member) as fh:
        while chunk := fh.read(min(CHUNK, cap - n + 1)):
            n += len(chunk)
            if n > cap:
                raise UploadRejected(
                    "ไฟล์ zip เมื่อแตกแล้วใหญ่เกินกำหนด", "the zip expands beyond the size limit", "zip_too_large"
                )
            yield chunk


def _read_capped(zf: zipfile.ZipFile, member: str, cap: int) -> bytes:
    return b"".join(_member_chunks(zf, member, cap))
