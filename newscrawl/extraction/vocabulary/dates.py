"""Date vocabulary: month names, time zones, relative-date words and date widgets.

Only words live here; ``extraction/dates.py`` builds its regexes from them.
Every group is a named tuple of lowercase strings (or of pairs, where a
word maps to a value); month tuples are ordered January to December, one
inner tuple of spellings per month.
"""

from __future__ import annotations

# -- Month names ----------------------------------------------------------
# One tuple per language, twelve entries, each the spellings of one month
# (full name first, then abbreviations). Abbreviations may be written with
# a trailing dot; the dot is matched by the regex, not listed here.
MONTHS_EN = (
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"),
)
MONTHS_DE = (
    ("januar", "jänner", "jän"), ("februar", "feber"), ("märz", "maerz", "mär", "mrz"),
    ("april",), ("mai",), ("juni",), ("juli",), ("august",), ("september",),
    ("oktober", "okt"), ("november",), ("dezember", "dez"),
)
MONTHS_FR = (
    ("janvier", "janv"), ("février", "fevrier", "févr", "fevr", "fév", "fev"),
    ("mars",), ("avril", "avr"), ("mai",), ("juin",), ("juillet", "juil"),
    ("août", "aout"), ("septembre",), ("octobre",), ("novembre",),
    ("décembre", "decembre", "déc"),
)
MONTHS_ES = (
    ("enero", "ene"), ("febrero",), ("marzo",), ("abril", "abr"), ("mayo",),
    ("junio",), ("julio",), ("agosto", "ago"), ("septiembre", "setiembre"),
    ("octubre",), ("noviembre",), ("diciembre", "dic"),
)
MONTHS_IT = (
    ("gennaio", "gen"), ("febbraio",), ("marzo",), ("aprile",), ("maggio", "mag"),
    ("giugno", "giu"), ("luglio", "lug"), ("agosto",), ("settembre", "set"),
    ("ottobre", "ott"), ("novembre",), ("dicembre",),
)
MONTHS_PT = (
    ("janeiro",), ("fevereiro", "fev"), ("março", "marco"), ("abril",), ("maio",),
    ("junho",), ("julho",), ("agosto",), ("setembro",), ("outubro", "out"),
    ("novembro",), ("dezembro",),
)
MONTHS_NL = (
    ("januari",), ("februari",), ("maart", "mrt"), ("april",), ("mei",), ("juni",),
    ("juli",), ("augustus",), ("september",), ("oktober",), ("november",),
    ("december",),
)
# Every language's months, for building the month-name alternation.
MONTH_TABLES = (MONTHS_EN, MONTHS_DE, MONTHS_FR, MONTHS_ES, MONTHS_IT, MONTHS_PT, MONTHS_NL)

# -- Time of day ------------------------------------------------------------
# Words that may stand between a date and its time ("September 7, 2022 at 10:15").
TIME_JOINERS = ("at", "um", "à", "a las", "a la", "alle", "às", "om", "-", "–", "|", ",")
# Words after a time that mean nothing for the value ("10.15 Uhr", "10h15").
TIME_SUFFIXES = ("uhr", "h", "hs", "hrs")

# Time-zone abbreviations written after a time, with their UTC offset in
# minutes (fixed) ...
TZ_FIXED = (
    ("utc", 0), ("gmt", 0), ("z", 0), ("bst", 60), ("ist", 330), ("cet", 60),
    ("cest", 120), ("mez", 60), ("mesz", 120), ("eet", 120), ("eest", 180),
    ("wet", 0), ("west", 60), ("est", -300), ("edt", -240), ("cst", -360),
    ("cdt", -300), ("mst", -420), ("mdt", -360), ("pst", -480), ("pdt", -420),
    ("akst", -540), ("akdt", -480), ("hst", -600), ("jst", 540), ("kst", 540),
    ("aest", 600), ("aedt", 660), ("awst", 480), ("nzst", 720), ("nzdt", 780),
    ("sgt", 480), ("hkt", 480),
)
# ... or, for the daylight-saving-agnostic US forms ("10:15 a.m. ET"), the
# IANA zone whose offset on that date is used.
TZ_ZONES = (
    ("et", "America/New_York"), ("ct", "America/Chicago"),
    ("mt", "America/Denver"), ("pt", "America/Los_Angeles"),
)

# -- Relative dates ("2 hours ago", "il y a 2 heures", "vor 2 Stunden") ------
# Unit words by unit; plural and abbreviated forms are listed in full.
MINUTE_WORDS = ("minute", "minutes", "min", "mins", "minuten", "minuto", "minutos", "minuti", "minuut", "minuten")
HOUR_WORDS = ("hour", "hours", "hr", "hrs", "h", "stunde", "stunden", "std", "heure", "heures", "hora", "horas", "ora", "ore", "uur")
DAY_WORDS = ("day", "days", "tag", "tagen", "tage", "jour", "jours", "día", "días", "dia", "dias", "giorno", "giorni", "dag", "dagen")
WEEK_WORDS = ("week", "weeks", "woche", "wochen", "semaine", "semaines", "semana", "semanas", "settimana", "settimane", "weken")
# Words that stand for the number one ("an hour ago", "vor einer Stunde").
ONE_WORDS = ("a", "an", "one", "ein", "eine", "einer", "einem", "un", "une", "una", "uno", "um", "uma", "een")
# Markers written before the amount ("vor 2 Stunden", "il y a 2 heures", "hace 2 horas").
AGO_PREFIXES = ("vor", "il y a", "hace", "há")
# Markers written after the unit ("2 hours ago", "2 ore fa", "2 uur geleden").
AGO_SUFFIXES = ("ago", "fa", "geleden")
# "Yesterday" and "today"; "today" only counts when a time follows it.
YESTERDAY_WORDS = ("yesterday", "gestern", "hier", "ayer", "ieri", "ontem", "gisteren")
TODAY_WORDS = ("today", "heute", "aujourd'hui", "aujourd’hui", "hoy", "oggi", "hoje", "vandaag")

# -- Bylines ----------------------------------------------------------------
# Words that introduce the publication date in a byline ("Published 7 September 2022").
PUBLISHED_PREFIXES = (
    "published", "posted", "posted on", "first published", "publication date",
    "veröffentlicht", "veröffentlicht am", "erschienen", "erschienen am", "publié",
    "publié le", "mis en ligne", "mis en ligne le", "publicado", "publicado el",
    "pubblicato", "pubblicato il", "gepubliceerd", "gepubliceerd op", "date",
)
# Words that introduce a modification date: a date right after one of these
# is never the publication date.
UPDATED_PREFIXES = (
    "updated", "last updated", "update", "modified", "last modified", "edited",
    "aktualisiert", "aktualisiert am", "zuletzt aktualisiert", "stand", "mis à jour",
    "mis à jour le", "modifié", "modifié le", "actualizado", "actualizado el",
    "aggiornato", "aggiornato il", "bijgewerkt", "gewijzigd",
)
# Substrings of class/id values of elements that hold a byline or entry
# metadata line ("entry-meta", "post-date", "byline").
BYLINE_MARKERS = (
    "byline", "meta", "date", "time", "posted", "publish", "pubdate", "dateline",
    "timestamp", "author", "article-info", "post-info", "details",
)

# -- Places a publication date is never taken from ---------------------------
# Tags whose content is page furniture wherever they are.
FURNITURE_TAGS = ("nav", "aside")
# Tags that are page furniture unless they sit inside an <article> (an
# article's own <header> holds its date).
SITE_ONLY_TAGS = ("header", "footer")
# ARIA roles of page furniture.
FURNITURE_ROLES = ("banner", "navigation", "complementary", "contentinfo", "search")
# Substrings of class/id values marking "today's date" widgets, site headers,
# teasers, related and recommended blocks, sidebars and comment threads.
WIDGET_MARKERS = (
    # today's-date widgets and site headers / top bars
    "header-date", "current-date", "currentdate", "today", "date-now", "datenow",
    "masthead", "topbar", "top-bar", "top-header", "header-top", "site-header",
    "main-header", "global-header", "header-wrap", "header-bar", "navbar", "weather",
    # teasers, related and recommended articles
    "teaser", "related", "recommend", "more-stories", "more-news", "more-from",
    "read-next", "readnext", "read-more", "popular", "trending", "most-read",
    "mostread", "latest-news", "latest-posts", "latest-articles", "latest-stories",
    "recent-posts", "next-post", "prev-post", "previous-post", "post-navigation",
    "nav-links", "outbrain", "taboola", "promo",
    # sidebars, breadcrumbs, footers, comments
    "sidebar", "breadcrumb", "copyright", "site-footer", "comment", "newsletter",
)
# Class/id values that mark a widget when they are the whole value or its
# first "-"/"_" part ("widget", "widget_recent_entries"), but not inside
# another word ("elementor-widget-post-info" holds real article metadata).
WIDGET_PREFIXES = ("widget", "widgets", "nav")
# Class/id values (whole) of a site header; like <header>, they are
# furniture unless inside an <article>.
SITE_ONLY_NAMES = ("header", "top", "site-top", "page-top")
