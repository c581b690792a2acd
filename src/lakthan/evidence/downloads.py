"""How a stored file of evidence is handed out: one rule for the web pages and the API."""

from __future__ import annotations

from django.http import FileResponse

from lakthan.evidence import services as ev
from lakthan.evidence.models import EvidenceRevision

# Types shown inline in the preview; everything else is only downloaded.
PREVIEWABLE = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


def previewable(revision: EvidenceRevision | None) -> bool:
    return bool(revision and revision.blob_id and revision.blob.content_type in PREVIEWABLE)


def file_response(revision: EvidenceRevision, *, inline: bool = False) -> FileResponse:
    """The revision's stored file, inline only when its type is previewable, as an attachment otherwise.

    Raises the blob store's LakthanError when the file is missing from the store."""
    inline = inline and previewable(revision)
    response = FileResponse(
        ev.blob_store().open(revision.blob_id),
        as_attachment=not inline,
        filename=revision.filename or f"evidence-{revision.evidence_id}-{revision.number}",
        content_type=revision.blob.content_type if inline else "application/octet-stream",
    )
    response["X-Evidence-SHA256"] = revision.blob_id
    # The file is the agency's own, but never let it run script in our origin.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
    )
    if revision.blob.content_type == "application/pdf":
        # The browser's PDF viewer runs neither sandboxed nor under default-src 'none'; the file is
        # still only framed by our own pages and is never HTML (types are checked by content).
        response["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response
