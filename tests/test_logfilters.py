import logging

from crmupdate.logfilters import RedactSecretsFilter, redact


def test_it_redacts_oauth_codes_and_tokens_in_urls():
    line = (
        '"GET /oauth/complete/zoho/?state=abc&code=1000.0f44dbdf77d529f4c8cda32bb79c2124.'
        '0f44dbdf77d529f4c8cda32bb79c2124&location=us HTTP/1.1" 302'
    )
    cleaned = redact(line)
    assert "0f44dbdf77d529f4" not in cleaned
    assert "state=[redacted]" in cleaned
    assert "location=us" in cleaned


def test_it_redacts_authorization_headers_and_bare_zoho_tokens():
    cleaned = redact(
        "Authorization: Zoho-oauthtoken 1000.aaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbb sent; "
        "token 1000.cccccccccccccccccccc.dddddddddddddddddddd"
    )
    assert "aaaaaaaa" not in cleaned and "cccccccc" not in cleaned
    assert "Zoho-oauthtoken [redacted]" in cleaned


def test_the_filter_rewrites_records_with_arguments():
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s', ("GET /x?code=secret123", 302), None
    )
    assert RedactSecretsFilter().filter(record) is True
    assert record.getMessage() == '"GET /x?code=[redacted]" 302'


def test_our_own_key_value_fields_stay_readable():
    line = (
        "zoho POST accounts.zoho.com/oauth/v2/token params=- status=200 code=INVALID_CODE "
        "duration_ms=12 team=3; Task id=1 path=x state=SUCCESSFUL"
    )
    assert redact(line) == line
    assert redact("code=1000.abc&grant_type=authorization_code").startswith("code=[redacted]&")
