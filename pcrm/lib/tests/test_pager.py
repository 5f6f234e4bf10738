"""The shared pager keeps a list's filters and names its page parameter."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def _render(url: str, number: int, **extra: str) -> str:
    page = Paginator(list(range(50)), 10).page(number)
    request = RequestFactory().get(url)
    return render_to_string("includes/pager.html", {"page": page, **extra}, request=request)


def test_links_keep_the_other_filters() -> None:
    html = _render("/complaints/?status=open&page=2", 2)
    assert 'href="?status=open&amp;page=1"' in html
    assert 'href="?status=open&amp;page=3"' in html
    assert "第 2 / 5 页" in html


def test_first_and_last_pages_have_one_link() -> None:
    assert 'rel="prev"' not in _render("/x/", 1)
    assert 'rel="next"' not in _render("/x/?page=5", 5)


def test_own_parameter_and_anchor() -> None:
    html = _render("/worklist/unassigned/?page=3", 1, param="cpage", anchor="#unassigned")
    assert 'href="?page=3&amp;cpage=2#unassigned"' in html


def test_single_page_renders_nothing() -> None:
    page = Paginator([1, 2], 10).page(1)
    request = RequestFactory().get("/x/")
    assert render_to_string("includes/pager.html", {"page": page}, request=request).strip() == ""
