"""Downloads of an enterprise's files: a certificate in the store and a matter's material.

Files live under MEDIA_ROOT (outside the web root; there is no MEDIA_URL) and are only
ever sent through these views, after the access check in selectors. They are always sent
as attachments, with a name built from the material's label (no path, quotes or control
characters) and a content type from a short allow-list, so a browser never renders an
uploaded HTML or SVG file in the platform's origin."""

import re
from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest

from qinqing.catalog import selectors

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".ofd": "application/ofd",
}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\"<>:*?|;]+')
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")


def download_name(label: str, stored_name: str) -> str:
    """`label` made safe for Content-Disposition, with the stored file's extension."""
    suffix = PurePosixPath(stored_name or "").suffix.lower()
    base = _UNSAFE.sub(" ", label or "").strip(" .")[:80] or "material"
    return base + (suffix if _SUFFIX.match(suffix) else "")


def _send(file: FieldFile, label: str) -> FileResponse:
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("文件不存在") from exc
    name = download_name(label, file.name or "")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(PurePosixPath(name).suffix, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def certificate_file(request: HttpRequest, pk: int) -> FileResponse:
    cert = selectors.access_certificate_file(request.user, pk, request=request)
    return _send(cert.file, f"{cert.name}-{cert.number}")


@login_required
def material_file(request: HttpRequest, pk: int, row: int) -> FileResponse:
    material = selectors.access_material_file(request.user, pk, row, request=request)
    if material.file:
        return _send(material.file, material.material.name)
    assert material.certificate is not None
    return _send(material.certificate.file, material.material.name)
