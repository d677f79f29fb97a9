"""The one home for keeping the secret tokens of personal links out of every log."""

import logging
import re

# A personal link (/r/<token>/...) opens a person's data, a staff member's one-time link
# (/admin/set-password/<uid>/<token>/, manage.py createstaff) an account: the tokens stay
# out of logs.
TOKEN_PATH = re.compile(r"(/r/|/admin/set-password/[^/?\s\"']+/)[^/?\s\"']+")


def redact(text):
    return TOKEN_PATH.sub(r"\1…", text) if text else text


class RedactTokensFilter(logging.Filter):
    """Redacts the formatted message, the arguments and the traceback of every record.

    Installed on the root handler (settings.LOGGING): Django logs paths in its own
    words, e.g. "Not Found: /r/<token>/typo/" or "Forbidden (CSRF cookie not set.)".
    """

    def filter(self, record):
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
