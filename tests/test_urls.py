"""URL normalisation: every variant of an article's URL meets in one canonical form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.urls import canonical_url, is_tracking_param, same_site


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM/a/b?x=1", "http://example.com/a/b?x=1"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?fbclid=XYZ&gclid=1", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com//a//b", "https://example.com/a/b"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_tracking_params() -> None:
    assert is_tracking_param("utm_campaign") and is_tracking_param("FBCLID")
    assert not is_tracking_param("id") and not is_tracking_param("page")


def test_same_site_ignores_www_but_not_port_or_host() -> None:
    assert same_site("https://www.example.com/a", "https://example.com/b")
    assert not same_site("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a")
    assert not same_site("https://example.com/a", "https://example.org/a")


urls = st.builds(
    lambda host, path, params, frag: f"https://{host}/{path}?{'&'.join(f'{k}={v}' for k, v in params)}#{frag}",
    st.sampled_from(["Example.com", "news.example.org", "WWW.example.net:8443"]),
    st.text(alphabet="abcxyz/-_0123", max_size=20),
    st.lists(
        st.tuples(st.sampled_from(["utm_source", "id", "page", "fbclid", "q"]), st.text("abc12", max_size=4)),
        max_size=4,
    ),
    st.text("abc", max_size=5),
)


@given(urls)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "utm_" not in once and "fbclid" not in once and "#" not in once
