"""gunicorn's logs in the project's one format (log_format.py), without the secret tokens of
personal links."""

from gunicorn.glogging import Logger

from .log_format import formatter
from .redaction import RedactTokensFilter, redact


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(formatter())
                    handler.addFilter(RedactTokensFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{referer}i"):
            if key in atoms:
                atoms[key] = redact(atoms[key])
        return atoms
