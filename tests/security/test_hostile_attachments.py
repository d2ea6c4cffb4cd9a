"""Attachments are documents and images, filed and served as downloads, never as pages.

The finding: an HTML file a village user attached, opened by a county user, ran in the app's
own origin with the county user's session. Now HTML and SVG are refused at upload; a file
stored before the gate existed is served as an opaque download in a sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fangpin.accounts.models import User
from fangpin.monitoring import services as monitoring
from fangpin.registry.models import ArchiveDocument, Household
from tests.conftest import BAOFENG, BAOFENG_VILLAGE
from tests.registry.helpers import make_household

from .hostile import HTML, PNG, SVG

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(make_user: Callable[..., User]) -> User:
    return make_user("village", BAOFENG_VILLAGE)


@pytest.fixture
def case_id(village: User) -> int:
    household = make_household(village, BAOFENG_VILLAGE)
    case = monitoring.case_create(
        user=village,
        household=household,
        channel="self_report",
        category="marginal",
        risk_types=["01"],
    )
    return case.pk


def _safe_download(response: Any, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


@pytest.mark.parametrize(
    ("name", "content"),
    [("说明.html", HTML), ("照片.svg", SVG), ("consent.pdf", HTML), ("photo.png", SVG)],
)
def test_html_and_svg_are_refused_at_upload_whatever_their_name(
    api_as: Callable[..., Any], village: User, case_id: int, name: str, content: bytes
) -> None:
    client = api_as("village", BAOFENG_VILLAGE, village.username)
    response = client.api(
        "POST",
        f"/cases/{case_id}/attachments",
        {"kind": "consent", "file": SimpleUploadedFile(name, content, "application/pdf")},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "file_type_not_allowed"
    assert "HTML" in response.json()["detail"]
    assert not ArchiveDocument.objects.exists()


def test_html_is_refused_on_the_household_document_page(
    village: User, make_user: Callable[..., User]
) -> None:
    from django.test import Client

    household = make_household(village, BAOFENG_VILLAGE)
    client = Client()
    client.force_login(village)
    page = client.post(
        reverse("registry:document_add", args=[household.pk]),
        {"kind": "其他", "title": "说明", "file": SimpleUploadedFile("说明.htm", HTML)},
    )
    assert page.status_code == 400
    assert "不能上传" in page.content.decode()
    assert not ArchiveDocument.objects.exists()


def test_an_oversized_attachment_answers_413(
    api_as: Callable[..., Any], village: User, case_id: int
) -> None:
    big = b"%PDF-1.4\n" + b"0" * (21 << 20)
    response = api_as("village", BAOFENG_VILLAGE, village.username).api(
        "POST",
        f"/cases/{case_id}/attachments",
        {"kind": "consent", "file": SimpleUploadedFile("a.pdf", big)},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"


def test_a_document_is_stored_under_its_real_type_and_served_as_a_download(
    api_as: Callable[..., Any], village: User, case_id: int
) -> None:
    client = api_as("village", BAOFENG_VILLAGE, village.username)
    created = client.api(
        "POST",
        f"/cases/{case_id}/attachments",
        {"kind": "notice_photo", "file": SimpleUploadedFile("公示.jpeg.exe", PNG)},
    )
    assert created.status_code == 201, created.json()
    document = ArchiveDocument.objects.get()
    assert document.file.name.endswith(".png")

    county = api_as("county", BAOFENG)
    response = county.api("GET", created.json()["url"])
    _safe_download(response, "image/png")
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize(("name", "content"), [("通知.html", HTML), ("图.svg", SVG)])
def test_an_html_file_stored_before_the_gate_is_opened_by_another_user_as_a_download(
    api_as: Callable[..., Any],
    make_user: Callable[..., User],
    village: User,
    name: str,
    content: bytes,
) -> None:
    household = make_household(village, BAOFENG_VILLAGE)
    case = monitoring.case_create(
        user=village,
        household=household,
        channel="self_report",
        category="marginal",
        risk_types=["01"],
    )
    # Stored as an upload before this change would have stored it (the gate now refuses it).
    legacy = ArchiveDocument(household=household, kind="其他", title="通知", uploaded_by=village)
    legacy.file.save(name, ContentFile(content), save=True)
    county = make_user("county", BAOFENG)

    from django.test import Client

    browser = Client()
    browser.force_login(county)
    page = browser.get(reverse("registry:document_download", args=[household.pk, legacy.pk]))
    api = api_as("county", BAOFENG, county.username).api(
        "GET", f"/cases/{case.pk}/attachments/{legacy.pk}"
    )

    for response in (page, api):
        _safe_download(response, "application/octet-stream")
        assert "text/html" not in response["Content-Type"]
        assert b"".join(response.streaming_content) == content
    assert Household.objects.count() == 1


def test_attachments_are_not_served_from_a_public_media_url(
    api_as: Callable[..., Any], village: User, case_id: int
) -> None:
    client = api_as("village", BAOFENG_VILLAGE, village.username)
    client.api(
        "POST",
        f"/cases/{case_id}/attachments",
        {"kind": "consent", "file": SimpleUploadedFile("c.pdf", b"%PDF-1.4 x")},
    )
    document = ArchiveDocument.objects.get()
    detail = api_as("county", BAOFENG).api("GET", f"/cases/{case_id}").json()
    assert detail["attachments"][0]["url"] == f"/api/v1/cases/{case_id}/attachments/{document.pk}"


def _zip(names: list[str]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "jpeg"),
        (b"GIF89a" + b"\x00" * 16, "gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
        (_zip(["[Content_Types].xml", "word/document.xml"]), "docx"),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), "xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16, "ole"),
        ("入户核实情况说明\n".encode("gb18030"), "text"),
        (HTML, None),
        (SVG, None),
        (b"  \n<html><body>x</body></html>", None),
        (_zip(["payload.exe"]), None),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),
    ],
)
def test_only_documents_and_images_pass_the_attachment_gate(
    content: bytes, expected: str | None
) -> None:
    import io

    from fangpin.core import files

    if expected is None:
        with pytest.raises(files.FileTypeRefused):
            files.admit(io.BytesIO(content), limits=files.ATTACHMENT)
    else:
        assert files.admit(io.BytesIO(content), limits=files.ATTACHMENT).type == expected
