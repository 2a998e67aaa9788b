"""Reading articles in every encoding, and normalising without moving offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factcheck.errors import InputError
from factcheck.text import decode_text, normalize, read_article, to_simplified

SAMPLE = "太原市共打掉涉黑涉惡犯罪團伙128個，同比下降19.3%。"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", SAMPLE),
        ("utf-8-sig", SAMPLE),
        ("big5", SAMPLE),
        ("gb18030", to_simplified(SAMPLE)),
        ("gbk", to_simplified(SAMPLE) + "朱镕基"),
    ],
)
def test_encodings_detected(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    article = read_article(path)
    assert article.text == text


def test_big5_article_of_full_length(taiyuan_text: str) -> None:
    text, encoding = decode_text(taiyuan_text.encode("big5"))
    assert encoding == "big5"
    assert text == taiyuan_text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (bytes(range(0x80, 0x100)) * 4, "not valid"),
    ],
)
def test_bad_bytes(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        decode_text(data)


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(InputError, match="over the 1024-byte limit"):
        read_article(path, max_bytes=1024)


def test_normalize_folds_width_and_script() -> None:
    assert normalize("１２８個") == "128个"
    assert normalize("兩搶一盜，１９.３％") == "两抢一盗,19.3%"


@given(
    st.text(
        alphabet=st.sampled_from(list(SAMPLE + "１２３４％，：（）「」鬥爭萬億兩點記憶體")),
        max_size=80,
    )
)
def test_normalize_keeps_every_offset(text: str) -> None:
    assert len(normalize(text)) == len(text)
