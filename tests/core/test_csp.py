"""The Content-Security-Policy: every response carries it, strict for scripts and styles, and no
template needs an exception (no inline script, no on…= handler, no javascript: URL, no inline
style). The browser tests (tests/browser) fail on any violation Chromium reports."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from tests.conftest import make_user, with_role

PACKAGE = Path(__file__).resolve().parents[2] / "maarid"
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))
SCRIPTS = sorted(p for p in PACKAGE.glob("*/static/**/*.js"))

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["'{]""", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["'{]""", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
EVAL = re.compile(r"\beval\s*\(|new\s+Function\s*\(|set(?:Timeout|Interval)\s*\(\s*['\"`]")
SET_ATTRIBUTE = re.compile(r"""setAttribute\(\s*["'](?:style|on[a-z]+)["']""")
HTML_WRITE = re.compile(r"(?:innerHTML|outerHTML|insertAdjacentHTML)[^;\n]*\b(?:style|on[a-z]+)=")


def inline_scripts(html: str) -> list[str]:
    """<script> elements that carry code: without src, and not a JSON data block."""
    found = []
    for match in SCRIPT_TAG.finditer(html):
        attributes = match.group(1)
        if re.search(r"\ssrc\s*=", attributes):
            continue
        if re.search(r"""\stype\s*=\s*["']application/(?:ld\+)?json["']""", attributes):
            continue
        found.append(match.group(0))
    return found


def problems(html: str, *, styles=True) -> list[str]:
    found = inline_scripts(html)
    found += [m.group(0) for m in HANDLER.finditer(html)]
    found += [m.group(0) for m in JS_URL.finditer(html)]
    if styles:
        found += [m.group(0) for m in STYLE_ATTRIBUTE.finditer(html)]
        found += [m.group(0) for m in STYLE_TAG.finditer(html)]
    return found


def is_pdf_template(path: Path) -> bool:
    """Documents rendered by WeasyPrint into PDF, never sent to a browser: their CSS is inline.
    They extend core/pdf_base.html, or are named ``*_pdf.html`` (certificates lay out their
    own pages)."""
    text = path.read_text()
    extends = '{% extends "core/pdf_base.html" %}' in text
    return path.name.endswith(("_pdf.html", "pdf_base.html")) or extends


def directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in parts}


# --- The templates -------------------------------------------------------------------------


def test_the_templates_are_found():
    assert len(TEMPLATES) > 50 and any(p.name == "base.html" for p in TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_template_has_an_inline_script_a_handler_or_an_inline_style(path):
    source = TEMPLATE_COMMENT.sub("", path.read_text())
    assert not problems(source, styles=not is_pdf_template(path))


def test_the_scan_sees_what_it_must_refuse():
    assert problems('<script>alert(1)</script><script type="module">x()</script>')
    assert problems("<select onchange=\"this.form.submit()\"><form onSubmit='x'>")
    assert problems('<a href="javascript:void(0)">') and problems('<div style="width:3%">')
    assert problems("<style>p{}</style>")
    assert not problems('<script src="/static/a.js" defer></script>')
    assert not problems('<script id="s" type="application/json">{"a": 1}</script>')
    assert not problems('<p data-onchange="x" class="online">onclick=</p>')


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_our_scripts_need_no_eval_and_write_no_inline_style_or_handler(path):
    """Styles set through element.style (CSSOM) are allowed; a style= attribute is not."""
    code = path.read_text()
    assert not EVAL.search(code)
    assert not SET_ATTRIBUTE.search(code)
    assert not HTML_WRITE.search(code)


# --- The header on every response ------------------------------------------------------------


def test_the_policy_is_strict():
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def assert_strict(response, address):
    """The strict policy; a page with the shared QR scanner may also make its worker from a
    ``blob:`` URL (core/scanner.py), and no other page."""
    policy = response.get("Content-Security-Policy")
    assert policy, f"no Content-Security-Policy on {address} ({response.status_code})"
    found = directives(policy)
    assert found["default-src"] == ["'self'"], address
    for name in ("script-src", "style-src"):
        assert found[name] == ["'self'"], (address, name, found[name])
    assert found["object-src"] == ["'none'"], address
    assert found["frame-ancestors"] == ["'none'"], address
    assert found["base-uri"] == ["'self'"] and found["form-action"] == ["'self'"], address
    assert found["img-src"] == ["'self'", "data:"], address
    assert found["connect-src"] == ["'self'"], address
    scanning = b"data-scanner" in getattr(response, "content", b"")
    workers = ["'self'", "blob:"] if scanning else ["'self'"]
    assert found["worker-src"] == workers, (address, found["worker-src"])


def named_urls(patterns=None, namespace=None, params=frozenset()):
    """Every named URL of the site with the parameters its path takes."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        found = set(getattr(pattern.pattern, "converters", {}))
        regex = getattr(pattern.pattern, "regex", None)
        found |= set(regex.groupindex) if regex is not None else set()
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from named_urls(pattern.url_patterns, inner, params | found)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), params | found


@pytest.fixture
def pages(edition):
    """The address of every page that takes no parameter or only the edition's."""
    values = {"series": edition.series.slug, "number": edition.number}
    addresses = {"/api/docs", "/api/openapi.json", "/en/no-such-page/"}
    with translation.override("en"):
        for name, params in named_urls():
            if name.startswith("api:") or not params <= set(values):
                continue  # the API's JSON answers are checked on their own below
            addresses.add(reverse(name, kwargs={k: values[k] for k in params}))
    return sorted(addresses)


@pytest.mark.django_db
def test_every_page_carries_the_strict_policy_and_no_inline_code(pages, edition):
    from maarid.core.access import Role

    admin = make_user("admin", is_staff=True, is_superuser=True)
    user = with_role(admin, edition.series, Role.ORGANISER)
    clients = {"visitor": Client(), "organiser": Client()}
    clients["organiser"].force_login(user)
    seen_html = 0
    for who, client in clients.items():
        for address in pages:
            response = client.get(address)
            assert_strict(response, f"{address} as {who}")
            if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
                seen_html += 1
                html = response.content.decode()
                assert not problems(html), (address, who, problems(html)[:3])
    assert seen_html > 100


@pytest.mark.django_db
def test_api_answers_and_errors_carry_the_policy_too(client):
    for address in ("/api/v1/fairs/series", "/api/v1/no-such-thing", "/api/openapi.json"):
        assert_strict(client.get(address), address)
    assert_strict(client.post("/en/login/", {"username": "x", "password": "y"}), "login post")


@pytest.mark.django_db
def test_the_usual_header_written_once_leaves_the_scanner_pages_their_own(client, settings):
    """The header of responses that keep the policy is built once per process
    (core.policy): a scanner page in between still gets its worker-src, the pages after it
    do not, and a change of the settings is followed at once."""
    about = "/en/about/"
    first = directives(client.get(about)["Content-Security-Policy"])
    assert directives(client.get("/en/verify/")["Content-Security-Policy"])["worker-src"] == [
        "'self'",
        "blob:",
    ]
    assert directives(client.get(about)["Content-Security-Policy"]) == first
    changed = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": changed}
    assert directives(client.get(about)["Content-Security-Policy"])["img-src"] == ["'self'"]
