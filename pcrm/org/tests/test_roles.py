"""The role matrix file is the single source for visibility; these tests read it too."""

import pytest

from pcrm.org.models import Role
from pcrm.org.roles import MATRIX_PATH, matrix


def test_every_role_is_in_the_matrix():
    assert set(matrix()) == {r.value for r in Role}


def test_matrix_is_the_file_the_code_reads():
    assert MATRIX_PATH.name == "roles.toml"
    assert matrix()["admin"].customer_scope == "none"


@pytest.mark.parametrize("role", ["branch_head", "admin"])
def test_privileged_roles_need_mfa(role):
    assert matrix()[role].mfa


@pytest.mark.parametrize("role", [r for r, rule in matrix().items() if rule.identity == "masked"])
def test_masked_roles_cannot_reveal(role):
    assert not matrix()[role].reveal
