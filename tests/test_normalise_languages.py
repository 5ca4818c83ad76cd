"""Table tests for languages -> BCP-47 (names as edX/iversity publish them, codes as Coursera/MOOChub do)."""

import pytest

from pipeline.normalise.languages import is_wellformed_tag, parse_language

CASES = [
    ("English", "en"),
    ("en", "en"),
    ("en-US", "en-US"),
    ("en_us", "en-US"),
    ("EN-us", "en-US"),
    ("Deutsch", "de"),
    ("German", "de"),  # iversity
    ("français", "fr"),
    ("Français", "fr"),  # edX
    ("Español", "es"),
    ("Spanish; Castilian", "es"),
    ("zh-CN", "zh-CN"),  # Coursera subtitleLanguages
    ("zh_Hans", "zh-Hans"),
    ("Mandarin", "zh"),
    ("中文", "zh"),
    ("日本語", "ja"),
    ("اللغة العربية", "ar"),
    ("Português", "pt"),
    ("Italiano", "it"),
    ("Englisch", "en"),
    ("inglés", "en"),
    ("eng", "en"),
    ("ger", "de"),
    ("iw", "he"),
    ("kk", "kk"),
    ("English (United States)", "en-US"),
    ("Portuguese (Brazil)", "pt-BR"),
    ("Chinese (Simplified)", "zh-Hans"),
    ("Course language: English", "en"),
]


@pytest.mark.parametrize("text,tag", CASES)
def test_languages(text, tag):
    r = parse_language(text)
    assert r.tag == tag and r.reason is None, r
    assert is_wellformed_tag(r.tag)


def test_lists_keep_every_language_once():
    assert parse_language("English, 中文, 中文").tags == ("en", "zh")  # edX subtitles
    assert parse_language(["de", "ar"]).tags == ("de", "ar")  # MOOChub languages


@pytest.mark.parametrize("text,code", [("xx", "unknown_language"), ("Klingonese", "unknown_language"),
                                       ("pending", "no_language"), ("", "empty"), (None, "missing")])
def test_unknown_is_none(text, code):
    r = parse_language(text)
    assert r.tag is None and r.tags == () and r.reason.startswith(code)


@pytest.mark.parametrize("tag,ok", [("en", True), ("en-US", True), ("zh-Hans-CN", True), ("es-419", True),
                                    ("EN", False), ("en_US", False), ("en-us", False), ("english", False)])
def test_wellformed(tag, ok):
    assert is_wellformed_tag(tag) is ok
