"""Photos and other files attached to a case (案件附件).

Every attachment belongs to one timeline event: the report that brought it, the handling
feedback that shows the fixed manhole, or a plain 补充材料 (attach) event. The bytes are kept
in the database with the case, so every seat of a centre sees the same files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.domain.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024  # a phone photo is 2–8 MB; 20 MB leaves room, refuses videos

# Image formats recognised by their first bytes (the extension can lie).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


def sniff_image(data: bytes) -> str | None:
    """The MIME type of an image from its magic bytes, or None."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True, slots=True)
class Photo:
    """An image to attach: its file name, bytes and type."""

    name: str
    data: bytes
    mime: str

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> Photo:
        name = Path(name).name or "photo"
        if not data:
            raise DomainError(f"{name} is empty: attach a photo (JPEG, PNG, GIF, BMP or WEBP)")
        if len(data) > MAX_BYTES:
            raise DomainError(f"{name} is {len(data) / 1e6:.1f} MB; photos are limited to "
                              f"{MAX_BYTES // (1024 * 1024)} MB each")
        mime = sniff_image(data)
        if mime is None:
            raise DomainError(f"{name} is not an image this system can show: attach a photo "
                              "in JPEG, PNG, GIF, BMP or WEBP format")
        return cls(name, data, mime)

    @classmethod
    def from_path(cls, path: str | Path) -> Photo:
        p = Path(path)
        try:
            size = p.stat().st_size
            if size > MAX_BYTES:
                raise DomainError(f"{p.name} is {size / 1e6:.1f} MB; photos are limited to "
                                  f"{MAX_BYTES // (1024 * 1024)} MB each")
            data = p.read_bytes()
        except OSError as exc:
            raise DomainError(f"Cannot read {p}: {exc.strerror or exc}") from exc
        return cls.from_bytes(p.name, data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class Attachment:
    """A stored attachment (without its bytes)."""

    id: int
    case_number: str
    event_seq: int
    name: str
    mime: str
    size: int
    sha256: str
    added_at: datetime
    added_by: str
