"""Vietnamese first: every catalog of ours is complete, and the portal answers in Vietnamese by default."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
CATALOGS = sorted(
    p
    for p in ROOT.rglob("locale/vi/LC_MESSAGES/django.po")
    if ".venv" not in p.parts and "var" not in p.parts
)


def test_there_is_a_vietnamese_catalog():
    assert ROOT / "locale/vi/LC_MESSAGES/django.po" in CATALOGS


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_has_no_untranslated_or_fuzzy_entry(catalog):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalog)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    stats = result.stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats
    assert re.search(r"\d+ translated message", stats)


@pytest.mark.django_db
def test_default_language_is_vietnamese_and_english_is_one_click_away(client):
    page = client.get(reverse("account_login"), follow=True).content.decode()
    assert 'lang="vi"' in page
    assert "Cổng TĐC" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("account_login"), follow=True).content.decode()
    assert 'lang="en"' in page and "TCVN Portal" in page
