"""English dates for readers in Germany: day before month, 24-hour clock, no closing dot.

Django's defaults are American (“12/02/2026 3:05 a.m.”), which ends a sentence twice.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y, H:i"
