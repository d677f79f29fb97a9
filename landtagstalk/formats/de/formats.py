"""German dates as the group writes them: “27.04.2021, 18:00 Uhr”."""

DATETIME_FORMAT = r"j. F Y, H:i \U\h\r"
SHORT_DATETIME_FORMAT = r"d.m.Y, H:i \U\h\r"
