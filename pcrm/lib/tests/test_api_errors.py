from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions

from pcrm.lib.api import exception_handler


def test_django_permission_denied_has_the_error_shape():
    response = exception_handler(PermissionDenied("无权导入其他网点"), {})
    assert response.status_code == 403
    assert response.data == {"error": "permission_denied", "detail": "无权导入其他网点"}


def test_not_found_and_validation_errors_have_the_error_shape():
    assert exception_handler(Http404(), {}).data["error"] == "not_found"
    invalid = exception_handler(exceptions.ValidationError({"card_no": ["必填"]}), {})
    assert invalid.status_code == 400
    assert invalid.data == {"error": "invalid", "detail": "card_no: 必填"}
