import pytest

from pcrm.lib.pinyin import name_search_keys


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("曾小明", ["zengxiaoming", "cengxiaoming"], ["zxm", "cxm"]),
        ("单丽", ["shanli", "danli"], ["sl", "dl"]),
        ("查文", ["zhawen", "chawen"], ["zw", "cw"]),
        ("欧阳华", ["ouyanghua"], ["oyh"]),
    ],
)
def test_every_surname_reading_is_indexed(name, full, initials):
    fulls, inits = name_search_keys(name)
    for key in full:
        assert f"|{key}|" in fulls
    for key in initials:
        assert f"|{key}|" in inits
