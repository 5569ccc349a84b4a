"""The watch list loads, covers the required languages and rejects bad entries with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from config.errors import ConfigError
from config.watchlist import WATCHLIST_FILE, Watchlist, load_watchlist

MINIMAL = {
    "languages": {"en": {"cldr": "en", "cues": ["visit*"], "place_before": ["in", "to"]}},
    "offices": [
        {
            "id": "fbi-director",
            "label": "Director of the FBI",
            "body": "police",
            "countries": ["US"],
            "titles": {"en": ["FBI Director"]},
        }
    ],
    "officials": [{"name": "Maria Alvarez", "country": "US", "office": "fbi-director"}],
}


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "watchlist.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def with_change(tmp_path: Path, section: str, index: int, key: str, value: object) -> Path:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    data[section][index][key] = value
    return write(tmp_path, data)


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist(WATCHLIST_FILE)


def test_every_entry_of_the_shipped_watchlist_loads(watchlist: Watchlist) -> None:
    raw = yaml.safe_load(WATCHLIST_FILE.read_text(encoding="utf-8"))
    assert [office.id for office in watchlist.offices] == [entry["id"] for entry in raw["offices"]]
    assert [official.name for official in watchlist.officials] == [entry["name"] for entry in raw["officials"]]
    assert set(watchlist.languages) == set(raw["languages"])
    for code in raw["countries"]:
        assert watchlist.countries[code].capitals or watchlist.countries[code].names


def test_offices_have_titles_in_english_chinese_japanese_and_vietnamese(watchlist: Watchlist) -> None:
    covered = {
        language
        for office in watchlist.offices
        for table in (office.titles, office.bodies)
        for language, phrases in table.items()
        if phrases
    }
    assert {"en", "zh", "zh-Hant", "ja", "vi"} <= covered
    public_security = watchlist.office("public-security-minister")
    assert "公安部部长" in public_security.titles["zh"]
    assert "公安部部長" in public_security.titles["zh-Hant"]
    assert "Bộ Công an" in public_security.bodies["vi"]
    assert "国家公安委員長" in watchlist.office("jp-npsc-chairman").titles["ja"]


def test_officials_name_real_offices_and_countries(watchlist: Watchlist) -> None:
    office_ids = {office.id for office in watchlist.offices}
    for official in watchlist.officials:
        assert official.office in office_ids
        assert official.country in watchlist.countries
        assert official.until is None or official.since is None or official.since <= official.until


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("越南", "VN"),
        ("ベトナム", "VN"),
        ("Việt Nam", "VN"),
        ("寮國", "LA"),
        ("老挝", "LA"),
        ("Campuchia", "KH"),
        ("カンボジア", "KH"),
        ("南韓", "KR"),
        ("Solomon Islands", "SB"),
        ("Maroc", "MA"),
    ],
)
def test_country_names_come_from_the_data_packages_in_each_language(
    watchlist: Watchlist, phrase: str, code: str
) -> None:
    assert phrase in watchlist.countries[code].names


@pytest.mark.parametrize(
    ("phrase", "code"),
    [("河内", "VN"), ("河內", "VN"), ("ハノイ", "VN"), ("Hà Nội", "VN"), ("Viêng Chăn", "LA"), ("金边", "KH")],
)
def test_capitals_come_from_the_overrides(watchlist: Watchlist, phrase: str, code: str) -> None:
    assert phrase in watchlist.countries[code].capitals


def test_home_country_follows_the_article_language(watchlist: Watchlist) -> None:
    assert watchlist.home_for_language("vi") == "VN"
    assert watchlist.home_for_language("zh-TW") == "TW"
    assert watchlist.home_for_language("zh") == "CN"
    assert watchlist.home_for_language("ja-JP") == "JP"
    assert watchlist.home_for_language("en") is None
    assert watchlist.home_for_language(None) is None


def test_a_minimal_watchlist_loads(tmp_path: Path) -> None:
    loaded = load_watchlist(write(tmp_path, MINIMAL))
    assert loaded.office("fbi-director").countries == ("US",)
    assert loaded.officials[0].aliases == ()
    assert "United States" in loaded.countries["US"].names


def test_bad_country_names_entry_field_value_and_fix(tmp_path: Path) -> None:
    path = with_change(tmp_path, "officials", 0, "country", "Narnia")
    with pytest.raises(ConfigError) as error:
        load_watchlist(path)
    assert str(error.value) == (
        'watchlist.yaml: official "Maria Alvarez" field "country": \'Narnia\' is not a country; '
        "expected ISO 3166 alpha-2, e.g. VN"
    )


def test_lower_case_country_code_is_explained(tmp_path: Path) -> None:
    path = with_change(tmp_path, "offices", 0, "countries", ["us"])
    with pytest.raises(
        ConfigError, match=r"office \"fbi-director\" field \"countries\": 'us' is lower case; .* e\.g\. US"
    ):
        load_watchlist(path)


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    path = with_change(tmp_path, "offices", 0, "titel", {"en": ["FBI chief"]})
    with pytest.raises(ConfigError) as error:
        load_watchlist(path)
    message = str(error.value)
    assert message.startswith('watchlist.yaml: office "fbi-director" has unknown key "titel"; expected one of: ')
    assert "titles" in message
    assert "\n" not in message


def test_missing_field_is_an_error(tmp_path: Path) -> None:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    del data["officials"][0]["office"]
    with pytest.raises(ConfigError) as error:
        load_watchlist(write(tmp_path, data))
    assert str(error.value) == (
        'watchlist.yaml: official "Maria Alvarez" is missing field "office"; '
        "expected e.g. office: public-security-minister"
    )


def test_official_must_name_a_known_office(tmp_path: Path) -> None:
    path = with_change(tmp_path, "officials", 0, "office", "cia-director")
    with pytest.raises(
        ConfigError, match=r"field \"office\": 'cia-director' is not an office id; .* e\.g\. fbi-director"
    ):
        load_watchlist(path)


def test_phrases_in_undeclared_language_are_an_error(tmp_path: Path) -> None:
    path = with_change(tmp_path, "offices", 0, "titles", {"fr": ["directeur du FBI"]})
    with pytest.raises(ConfigError, match=r"language \"fr\" is not declared under languages; expected one of: en"):
        load_watchlist(path)


def test_body_kind_is_checked(tmp_path: Path) -> None:
    path = with_change(tmp_path, "offices", 0, "body", "tourism")
    with pytest.raises(
        ConfigError, match=r"field \"body\": 'tourism' is not a body kind; expected one of: public-security"
    ):
        load_watchlist(path)


def test_tenure_dates_are_checked(tmp_path: Path) -> None:
    path = with_change(tmp_path, "officials", 0, "since", "last spring")
    with pytest.raises(ConfigError, match=r"field \"since\": 'last spring' is not a date; expected YYYY-MM-DD"):
        load_watchlist(path)


def test_unknown_cldr_locale_is_an_error(tmp_path: Path) -> None:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    data["languages"]["en"]["cldr"] = "klingon_XX"
    with pytest.raises(ConfigError, match=r"language \"en\" field \"cldr\": 'klingon_XX' is not a CLDR locale"):
        load_watchlist(write(tmp_path, data))


def test_unreadable_and_malformed_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.yaml: file not found"):
        load_watchlist(tmp_path / "missing.yaml")
    broken = tmp_path / "watchlist.yaml"
    broken.write_text("offices: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^watchlist\.yaml line 2, column 1: invalid YAML"):
        load_watchlist(broken)
