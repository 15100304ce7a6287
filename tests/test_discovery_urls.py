"""URL heuristics (article vs listing page) and URL list files."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from newscrawl.discovery.urls import (
    BadLine,
    UrlArgumentError,
    checked_urls,
    is_article_url,
    is_page_url,
    read_url_file_argument,
    read_url_list,
    url_problem,
)

if TYPE_CHECKING:
    from pathlib import Path

ARTICLE_URLS = [
    "https://news.example.com/2022/09/07/storm-hits-the-coast/",
    "https://news.example.com/2022/09/07/storm",
    "https://news.example.com/2022/09/storm-hits/",
    "https://news.example.com/world/2022/9/7/slug/",
    "https://news.example.com/20220907/storm-hits-the-coast",
    "https://news.example.com/world/europe/talks-resume-in-geneva-after-long-pause",
    "https://www.example.co.uk/news/world-europe-62834567",
    "https://news.example.com/politics/123456",
    "https://news.example.com/world/talks-resume.html",
    "https://news.example.com/world/article-123.shtml",
    "https://news.example.com/article/abc",
    "https://news.example.com/story/geneva",
    "https://news.example.com/news/storm-hits-coast",
    "https://example.substack.com/p/why-we-wrote-this",
    "https://news.example.com/2022/09/07/about-the-contact-tracing-app/",
]

NON_ARTICLE_URLS = [
    "https://news.example.com/",
    "https://news.example.com",
    "https://news.example.com/?page=2",
    "https://news.example.com/section/world/",
    "https://news.example.com/section/europe/",
    "https://news.example.com/world/",
    "https://news.example.com/world/europe/",
    "https://news.example.com/news/",
    "https://news.example.com/news/world-europe",
    "https://news.example.com/category/politics/",
    "https://news.example.com/tag/x/",
    "https://news.example.com/tags/climate-change-and-energy-policy/",
    "https://news.example.com/topic/geneva-talks/",
    "https://news.example.com/author/x/",
    "https://news.example.com/authors/jane-marie-doe-smith/",
    "https://news.example.com/about/",
    "https://news.example.com/about",
    "https://news.example.com/contact",
    "https://news.example.com/search?q=storm",
    "https://news.example.com/world/page/2/",
    "https://news.example.com/2022/09/07/page/2/",
    "https://news.example.com/privacy",
    "https://news.example.com/terms",
    "https://news.example.com/login",
    "https://news.example.com/subscribe",
    "https://news.example.com/feed/",
    "https://news.example.com/feed.xml",
    "https://news.example.com/rss",
    "https://news.example.com/sitemap_index.xml",
    "https://news.example.com/sitemaps/news-2022-09-07-sitemap.xml.gz",
    "https://news.example.com/2022/09/07/",
    "https://news.example.com/2022/09/",
    "https://news.example.com/2022/",
    "https://news.example.com/index.html",
    "https://news.example.com/images/storm-hits-the-coast-photo-1.jpg",
    "https://news.example.com/static/site-main-bundle-2022.css",
    "https://news.example.com/static/site-main-bundle-2022.js",
    "https://news.example.com/files/annual-report-2022-final-version.pdf",
    "mailto:desk@news.example.com",
    "ftp://news.example.com/2022/09/07/storm-hits-the-coast/",
]


@pytest.mark.parametrize("url", ARTICLE_URLS)
def test_article_urls_are_recognised(url: str) -> None:
    """URLs with a date and slug, a long or numbered slug, a .html slug or an article segment are articles."""
    assert is_article_url(url)


@pytest.mark.parametrize("url", NON_ARTICLE_URLS)
def test_listing_and_service_urls_are_not_articles(url: str) -> None:
    """Home, section, tag, author, service, pagination, archive, feed, sitemap and file URLs are not articles."""
    assert not is_article_url(url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://e.com/", True),
        ("https://e.com/world/", True),
        ("https://e.com/a.html", True),
        ("https://e.com/photo.JPG", False),
        ("https://e.com/feed.rss", False),
        ("https://e.com/sitemap.xml.gz", False),
    ],
)
def test_is_page_url_excludes_files(url: str, expected: bool) -> None:
    """Links to images, feeds, sitemaps and archives are not web pages; everything else may be."""
    assert is_page_url(url) is expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://e.com/a", None),
        ("http://127.0.0.1:8080/a", None),
        ("e.com/a", "no http(s) scheme"),
        ("ftp://e.com/a", "no http(s) scheme"),
        ("https://", "no host"),
        ("https:///path", "no host"),
        ("https://e.com/a b", "contains whitespace"),
        ("http://e.com:notaport/", "unparsable"),
        ("", "empty URL"),
    ],
)
def test_url_problem_names_what_is_wrong(url: str, reason: str | None) -> None:
    """url_problem returns None for a crawlable URL and a short reason otherwise."""
    problem = url_problem(url)
    assert (problem is None) if reason is None else (problem is not None and problem.startswith(reason))


def test_read_url_list_skips_comments_and_reports_bad_lines(tmp_path: Path) -> None:
    """A URL list ignores blanks and comments, keeps first occurrences, and reports bad lines by number."""
    path = tmp_path / "urls.txt"
    path.write_text(
        "\ufeff# articles to fetch\n"
        "https://e.com/2022/09/07/one/\n"
        "\n"
        "   https://e.com/2022/09/07/two/   # the second one\n"
        "e.com/no-scheme\n"
        "https://e.com/2022/09/07/one/\n"
        "https://\n"
        "https://e.com/#fragment-is-fine\n",
        encoding="utf-8",
    )
    urls, problems = read_url_list(path)
    assert urls == ["https://e.com/2022/09/07/one/", "https://e.com/2022/09/07/two/", "https://e.com/#fragment-is-fine"]
    assert problems == [
        BadLine(lineno=5, text="e.com/no-scheme", reason="no http(s) scheme"),
        BadLine(lineno=7, text="https://", reason="no host"),
    ]


def test_read_url_list_missing_file_raises_oserror(tmp_path: Path) -> None:
    """A missing URL list raises OSError, for the caller to report."""
    with pytest.raises(OSError, match="No such file"):
        read_url_list(tmp_path / "missing.txt")


def test_checked_urls_names_the_option_and_the_first_bad_url() -> None:
    """Usable URLs come back unchanged; the first unusable one is reported with the option that gave it."""
    assert checked_urls("--url", ["https://a.example/", "http://b.example/x"]) == ["https://a.example/", "http://b.example/x"]
    with pytest.raises(UrlArgumentError, match=r"^--url: 'b\.example/x' is not a usable URL \(no http\(s\) scheme\)$"):
        checked_urls("--url", ["https://a.example/", "b.example/x"])


def test_url_file_argument_errors_name_the_option_file_and_reason(tmp_path: Path) -> None:
    """A missing file and a file with no usable URL are errors naming the option; bad lines come back with the URLs."""
    with pytest.raises(UrlArgumentError, match=r"^-a urls_file: cannot read '.*missing\.txt' \(No such file or directory\)$"):
        read_url_file_argument("-a urls_file", str(tmp_path / "missing.txt"))
    only_bad = tmp_path / "bad.txt"
    only_bad.write_text("# list\nnot-a-url\n", encoding="utf-8")
    with pytest.raises(UrlArgumentError, match=r"holds no URLs; 1 malformed line\(s\), the first at line 2$"):
        read_url_file_argument("--urls-file", str(only_bad))
    mixed = tmp_path / "mixed.txt"
    mixed.write_text("https://a.example/1\nnope\n", encoding="utf-8")
    urls, problems = read_url_file_argument("--urls-file", str(mixed))
    assert urls == ["https://a.example/1"]
    assert problems == [BadLine(lineno=2, text="nope", reason="no http(s) scheme")]
