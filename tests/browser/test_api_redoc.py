"""The Redoc page under the CSP, in Chromium: drawn with its styles (carrying the nonce), search working."""

import re

import pytest

from tcvn_portal.tenancy.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_redoc_is_drawn_with_its_styles_under_the_csp(
    live_server, page, log_in, tenant_a, member_factory, organization_factory
):
    user = member_factory(tenant_a, Role.BUSINESS, organization=organization_factory(tenant_a))
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, user)
    response = page.goto(f"{live_server.url}/api/redoc/")
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy
    nonce = re.search(r"style-src 'self' 'nonce-([^']+)'", policy).group(1)
    page.locator("h1", has_text="TCVN Portal API").wait_for()
    # Redoc draws with styled-components, which put the page's nonce on their <style> element.
    drawn = page.evaluate("[...document.querySelectorAll('style[data-styled]')].map(s => s.nonce)")
    assert drawn == [nonce]
    # And the styles apply: the menu is a narrow column beside the content (unstyled, one long column).
    menu = page.locator(".menu-content").bounding_box()
    content = page.locator(".api-content").bounding_box()
    assert menu["width"] < 400 and content["x"] >= menu["x"] + menu["width"]
    # perfect-scrollbar's rules, refused inline, apply from the page's stylesheet.
    assert page.evaluate("getComputedStyle(document.querySelector('.ps')).overflow") == "hidden"
    # Its search runs in the worker it makes from a blob, which this page allows.
    page.fill("input[placeholder='Search...']", "organizations")
    page.locator("[data-role='search:results'] li").first.wait_for()
    # What the CSP still refuses, harmlessly: the <style> elements Redoc's bundle inserts as it loads,
    # before it has the nonce (perfect-scrollbar's rules, served from static/css/redoc.css instead, and an
    # empty one), and Redocly's logo from its CDN (no request leaves for a third party).
    inline = [text for text in refused if text.startswith("Applying inline style")]
    others = [text for text in refused if text not in inline]
    assert len(inline) <= 2 and all("cdn.redoc.ly" in text for text in others), refused
