"""Byline and dateline vocabulary: prefixes, job titles, wire agencies, non-names.

Only words live here; ``extraction/authors.py`` and ``extraction/dateline.py``
build their regexes and sets from them (with :func:`~newscrawl.extraction.vocabulary.boilerplate.alt`
and :func:`word_set`, which refuse an empty group). Unless a comment says otherwise, entries are
lowercase and matched case-insensitively, on word boundaries.
"""

# ruff: noqa: RUF001  # en/em dashes and typographic quotes are what this code matches

from __future__ import annotations

from collections.abc import Iterable


def word_set(group: Iterable[str]) -> frozenset[str]:
    """``group`` as a frozenset for membership tests; an empty group is a bug."""
    words = frozenset(group)
    if not words:
        msg = "empty vocabulary group"
        raise ValueError(msg)
    return words


# -- Wire and news agencies ------------------------------------------------
# Names that appear after a byline ("JAMEY KEATEN Associated Press"), in a
# dateline ("GENEVA (AP) —") and in photo credits ("Name/AP"). Matched
# case-insensitively, except that single words of up to five letters match
# only in lowercase or ALL CAPS ("dpa", "DPA"; but "Wafa", "Mena", "Sid" are
# first names), and the acronyms in AGENCY_ACRONYMS only as written.
AGENCIES = (
    # international and English-language wires
    "associated press", "the associated press", "reuters", "thomson reuters",
    "afp", "agence france-presse", "agence france presse", "bloomberg",
    "bloomberg news", "upi", "united press international", "cnn", "xinhua",
    "xinhua news agency", "kyodo", "kyodo news", "yonhap", "jiji", "jiji press",
    "tass", "interfax", "ria novosti", "anadolu", "anadolu agency", "ians", "pti",
    "press trust of india", "ani", "aap", "australian associated press",
    "the canadian press", "canadian press", "press association", "pa media",
    "dow jones", "bernama", "antara", "wafa", "kuna", "wam", "mena",
    # German-speaking
    "dpa", "dpa-afx", "deutsche presse-agentur", "kna", "epd", "sid", "dts",
    "apa", "sda", "keystone-sda",
    # French, Spanish, Italian, Portuguese, Benelux, Nordic
    "ats", "belga", "anp", "efe", "agencia efe", "europa press", "ansa", "lusa",
    "agência lusa", "ntb", "ritzau", "stt", "notimex",
)
# Short all-caps acronyms that are also plain words or name parts ("AP",
# "AA"); matched with their exact case only. Listed as written.
AGENCY_ACRONYMS = ("AP", "AA", "PA", "CP", "TT", "EPA")

# -- Byline prefixes --------------------------------------------------------
# Words that introduce the author names ("By Jane Doe"). Stripped from the
# start of a name, with an optional colon after them.
BYLINE_PREFIXES = (
    # en
    "by", "written by", "words by", "story by", "text by", "reporting by",
    "reported by", "posted by", "published by", "report by",
    # de
    "von", "text von", "ein beitrag von", "geschrieben von", "verfasst von",
    # fr
    "par", "écrit par", "rédigé par", "publié par", "un article de",
    # es
    "por", "escrito por", "redactado por", "publicado por",
)
# Labels that introduce the author names only with a colon ("Author: Jane Doe").
BYLINE_LABELS = (
    "author", "authors", "byline", "autor", "autorin", "autoren", "text",
    "auteur", "auteure", "auteurs", "texte", "autora", "autores", "texto",
)
# Prefixes that are also name parts ("Von Miller"): stripped only when at
# least two words follow, or when written in lowercase.
AMBIGUOUS_PREFIXES = ("von", "par", "por")

# Clauses that credit someone who is not an author ("Editing by ...").
# A clause (text between ";" or "|") that starts with one is dropped.
NON_AUTHOR_CLAUSES = (
    "editing by", "edited by", "additional editing by", "compiled by",
    "photos by", "photo by", "photographs by", "photography by", "video by",
    "graphics by", "illustration by", "illustrations by", "translated by",
    "translation by", "fact-checked by", "fact checked by", "produced by",
    "redigiert von", "bearbeitet von", "fotos von", "foto von", "übersetzt von",
    "édité par", "photos de", "traduit par", "editado por", "fotos de",
    "traducido por",
)

# Words that join two author names ("Jane Doe and John Roe").
NAME_CONJUNCTIONS = ("and", "&", "und", "et", "y", "with")

# Words after which the rest of a name string is not a name ("Jane Doe
# Updated 3:45 PM", "Jane Doe for The Guardian", "Special to The Post").
TRAILING_CUTS = (
    "updated", "last updated", "published", "posted", "posted on", "first published",
    "aktualisiert", "veröffentlicht", "mis à jour", "publié le", "actualizado",
    "publicado el", "special to", "exclusive to", "for", "für", "pour", "para",
    "in collaboration with",
)
# Of TRAILING_CUTS, the ones that only count in lowercase ("Jane For" stays).
LOWERCASE_ONLY_CUTS = ("for", "für", "pour", "para")

# Words left between a name and a date once the date's digits are cut
# ("Jane Doe on Monday, Jan 20, 2025" -> "Jane Doe on Monday, Jan"): at most
# one joiner, one weekday and one month name (from vocabulary/dates.py) are
# dropped from the end, in that order.
DATE_JOINERS = ("on", "at", "am", "um", "le", "el", "since", "seit", "depuis", "desde")
WEEKDAYS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
    "today", "yesterday", "heute", "gestern", "hier", "hoy", "ayer",
)

# -- Job titles and roles ---------------------------------------------------
# Head nouns of a job title: a name string ending (or starting) with one of
# these, optionally after TITLE_MODIFIERS, has the title stripped.
TITLE_HEADS = (
    # en
    "writer", "staff writer", "reporter", "correspondent", "editor", "contributor",
    "columnist", "journalist", "photographer", "photojournalist", "producer",
    "analyst", "critic", "blogger", "intern", "staff", "bureau chief",
    "editor-in-chief", "editor in chief", "editor-at-large", "editor at large",
    "anchor", "presenter", "host", "newsroom", "desk",
    # de
    "redakteur", "redakteurin", "korrespondent", "korrespondentin", "reporterin",
    "journalistin", "autorin", "volontär", "volontärin", "chefredakteur",
    "chefredakteurin", "kolumnist", "kolumnistin", "mitarbeiter", "mitarbeiterin",
    # fr
    "journaliste", "correspondant", "correspondante", "rédacteur", "rédactrice",
    "chroniqueur", "chroniqueuse", "envoyé spécial", "envoyée spéciale",
    "rédacteur en chef", "rédactrice en chef", "pigiste",
    # es
    "redactor", "redactora", "corresponsal", "periodista", "enviado especial",
    "enviada especial", "columnista", "colaborador", "colaboradora", "cronista",
)
# Words that qualify a title head ("Senior", "Chief", "Diplomatic", beats
# and bureaus). A name string never starts with one of these.
TITLE_MODIFIERS = (
    "staff", "senior", "chief", "deputy", "associate", "assistant", "contributing",
    "special", "lead", "principal", "executive", "managing", "visiting", "guest",
    "freelance", "freelancer", "general assignment", "breaking news", "news",
    "digital", "web", "online", "video", "photo", "data", "graphics", "multimedia",
    "social media", "audience", "night", "weekend", "copy", "features", "feature",
    # beats
    "political", "politics", "foreign", "business", "health", "science",
    "technology", "tech", "sports", "sport", "economics", "economic", "economy",
    "finance", "financial", "markets", "personal finance", "national",
    "international", "world", "global", "investigative", "investigations",
    "legal", "courts", "crime", "justice", "education", "environment",
    "environmental", "climate", "energy", "culture", "arts", "entertainment",
    "fashion", "food", "travel", "opinion", "metro", "local", "regional", "city",
    "state", "diplomatic", "defense", "defence", "security", "military",
    "religion", "medical", "immigration", "transportation", "real estate",
    "property", "agriculture", "labor", "labour", "consumer", "retail", "media",
    "congressional", "parliamentary", "elections", "government", "white house",
    "pentagon", "supreme court",
    # bureaus
    "washington", "europe", "european", "asia", "africa", "middle east",
    "latin america", "china", "london", "brussels", "berlin", "paris",
    # de / fr / es
    "leitender", "leitende", "stellvertretender", "stellvertretende", "freier",
    "freie", "politischer", "politische", "adjoint", "adjointe", "grand",
    "grande", "jefe", "jefa", "especial",
)

# -- Byline markup ------------------------------------------------------------
# class tokens of elements that hold one author's name (a token containing
# "byline" marks a whole byline and is matched separately).
AUTHOR_CLASSES = (
    "author", "authors", "author-name", "authorname", "author_name", "entry-author",
    "by-author", "posted-by", "post-author", "article-author", "author-link",
    "meta-author", "story-author", "post-author-name", "td-post-author-name",
    "author-byline", "contributor", "contributors", "writer", "reporter",
)
# Whole class/id tokens of blocks whose names are not the article's authors:
# author bio boxes and comment authors.
BYLINE_EXCLUDED_TOKENS = (
    "author-box", "authorbox", "author-bio", "authorbio", "about-author",
    "about-the-author", "author-info-box", "saboxplugin-wrap", "author-card",
    "comment-author", "comment-body", "comment-meta", "disqus_thread",
)
# Parts of class/id tokens (split on "-", "_") of such blocks: comments,
# related and recommended teasers, sidebars ("jp-relatedposts", "td-related").
BYLINE_EXCLUDED_PARTS = (
    "comment", "comments", "commentlist", "respond", "disqus", "related",
    "relatedposts", "sidebar", "widget", "teaser", "teasers", "recommended",
    "recommendations", "outbrain", "taboola",
)

# -- Values that are not a person ---------------------------------------------
# Whole names (compared lowercase, whitespace collapsed) that are never an author.
NON_NAMES = (
    "staff", "admin", "administrator", "editor", "editors", "the editors",
    "editorial team", "editorial staff", "editorial board", "editorial",
    "news desk", "newsdesk", "web desk", "webdesk", "digital desk", "desk",
    "news team", "web team", "team", "newsroom", "news service", "wire",
    "wires", "wire service", "guest", "guest author", "guest contributor",
    "anonymous", "unknown", "null", "none", "n/a", "webmaster", "webredaktion",
    "redaktion", "die redaktion", "online-redaktion", "online redaktion",
    "rédaction", "la rédaction", "redacción", "la redacción", "agencias",
    "agencies", "agences", "agenturen", "press release", "sponsored",
    "sponsored content", "partner content", "contributor", "contributors",
    "reporter", "correspondent", "writer",
)
# First words that make a name a publication ("The Washington Post").
NON_NAME_FIRST_WORDS = ("the", "der", "die", "les", "los", "las")
# Last words that make a name an organisation ("Fox News", "Example Media").
ORGANISATION_SUFFIXES = (
    "news", "newsroom", "desk", "team", "staff", "media", "online", "magazine",
    "network", "times", "herald", "tribune", "gazette", "journal", "chronicle",
    "telegraph", "tv", "radio", "redaktion", "rédaction", "redacción", "agency",
    "agencies", "group", "editors", "inc", "ltd", "llc", "gmbh",
)
# Lowercase name particles: allowed in lowercase inside a name, and kept
# lowercase when an ALL-CAPS name is recased ("LUDWIG VAN BEETHOVEN" ->
# "Ludwig van Beethoven"); never the first word.
NAME_PARTICLES = (
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos",
    "das", "la", "le", "ten", "ter", "zu", "bin", "ibn",
    # joiners of Spanish, Portuguese and Catalan double surnames ("García y Pérez")
    "y", "e", "i",
)
# Generational suffixes: kept with the name before them ("Jane Doe, Jr.").
NAME_SUFFIXES = ("jr", "jr.", "sr", "sr.", "ii", "iii", "iv")

# -- Dateline ---------------------------------------------------------------
# ALL-CAPS labels that open a paragraph like a dateline but are not a place
# ("UPDATE: ...", "BREAKING — ..."), compared with the place's whole text;
# written as they appear (uppercase).
DATELINE_STOPWORDS = (
    "UPDATE", "UPDATES", "UPDATED", "BREAKING", "BREAKING NEWS", "EXCLUSIVE",
    "WATCH", "ANALYSIS", "OPINION", "EDITOR'S NOTE", "EDITOR’S NOTE", "EDITORS NOTE",
    "LIVE", "LIVE UPDATES", "LIVE BLOG", "CORRECTION", "CLARIFICATION", "NEW",
    "JUST IN", "DEVELOPING", "DEVELOPING STORY", "FILE", "FILE PHOTO", "PHOTO",
    "PHOTOS", "VIDEO", "LISTEN", "READ", "READ MORE", "RELATED", "SEE ALSO", "NOTE",
    "PLEASE NOTE", "WARNING", "SPOILER", "SPOILERS", "REVIEW", "INTERVIEW",
    "COMMENTARY", "EDITORIAL", "SPONSORED", "ADVERTISEMENT", "PODCAST", "FACT CHECK",
    "URGENT", "ALERT", "MORE", "ALSO", "IN BRIEF", "BRIEFLY", "SUMMARY", "KEY POINTS",
    "KEY TAKEAWAYS", "BOTTOM LINE", "THE BOTTOM LINE", "WHY IT MATTERS", "WHAT TO KNOW", "TL;DR",
    "Q", "A", "OK", "OKAY", "YES", "NO", "WOW", "PS", "P.S.",
    "EILMELDUNG", "AKTUALISIERUNG", "EXKLUSIV", "KOMMENTAR", "ANALYSE", "HINWEIS",
    "DERNIÈRE MINUTE", "ÚLTIMA HORA", "AVISO", "ACTUALIZACIÓN",
    # well-known organisations written in capitals ("NATO — the alliance ...")
    "NATO", "NASA", "FIFA", "UEFA", "OPEC", "UNESCO", "UNICEF", "WHO", "IMF",
    "EU", "UN", "US", "USA", "UK", "FBI", "CIA", "IOC", "WTO", "OECD", "ASEAN",
)
# First words that never open a place name ("IN OTHER NEWS:", "WHY IT MATTERS —").
# Only words that cannot start a place: "NEW" (NEW YORK) and "LIVE" (LIVE OAK) are absent.
DATELINE_STOP_FIRST_WORDS = (
    "UPDATE", "UPDATES", "UPDATED", "BREAKING", "EXCLUSIVE", "WATCH", "ANALYSIS",
    "OPINION", "EDITOR'S", "EDITOR’S", "EDITORS", "CORRECTION", "CLARIFICATION",
    "DEVELOPING", "PHOTOS", "VIDEO", "LISTEN", "REVIEW", "PODCAST", "FACT",
    "IN", "WHY", "WHAT", "HOW", "WHEN", "WHERE", "WHO", "IT", "IS", "TO", "FOR",
    "AND", "OF", "AN", "A", "MY", "OUR", "WE", "I", "THIS", "THESE", "JUST",
)
# Agencies recognised in a dateline's parentheses, as written in datelines
# (matched case-insensitively): "GENEVA (AP) —", "Berlin (dpa/lhe) -".
DATELINE_AGENCIES = (
    "AP", "Reuters", "AFP", "dpa", "dpa-AFX", "Xinhua", "CNN", "CNN Business",
    "Bloomberg", "UPI", "ANSA", "EFE", "KNA", "epd", "AA", "IANS", "PTI", "Kyodo",
    "Yonhap", "TASS", "APA", "SDA", "ATS", "Belga", "ANP", "Europa Press", "Lusa",
    "AAP", "CP", "PA", "ANI", "Jiji", "Interfax", "Anadolu", "Bernama", "Antara",
    "WAFA", "KUNA", "WAM", "MENA", "NTB", "TT", "Ritzau", "STT", "Notimex",
    "Keystone-SDA", "SID", "dts", "AP Photo", "UNI", "NNA", "BSS", "Sputnik",
    "RIA Novosti", "Dow Jones", "MarketWatch", "Reuters Breakingviews", "CNBC",
    "BBC", "NPR", "VOA", "RFE/RL", "IPS", "CNA", "Prensa Latina", "Agencia Brasil",
)
