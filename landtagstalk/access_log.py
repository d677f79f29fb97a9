"""gunicorn's access log without the secret tokens of personal links."""

import re

from gunicorn.glogging import Logger

# A personal link (/r/<token>/...) opens a person's data: the token stays out of logs.
TOKEN_PATH = re.compile(r"(/r/)[^/?\s]+")


def redact(text):
    return TOKEN_PATH.sub(r"\1…", text) if text else text


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{referer}i"):
            if key in atoms:
                atoms[key] = redact(atoms[key])
        return atoms
