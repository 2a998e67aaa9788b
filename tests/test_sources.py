"""sources.yaml: loading with line-numbered mistakes, and editing that keeps comments."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from factcheck.errors import FactcheckError, SourcesError
from factcheck.sources import (
    HEADER,
    Limits,
    NextPageRule,
    Selectors,
    Source,
    add_source,
    build_source,
    find_sources_file,
    load_sources,
    remove_source,
)

REPO = Path(__file__).resolve().parent.parent

GOOD = """\
# Test registry (made up).
sources:
  # The city government.
  - name: city-gov
    publisher: 示例市人民政府
    tier: official
    start_urls:
      - http://www.example.gov.cn/news/index.html
    links: '^http://www\\.example\\.gov\\.cn/doc/\\d{4}/'
    next_page: {css: "a.next"}
    selectors:
      title: h1.title
      date: .pubdate
      body: "#content"
    encoding: gbk
    limits:
      max_pages: 3
      max_documents: 40
      delay: 2.5
      timeout: [5, 20]
      max_bytes: 100000

  # A newspaper.
  - name: daily
    publisher: 示例日报
    tier: media
    start_urls: [http://news.example.com/]   # front page
# end of file
"""


def write(tmp_path: Path, text: str, name: str = "sources.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def mistakes(path: Path) -> list[str]:
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    assert "\n" not in str(info.value)
    assert all("\n" not in p for p in info.value.problems)
    return info.value.problems


def test_load_reads_every_field(tmp_path: Path) -> None:
    city, daily = load_sources(write(tmp_path, GOOD))
    assert city == Source(
        name="city-gov",
        publisher="示例市人民政府",
        tier="official",
        start_urls=["http://www.example.gov.cn/news/index.html"],
        links=r"^http://www\.example\.gov\.cn/doc/\d{4}/",
        next_page=NextPageRule(css="a.next"),
        selectors=Selectors(title="h1.title", date=".pubdate", body="#content"),
        encoding="gbk",
        limits=Limits(
            max_pages=3, max_documents=40, delay=2.5, timeout=(5.0, 20.0), max_bytes=100000
        ),
    )
    assert daily.tier == "media"
    assert daily.limits == Limits()
    assert daily.limits.delay == 1.0
    assert daily.selectors is None and daily.next_page is None


def test_repository_sources_yaml_is_valid() -> None:
    sources = load_sources(REPO / "sources.yaml")
    names = {s.name for s in sources}
    assert len(sources) >= 5
    assert {s.tier for s in sources} == {"official", "media"}
    assert all(s.selectors is None for s in sources)  # generic extraction is the default
    assert any("taiyuan.gov.cn" in url for s in sources for url in s.start_urls)
    assert any("chinapeace.gov.cn" in url for s in sources for url in s.start_urls)
    assert len(names) == len(sources)


def test_every_mistake_is_reported_with_file_line_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
sources:
  - name: one
    publisher: A
    tier: gov
    start_urls: [ftp://example.com/]
    links: '(unclosed'
  - name: two
    tier: official
    start_urls: [http://example.com/]
    selectors: {title: 'h1[', colour: red}
    encoding: klingon
    limits:
      delay: soon
      max_pages: 0
      timeout: [1, 2, 3]
      speed: 9
  - name: one
    publisher: B
    tier: media
    start_urls: [http://example.org/]
    next_page: {xpath: //a}
""",
    )
    problems = mistakes(path)
    expected = [
        (4, "'one': tier", "must be 'official' or 'media'"),
        (5, "'one': start_urls", "not an http(s) URL"),
        (6, "'one': links", "invalid regular expression"),
        (7, "'two': publisher", "required field is missing"),
        (10, "'two': selectors.title", "invalid CSS selector"),
        (10, "'two': selectors.colour", "unknown field"),
        (11, "'two': encoding", "unknown encoding"),
        (13, "'two': limits.delay", "number of seconds"),
        (14, "'two': limits.max_pages", "at least 1"),
        (15, "'two': limits.timeout", "[connect, read]"),
        (16, "'two': limits.speed", "unknown field"),
        (21, "'one': next_page", "exactly one of 'css' or 'regex'"),
    ]
    for line, field, words in expected:
        prefix = f"{path}:{line}: source {field}: "
        assert any(p.startswith(prefix) and words in p for p in problems), (prefix, problems)
    assert len(problems) == len(expected)


def test_duplicate_names_point_at_both_lines(tmp_path: Path) -> None:
    entry = "  - {{name: same, publisher: P, tier: media, start_urls: ['http://e.com/{0}']}}\n"
    path = write(tmp_path, "sources:\n" + entry.format(1) + entry.format(2))
    (problem,) = mistakes(path)
    assert problem.startswith(f"{path}:3: source 'same': name: duplicate name 'same'")
    assert "line 2" in problem


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("sources:\n  - name: x\n    tier: [unclosed\n", 4, "YAML syntax"),
        ("- just\n- a list\n", 1, "top level must be a mapping"),
        ("sources: {name: x}\n", 1, "must be a list of sources"),
        ("sources:\n  - plain string\n", 2, "must be a mapping"),
        ("source:\n  - name: x\n", 1, "unknown top-level key"),
        (
            "sources:\n  - name: has space\n    publisher: P\n    tier: media\n"
            "    start_urls: [http://e.com/]\n",
            2,
            "letters, digits",
        ),
        (
            "sources:\n  - name: x\n    publisher: P\n    tier: media\n    start_urls: http://e.com/\n",
            5,
            "non-empty list",
        ),
    ],
)
def test_single_mistakes(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = write(tmp_path, text)
    problems = mistakes(path)
    assert any(p.startswith(f"{path}:{line}:") and words in p for p in problems), problems


def test_missing_file_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="no such file"):
        load_sources(tmp_path / "absent.yaml")
    assert load_sources(write(tmp_path, "# nothing yet\n")) == []
    assert issubclass(SourcesError, FactcheckError)


def test_find_sources_file_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FACTCHECK_SOURCES", raising=False)
    assert find_sources_file(None) == Path("sources.yaml")
    monkeypatch.setenv("FACTCHECK_SOURCES", str(tmp_path / "env.yaml"))
    assert find_sources_file(None) == tmp_path / "env.yaml"
    assert find_sources_file(tmp_path / "explicit.yaml") == tmp_path / "explicit.yaml"


def new_source(name: str = "added", **changes: object) -> Source:
    fields: dict[str, object] = {
        "name": name,
        "publisher": "新来源",
        "tier": "official",
        "start_urls": ["https://added.example.gov.cn/list/index.html"],
    }
    fields.update(changes)
    return Source(**fields)  # type: ignore[arg-type]


def test_add_keeps_comments_and_order(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    add_source(path, new_source(limits=Limits(delay=3.0, timeout=(4.0, 9.0))))
    text = path.read_text(encoding="utf-8")
    for comment in ("# Test registry", "# The city government.", "# A newspaper.", "# front page"):
        assert comment in text
    assert text.rstrip().endswith("# end of file")
    assert [s.name for s in load_sources(path)] == ["city-gov", "daily", "added"]
    added = load_sources(path)[-1]
    assert added.limits == Limits(delay=3.0, timeout=(4.0, 9.0))
    assert "max_pages" not in text.split("name: added")[1]  # defaults are not written out


def test_add_round_trips_every_field(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    source = new_source(
        links=r"/doc/\d+\.shtml$",
        next_page=NextPageRule(regex=r'<a href="([^"]+)">下一页'),
        selectors=Selectors(body="div.article"),
        encoding="gb18030",
        limits=Limits(max_pages=2, max_documents=9, delay=0.0, timeout=(7.0, 7.0), max_bytes=10),
    )
    add_source(path, source)
    assert load_sources(path) == [source]


def test_add_creates_file_with_header(tmp_path: Path) -> None:
    path = tmp_path / "new" / "sources.yaml"
    path.parent.mkdir()
    add_source(path, new_source())
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# " + HEADER.splitlines()[0])
    assert [s.name for s in load_sources(path)] == ["added"]
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)


def test_add_refuses_duplicates_and_bad_sources_without_writing(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    before = path.read_bytes()
    with pytest.raises(SourcesError, match="'daily' already exists"):
        add_source(path, new_source("daily"))
    with pytest.raises(SourcesError, match="tier"):
        add_source(path, new_source(tier="blog"))
    with pytest.raises(SourcesError, match="not an http"):
        add_source(path, new_source(start_urls=["www.no-scheme.cn"]))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["sources.yaml"]  # no temp file left behind


def test_add_refuses_when_the_file_has_mistakes(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("tier: media", "tier: tabloid"))
    before = path.read_bytes()
    with pytest.raises(SourcesError, match=":26: source 'daily': tier"):
        add_source(path, new_source())
    assert path.read_bytes() == before


def test_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, GOOD)
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        add_source(path, new_source())
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["sources.yaml"]


def test_remove_takes_its_comment_and_keeps_the_others(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    remove_source(path, "city-gov")
    text = path.read_text(encoding="utf-8")
    assert "city-gov" not in text and "# The city government." not in text
    assert "# Test registry" in text and "# A newspaper." in text and "# end of file" in text
    assert [s.name for s in load_sources(path)] == ["daily"]


def test_remove_last_keeps_trailing_comment(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    remove_source(path, "daily")
    text = path.read_text(encoding="utf-8")
    assert "# A newspaper." not in text and "# front page" not in text
    assert "# The city government." in text and text.rstrip().endswith("# end of file")
    assert [s.name for s in load_sources(path)] == ["city-gov"]


def test_remove_then_add_again(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    remove_source(path, "daily")
    add_source(path, new_source("daily"))
    assert [s.name for s in load_sources(path)] == ["city-gov", "daily"]
    assert path.read_text(encoding="utf-8").rstrip().endswith("# end of file")


def test_remove_unknown_name(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    with pytest.raises(SourcesError, match="no source named 'ghost'"):
        remove_source(path, "ghost")


# --- place: and hostile files (issues 10 and 12) ------------------------------------------------


def _one_source(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - name: gov\n    publisher: 政府\n    tier: official\n"
        "    start_urls: [https://www.example.gov.cn/]\n" + extra,
        encoding="utf-8",
    )
    return path


def test_place_is_validated_against_the_gazetteer(tmp_path: Path) -> None:
    assert load_sources(_one_source(tmp_path, "    place: 太原\n"))[0].place == "太原"
    with pytest.raises(SourcesError, match=r"sources.yaml:6: source 'gov': place: '者从市' is not"):
        load_sources(_one_source(tmp_path, "    place: 者从市\n"))
    with pytest.raises(
        SourcesError, match=r":6: .*'朝阳区' names several divisions .*北京市朝阳区"
    ):
        load_sources(_one_source(tmp_path, "    place: 朝阳区\n"))
    assert (
        load_sources(_one_source(tmp_path, "    place: 北京市朝阳区\n"))[0].place == "北京市朝阳区"
    )


def test_add_keeps_the_place(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    add_source(path, build_source("ty", "https://www.taiyuan.gov.cn/", place="太原市"))
    assert load_sources(path)[0].place == "太原市"
    assert "place: 太原市" in path.read_text(encoding="utf-8")
    with pytest.raises(SourcesError, match="not a division"):
        add_source(path, build_source("x", "https://x.example/", place="火星市"))


def test_a_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    path = tmp_path / "sources.yaml"
    path.write_text("\n".join(lines) + "\nsources: []\n", encoding="utf-8")
    for action in (
        lambda: load_sources(path),
        lambda: add_source(path, build_source("n", "https://n.example/")),
    ):
        with pytest.raises(SourcesError, match=r"sources.yaml:\d+: YAML: aliases .* expand"):
            action()


def test_a_huge_file_is_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("# " + "x" * 2_000_000 + "\nsources: []\n", encoding="utf-8")
    with pytest.raises(SourcesError, match=r"byte limit for sources\.yaml"):
        load_sources(path)


def test_a_bytes_codec_and_a_bad_date_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match=r":6: source 'gov': encoding: 'base64' is not a text"):
        load_sources(_one_source(tmp_path, "    encoding: base64\n"))
    with pytest.raises(SourcesError, match=r"sources.yaml:6: not a valid date") as bad:
        load_sources(_one_source(tmp_path, "    links: 2019-13-45\n"))
    assert "\n" not in str(bad.value)


def test_a_null_entry_is_reported_not_a_type_error(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  -\n", encoding="utf-8")
    for action in (
        lambda: load_sources(path),
        lambda: add_source(path, build_source("n", "https://n.example/")),
    ):
        with pytest.raises(
            SourcesError, match=r"sources.yaml:2: sources\[0\]: each source must be a mapping"
        ):
            action()
