"""The seed event: the LandtagsTalk of 27 April 2021, as in its invitation."""

SLUG = "landtagstalk-digital-buergernah-effizient"
DATE = "2021-04-27"

EVENT = {
    "series": "LandtagsTalk",
    "title": "LandtagsTalk: Digital.Bürgernah.Effizient.",
    "subtitle": "Wie gestalten wir die Kommune der Zukunft?",
    "organiser": "SPD-Fraktion im Landtag NRW",
    "format": "online",
    "location": "Zoom-Konferenz",
    "starts": "18:00",
    "ends": "20:00",
    "description": (
        "Die öffentliche Verwaltung hat das Potenzial, ein Vorreiter des digitalen Wandels zu "
        "sein. Bewiesen haben Kommunen dies vor allem während der Corona-Krise: Schnell und "
        "flexibel haben sie öffentliche Dienstleistungen digital bereitgestellt.\n\n"
        "Die Umsetzung des Onlinezugangsgesetzes (OZG) bietet die Chance, diesen digitalen "
        "Veränderungsprozess konsequent fortzusetzen. Allerdings sind damit erhebliche "
        "organisatorische, finanzielle und personelle Herausforderungen verbunden. Mit diesen "
        "Herausforderungen dürfen wir die Kommunen nicht alleine lassen.\n\n"
        "Wir fragen daher: Wie kann die Digitalisierung einen echten Mehrwert für Kommunen "
        "bieten? Wie können wir den digitalen Transformationsprozess erfolgreich im Sinne der "
        "Beschäftigten wie auch der Bürgerinnen und Bürger gestalten? Wo steht NRW in diesem "
        "Prozess? Welche Unterstützung durch das Land benötigen die Kommunen?\n\n"
        "Diese und weitere Fragen möchten wir gerne mit Ihnen diskutieren. Daher laden wir Sie "
        "herzlich zu unserer Veranstaltung in Form einer Zoom-Konferenz ein."
    ),
}

SPD_FRAKTION = "SPD-Fraktion im Landtag NRW"

# name: (affix, position, organisation)
SPEAKERS = {
    "Thomas Kutschaty": ("MdL", "", SPD_FRAKTION),
    "Denes Kücük": ("", "Chief Digital Officer der Stadt Bochum", ""),
    "Christina Kampmann": ("MdL", "", SPD_FRAKTION),
    "Sabine Möwes": ("", "Leiterin Stabsstelle Digitalisierung der Stadt Köln", ""),
    "Jan-Philip Hermes": ("", "Digitalisierungsbeauftragter der Stadt Castrop-Rauxel", ""),
    "Michael Pfefferle": ("", "Bereichsleiter Smart City & Smart Region", "Bitkom"),
    "Ellen Stock": (
        "MdL",
        "Mitglied Ausschuss für Heimat, Kommunales, Bauen und Wohnen",
        SPD_FRAKTION,
    ),
    "Lisa-Kristin Kapteinat": ("MdL", "", SPD_FRAKTION),
}

QUESTIONS_FROM_CHAT = "Diskussion der im Chat gesammelten Fragen"

# (start, end, kind, title, [(person, role), ...])
SLOTS = [
    ("18:00", "18:05", "welcome", "Begrüßung und Einführung", [("Thomas Kutschaty", "host")]),
    (
        "18:05",
        "18:20",
        "talk",
        "Vortrag: Blick in die Zukunft – Smart City Bochum",
        [("Denes Kücük", "speaker")],
    ),
    ("18:20", "18:30", "questions", QUESTIONS_FROM_CHAT, [("Christina Kampmann", "moderator")]),
    (
        "18:30",
        "19:10",
        "panel",
        "Smarte Kommunen in NRW – welche Impulse brauchen wir? Podiumsdiskussion",
        [
            ("Sabine Möwes", "panelist"),
            ("Jan-Philip Hermes", "panelist"),
            ("Michael Pfefferle", "panelist"),
            ("Ellen Stock", "panelist"),
            ("Christina Kampmann", "moderator"),
        ],
    ),
    ("19:10", "19:25", "questions", QUESTIONS_FROM_CHAT, [("Christina Kampmann", "moderator")]),
    (
        "19:25",
        "20:00",
        "closing",
        "Zusammenfassung und Abschluss der Veranstaltung",
        [("Lisa-Kristin Kapteinat", "host")],
    ),
]
