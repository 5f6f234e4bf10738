import logging

import pytest

from pcrm.lib.masking import (
    MaskingLogFilter,
    mask_account,
    mask_email,
    mask_free_text,
    mask_id_no,
    mask_name,
    mask_phone,
)


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (mask_id_no, "310115198005170011", "310***********0011"),
        (mask_phone, "13912345678", "139****5678"),
        (mask_account, "6222020000000000011", "622202*********0011"),
        (mask_name, "张伟", "张*"),
        (mask_name, "欧阳华", "欧阳*"),
        (mask_name, "李", "李*"),
        (mask_email, "lin.xiao@example.com", "l***@example.com"),
        (mask_phone, "", ""),
    ],
)
def test_masks(func, value, expected):
    assert func(value) == expected


def test_free_text_masks_ids_cards_and_phones():
    text = "客户 310115198005170011 手机13912345678 卡号6222020000000000011"
    masked = mask_free_text(text)
    assert "310115198005170011" not in masked
    assert "13912345678" not in masked
    assert "6222020000000000011" not in masked
    assert "139****5678" in masked


def test_log_filter_masks_arguments():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "id=%s", ("310115198005170011",), None
    )
    MaskingLogFilter().filter(record)
    assert "310115198005170011" not in record.getMessage()
