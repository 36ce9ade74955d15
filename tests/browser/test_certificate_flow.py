"""Someone checks a certificate on a phone in Arabic: by its QR code read with the phone's
camera (Chromium's fake camera plays a video of the printed code), by its typed code, and sees
that it is genuine, or revoked."""

import pytest
import segno
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from maarid.core import services
from maarid.core.certificates import CertificateSpec, Issuer, verify_url
from tests.browser.conftest import CHROMIUM, FLAGS, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ar-MA",
}


def certificate(settings, live_server, n=0):
    settings.MAARID_SITE_URL = live_server.url
    issuer = Issuer(
        group="test:1", series_id=None, name_ar="المعرض الجهوي", name_fr="Salon régional"
    )
    spec = CertificateSpec(
        kind="test.participation",
        subject=f"person:{n}",
        title_ar="شهادة مشاركة",
        title_fr="Certificat de participation",
        holder_name_ar="فاطمة الزهراء بنعلي",
        holder_name_latin="Fatima Zahra Benali",
        lines=(("لحضورها ندوة تدبير التعاونيات", "pour sa présence au séminaire"),),
    )
    return services.issue_certificates(actor=None, issuer=issuer, specs=[spec])[0]


def test_a_typed_code_shows_a_genuine_certificate_then_a_revoked_one_in_arabic(
    browser, live_server, settings, organiser
):
    issued = certificate(settings, live_server)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/ar/verify/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # No camera in this browser: the button is there, the typed field is the way in.
    field = page.locator(".scanner-typed input")
    field.fill(issued.code.lower())  # typed in lower case, without dashes
    screenshot(page, "certificate-check-ar-phone")
    field.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/ar/verify/{issued.display_code}/")
    expect(page.locator(".verdict.genuine")).to_be_visible()
    expect(page.get_by_text("فاطمة الزهراء بنعلي")).to_be_visible()
    screenshot(page, "certificate-genuine-ar-phone")

    services.revoke_certificate(actor=organiser, certificate=issued, reason="خطأ في الاسم")
    page.reload()
    expect(page.locator(".verdict.revoked")).to_be_visible()
    expect(page.get_by_text("خطأ في الاسم")).to_be_visible()
    screenshot(page, "certificate-revoked-ar-phone")
    context.close()


def test_the_camera_button_says_in_arabic_when_there_is_no_camera(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/ar/verify/")
    page.locator("[data-scanner-start]").click()
    status = page.locator(".scanner-status")
    expect(status).to_have_class("scanner-status error")
    # Headless Chromium has no camera: it says so in the page's language.
    with translation.override("ar"):
        said = gettext("No camera was found on this device. Type the code below.")
    expect(status).to_have_text(said)
    screenshot(page, "scanner-no-camera-ar-phone")
    context.close()


def y4m_of(text: str, path, frames: int = 30) -> None:
    """A short grey-scale video (YUV4MPEG2, 4:2:0) of ``text``'s QR code on white, which
    Chromium's fake camera plays in a loop."""
    qr = segno.make(text, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    size, border = len(matrix), 4
    width = height = 480
    # Within the middle two thirds of the picture, where qr-scanner looks.
    scale = (height * 5 // 9) // (size + 2 * border)
    side = scale * (size + 2 * border)
    top, left = (height - side) // 2, (width - side) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y in range(size):
        for x in range(size):
            if matrix[y][x]:
                for dy in range(scale):
                    row = (top + (y + border) * scale + dy) * width
                    start = row + left + (x + border) * scale
                    luma[start : start + scale] = b"\x00" * scale
    chroma = b"\x80" * (width * height // 4)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(luma)
            out.write(chroma)
            out.write(chroma)


def test_a_certificates_qr_code_read_by_the_phones_camera_opens_its_page(
    browser, live_server, settings, tmp_path
):
    """Chromium's fake camera plays a video of the certificate's printed QR code: the scanner
    reads it and the page goes to the certificate's check."""
    issued = certificate(settings, live_server)
    video = tmp_path / "qr.y4m"
    y4m_of(verify_url(issued), video)
    camera = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    # Another Chromium of the same Playwright, with a camera.
    with_camera = browser.browser_type.launch(
        executable_path=CHROMIUM, args=FLAGS + camera, headless=True
    )
    try:
        context = with_camera.new_context(**PHONE)
        context.grant_permissions(["camera"], origin=live_server.url)
        page = context.new_page()
        page.set_default_timeout(20000)
        violations = []
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{live_server.url}/ar/verify/")
        page.locator("[data-scanner-start]").click()
        expect(page).to_have_url(f"{live_server.url}/ar/verify/{issued.display_code}/")
        expect(page.locator(".verdict.genuine")).to_be_visible()
        screenshot(page, "certificate-scanned-ar-phone")
    finally:
        with_camera.close()
    assert not violations, violations
