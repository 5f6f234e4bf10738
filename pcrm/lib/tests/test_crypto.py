import base64

import pytest
from django.db import connection

from pcrm.lib.crypto import FieldKeyError, Keyring, blind_index, keyring
from tests.factories import CustomerFactory

KEY_A = "a:" + base64.b64encode(b"a" * 32).decode()
KEY_B = "b:" + base64.b64encode(b"b" * 32).decode()


def test_seal_round_trip_and_nonce_differs():
    ring = Keyring(KEY_A)
    one, two = ring.seal("310115198005170011"), ring.seal("310115198005170011")
    assert one != two
    assert ring.unseal(one) == ring.unseal(two) == "310115198005170011"


def test_rotation_reads_old_and_seals_new():
    old = Keyring(KEY_A).seal("13900000001")
    rotated = Keyring(f"{KEY_B},{KEY_A}")
    assert rotated.unseal(old) == "13900000001"
    assert rotated.seal("x").startswith("b$")


def test_missing_key_fails_loudly():
    token = Keyring(KEY_A).seal("secret")
    with pytest.raises(FieldKeyError, match="not configured"):
        Keyring(KEY_B).unseal(token)


def test_wrong_key_material_fails_loudly():
    token = Keyring(KEY_A).seal("secret")
    impostor = "a:" + base64.b64encode(b"z" * 32).decode()
    with pytest.raises(FieldKeyError, match="does not open"):
        Keyring(impostor).unseal(token)


def test_bad_key_spec_is_rejected():
    with pytest.raises(Exception, match="32 bytes"):
        Keyring("a:" + base64.b64encode(b"short").decode())


def test_blind_index_normalises_and_separates_purposes():
    assert blind_index("31011519800517001x", purpose="id_no") == blind_index(
        "31011519800517001X ", purpose="id_no"
    )
    assert blind_index("13900000001", purpose="phone") != blind_index(
        "13900000001", purpose="id_no"
    )
    assert blind_index("", purpose="phone") == ""


@pytest.mark.django_db
def test_values_are_sealed_at_rest():
    customer = CustomerFactory(id_no="310115198005170011", phone="13912345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_no, phone FROM customers_customer WHERE id = %s", [customer.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert "310115198005170011" not in raw_id
    assert "13912345678" not in raw_phone
    assert keyring().unseal(raw_id) == "310115198005170011"
    customer.refresh_from_db()
    assert customer.phone == "13912345678"
    assert customer.phone_masked == "139****5678"
