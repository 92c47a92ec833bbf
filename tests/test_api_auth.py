"""API clients are told to authenticate (401 with WWW-Authenticate: Token), not forbidden (403), when their
token is missing or wrong; a browser's session and a good token still get in."""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

URL = "/api/units/"


@pytest.mark.django_db
def test_missing_or_wrong_token_is_401_and_a_good_one_or_a_session_gets_in(cast):
    anonymous = APIClient().get(URL)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"
    wrong = APIClient(HTTP_AUTHORIZATION="Token not-a-real-token").get(URL)
    assert wrong.status_code == 401 and "Token" in wrong["WWW-Authenticate"]
    token = Token.objects.create(user=cast.officer_a)
    assert APIClient(HTTP_AUTHORIZATION=f"Token {token.key}").get(URL).status_code == 200
    session = APIClient()
    session.force_login(cast.officer_a)
    assert session.get(URL).status_code == 200
    # Authenticated without the right: still 403.
    assert APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.nobody).key}").get(
        URL).status_code == 403
