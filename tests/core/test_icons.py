"""The site's icons: /favicon.ico answers, pages and the sales app's manifest name icons that
exist, and the committed files are what scripts/icons.py draws from the one description of the
mark."""

import importlib.util
import io
import json
import mimetypes
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image, ImageChops

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "icons.py"


def icons_script():
    spec = importlib.util.spec_from_file_location("icons", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_favicon_ico_answers_with_an_image_kept_a_week(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "public" in response["Cache-Control"] and "max-age=604800" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    assert content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert Image.open(io.BytesIO(content)).info["sizes"] == {(16, 16), (32, 32), (48, 48)}
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_page_names_the_icons_and_each_one_exists(client, language):
    html = client.get(f"/{language}/").content.decode()
    links = dict(re.findall(r'<link rel="(icon|apple-touch-icon)" href="([^"]+)"', html))
    assert set(links) == {"icon", "apple-touch-icon"}
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', html)
    assert "/favicon.ico" in icons
    for href in icons:
        if href.startswith("/static/"):
            assert finders.find(href.removeprefix("/static/")), href
    assert '<link rel="icon" href="/static/core/icon.svg" type="image/svg+xml">' in html


def test_the_sales_app_installs_with_the_projects_icons(client):
    manifest = json.loads(client.get("/fr/pos/manifest.webmanifest").content)
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path and icon["type"] == mimetypes.guess_type(path)[0]
        if icon["sizes"] != "any":
            assert Image.open(path).size == tuple(map(int, icon["sizes"].split("x")))
    assert [i["purpose"] for i in manifest["icons"] if "purpose" in i] == ["maskable"]


def test_the_committed_icons_are_what_the_script_draws():
    drawn = icons_script().files()
    for name, content in drawn.items():
        committed = Path(finders.find(f"core/{name}")).read_bytes()
        if name.endswith(".svg"):
            assert committed == content, f"{name}: run scripts/icons.py"
            continue
        old, new = Image.open(io.BytesIO(committed)), Image.open(io.BytesIO(content))
        assert old.size == new.size and old.mode == new.mode, name
        # Pixels, not bytes: another zlib may compress the same image differently.
        difference = ImageChops.difference(old.convert("RGBA"), new.convert("RGBA"))
        assert max(high for _, high in difference.getextrema()) <= 2, (
            f"{name}: run scripts/icons.py"
        )


def test_the_phone_icons_have_no_transparency_where_phones_want_none():
    for name in ("apple-touch-icon.png", "icon-maskable-512.png"):
        assert Image.open(finders.find(f"core/{name}")).mode == "RGB"
