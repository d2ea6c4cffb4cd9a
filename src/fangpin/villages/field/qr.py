"""QR codes (segno) pointing at a village's public page, as SVG."""

from __future__ import annotations

import io

import segno


def qr_code(url: str) -> segno.QRCode:
    """The code for `url`: error correction M (a printed board gets dirty), the smallest fit."""
    return segno.make(url, error="m", micro=False, boost_error=False)


def qr_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="svg", scale=8, border=4, xmldecl=True, title=url)
    return buffer.getvalue()
