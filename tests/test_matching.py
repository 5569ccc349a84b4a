"""The phrase lexicon behind the classifier: where a phrase may end, longest phrase first."""

from __future__ import annotations

import pytest

from pipelines.relevance.matching import _Lexicon

LEXICON = _Lexicon(
    [
        ("interior minister", "office"),
        ("interior", "word"),
        ("minist*", "prefix"),
        ("laos", "country"),
        ("インドネシア", "country-ja"),
        ("公安部", "office-zh"),
        ("장관", "title-ko"),
    ]
)


def found(text: str) -> list[tuple[str, str]]:
    return [(hit.text, hit.payload) for hit in LEXICON.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Interior Minister flew out.", [("Interior Minister", "office")]),
        # The longest phrase runs on into a letter: the shorter one that ends cleanly is taken.
        ("the interior ministers met", [("interior", "word"), ("ministers", "prefix")]),
        ("interior-ministry talks", [("interior", "word"), ("ministry", "prefix")]),
        ("Laos, Laotian and Laos2", [("Laos", "country")]),
        ("Interiors", []),
        # Katakana may not run on into katakana; Chinese has no spaces to check, and a Korean
        # word takes its particles on the right but starts after a space.
        ("インドネシアン料理", []),
        ("インドネシアの首都", [("インドネシア", "country-ja")]),
        ("中国公安部部长", [("公安部", "office-zh")]),
        ("외교부 장관은", [("장관", "title-ko")]),
        ("외교부장관은", []),
    ],
)
def test_phrases_end_where_their_script_allows(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected
