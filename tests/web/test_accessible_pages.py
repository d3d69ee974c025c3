"""Accessibility fixes that do not need a browser (the browser test is tests/browser/test_accessibility.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_password_page_is_ours_not_the_admin_s(client, people):
    # django.contrib.admin ships registration/password_change_form.html and is installed first: its page
    # (breadcrumbs to /admin/, a link told apart by colour only) was shown instead of ours.
    client.force_login(people.wang)
    html = client.get(reverse("accounts:password_change")).content.decode()
    assert 'class="skip-link"' in html and 'class="card narrow"' in html
    assert "breadcrumbs" not in html and 'href="/admin/"' not in html


def test_the_bell_is_named_by_its_visible_text(client, people):
    # An aria-label replaced the visible count in the bell's name (WCAG 2.5.3, label in name).
    client.force_login(people.wang)
    html = client.get(reverse("notifications:inbox")).content.decode()
    bell = html[html.index('<a class="bell"') :]
    bell = bell[: bell.index("</a>")]
    assert "aria-label" not in bell
    assert '<span class="bell-label">' in bell


def test_every_page_loads_the_accessibility_stylesheet(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "css/a11y.css" in html
    assert '<html lang="' in html
