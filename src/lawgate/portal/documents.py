"""The legal-process PDF an officer uploads: size-limited, sniffed for PDF, hashed with SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

from lawgate.errors import InvalidInputError

MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
CHUNK = 1 << 20
MAX_NAME = 255
FIELD = "legal_process.document"


@dataclass(frozen=True)
class Document:
    """What lawgate keeps of an uploaded document: its name, its hash and its size."""

    name: str
    sha256: str
    size: int


class DocumentRejectedError(InvalidInputError):
    """The upload is not an acceptable legal-process PDF."""


def clean_name(filename: str) -> str:
    """The file's own name, without any folder a browser sent, printable and at most 255 long."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(c for c in base if c.isprintable()).strip()
    return printable[:MAX_NAME] or "document.pdf"


def read_pdf(filename: str | None, stream: BinaryIO, limit: int = MAX_BYTES) -> Document | None:
    """Hash an uploaded PDF while reading it; None when no file was chosen at all."""
    head = stream.read(len(PDF_MAGIC))
    if not filename and not head:
        return None
    name = clean_name(filename or "")
    if not head:
        raise DocumentRejectedError(f"the file {name!r} is empty", FIELD)
    if head != PDF_MAGIC:
        raise DocumentRejectedError(
            f"the file {name!r} is not a PDF (a PDF starts with '%PDF-'); upload the signed "
            "legal process as PDF",
            FIELD,
        )
    digest = hashlib.sha256(head)
    size = len(head)
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise DocumentRejectedError(
                f"the file {name!r} is larger than the limit of {limit / 1048576:g} MB", FIELD
            )
        digest.update(chunk)
    return Document(name, digest.hexdigest(), size)
