"""Boilerplate vocabulary: what is never part of an article's text.

Only words and patterns live here; ``body.py`` builds its matchers from
them. Each group is a named tuple of lowercase strings; :func:`alt` turns
a group into a regex alternation and refuses an empty one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def alt(group: Iterable[str], *, escape: bool = True) -> str:
    """Regex alternation of ``group``, longest first; an empty group is a bug."""
    items = sorted(set(group), key=len, reverse=True)
    if not items:
        msg = "empty vocabulary group"
        raise ValueError(msg)
    return "|".join(re.escape(i) if escape else i for i in items)


# -- Blocks removed from the page before the main-content search ------------
# class/id tokens (split on "-", "_", whitespace) naming page furniture.
BLOCK_TOKENS = (
    # sharing and social
    "share", "shares", "sharing", "sharebar", "sharedaddy", "social", "socials",
    "addthis", "addtoany", "a2a", "sociallinks", "social-share",
    # related, recommended and latest-article blocks
    "related", "relatedposts", "jp-relatedposts", "yarpp", "recommended",
    "recommendations", "more-stories", "morestories", "read-next", "readnext",
    "popular", "trending", "mostread", "most-read", "most-popular", "outbrain",
    "taboola", "latest-news", "latest-posts", "latest-articles", "recent-posts",
    # comments
    "comments", "comment-respond", "respond", "disqus", "commentlist",
    "comment-form", "reply",
    # page furniture
    "sidebar", "widget", "widgets", "breadcrumb", "breadcrumbs", "pagination",
    "post-navigation", "nav-links", "navigation", "navbar", "menu", "masthead",
    "topbar", "top-bar", "header-date", "td-header-date", "current-date",
    "weather", "ticker", "cookie", "cookies", "consent", "gdpr",
    # author boxes and bios
    "author-box", "authorbox", "author-bio", "about-author", "author-info",
    "saboxplugin", "post-author-box",
    # ads and promos
    "ad", "ads", "advert", "adverts", "advertisement", "adsbygoogle", "ad-slot",
    "adslot", "dfp", "gpt-ad", "spot-img", "spot_img", "sponsored", "promo",
    "promotion", "newsletter", "subscribe", "subscription", "signup", "paywall-promo",
    # headline block furniture: standfirst/dek (the summary under the headline)
    "dek", "standfirst", "subheadline", "sub-headline", "article-summary", "kicker",
    # tags and meta lists under the article
    "tags", "tag-list", "post-tags", "entry-tags", "tagcloud", "print",
)

# Tokens that are too common inside real article containers to remove on
# their own: they only count when the element is small.
WEAK_TOKENS = ("tags", "print", "reply", "menu", "navigation", "promo", "widget")

# Tags that never hold article text.
BLOCK_TAGS = ("nav", "aside", "footer", "form", "button", "select", "dialog")

# -- Paragraph-level text patterns ---------------------------------------
# Unrendered CMS shortcodes: [ad_1], [ad_2], [ads], [adsense], [/caption] ...
SHORTCODE_NAMES = (
    "ad", "ads", "advert", "adsense", "ad_\\d+", "ad\\d+", "adinserter",
    "caption", "/caption", "embed", "/embed", "gallery", "tweet", "related",
    "newsletter", "td_block_\\w+", "vc_\\w+", "/vc_\\w+", "et_pb_\\w+", "/et_pb_\\w+",
    "spot_img", "spot_im",
)

# Paired shortcodes whose enclosed text is not article text either:
# [caption ...]<img> Caption[/caption], [button ...]Subscribe[/button].
SHORTCODES_DROPPING_CONTENT = (
    "caption", "wp_caption", "button", "related_posts", "related", "newsletter", "ad", "ads",
    "adsense", "gallery", "embed", "video", "audio", "tweet", "contact-form", "contact-form-7",
    "mc4wp_form", "subscribe", "cta", "su_button",
)

# class tokens of a standfirst (dek): the summary set under the headline.
# Not "intro"/"lead": sites use those for the article's real first paragraph.
STANDFIRST_CLASS_TOKENS = (
    "summary", "standfirst", "dek", "entradilla", "bajada", "sumario", "chapo", "chapeau",
    "subtitle", "sub-title", "subheadline", "sub-headline", "vorspann", "teaser-text",
)

# Openers of an author biography set under the article.
AUTHOR_BIO_PREFIXES = (
    "about the author", "about the writer", "über den autor", "über die autorin",
    "zur person:", "à propos de l'auteur", "à propos de l’auteur", "sobre el autor", "sobre la autora",
)

# Whole-paragraph trailers and labels (compared case-insensitively, after
# stripping punctuation at the ends).
TRAILER_LINES = (
    "source link", "source", "sources", "read more", "read the full article",
    "read full article", "continue reading", "click here to read more",
    "advertisement", "advertisements", "anzeige", "werbung", "publicité",
    "publicidad", "annonce", "sponsored", "sponsored content",
    "story continues below", "story continues below advertisement",
    "article continues below", "article continues below advertisement",
    "continue reading below", "scroll to continue", "skip advertisement",
    "spot_img", "share", "share this", "share this article", "share on facebook",
    "share on twitter", "tweet", "email", "print", "comments", "leave a reply",
    "leave a comment", "post a comment", "cancel reply", "teilen", "partager",
    "compartir", "related", "related:", "loading", "loading...",
)

# Counters shown as their own line: "12 Comments", "3 Kommentare", "1.2K shares".
COUNTER_NOUNS = (
    "comment", "comments", "kommentar", "kommentare", "commentaire", "commentaires",
    "comentario", "comentarios", "share", "shares", "view", "views", "reply", "replies",
    "reaction", "reactions", "likes", "min read", "minute read", "minutes read", "mins read",
)

# Headings that open a block of other articles; everything after one of
# these near the end of the body is dropped.
RELATED_HEADINGS = (
    "related articles", "related article", "related posts", "related stories",
    "related news", "related content", "related coverage", "related reading",
    "latest articles", "latest news", "latest posts", "latest stories",
    "more from author", "more from this author", "more by this author",
    "more stories", "more news", "more articles", "more on this story",
    "more on this topic", "you may also like", "you might also like",
    "you may like", "recommended", "recommended for you", "recommended stories",
    "read next", "what to read next", "popular", "most popular", "most read",
    "trending", "trending now", "don't miss", "top stories", "editor's picks",
    "also read", "further reading", "leave a reply", "comments", "post navigation",
    "tags", "tagged", "tagged with", "filed under", "topics", "related topics",
    "schlagwörter", "themen", "mots-clés", "mots clés", "etiquetas", "temas",
    "mehr zum thema", "das könnte sie auch interessieren", "weitere artikel",
    "meistgelesen", "lire aussi", "à lire aussi", "a lire aussi", "sur le même sujet",
    "les plus lus", "dans la même rubrique", "te puede interesar", "más noticias",
    "noticias relacionadas", "lo más leído", "también te puede interesar",
)

# Paragraphs that start with these and are short are links to other
# articles or calls to action, not article text.
LEAD_IN_PREFIXES = (
    "read more:", "read more about", "read also:", "also read:", "read:", "related:",
    "don't miss", "don’t miss", "see more:", "more:", "watch more:", "recommended reading",
    "have a tip?", "got a tip?", "get the latest", "tell us what you think",
    "leggi anche", "leia também", "leia mais",
    "see also:", "watch:", "listen:", "more:", "recommended:", "click here",
    "lesen sie auch", "lesen sie mehr", "mehr zum thema:", "auch interessant:",
    "lire aussi", "à lire aussi", "a lire aussi", "voir aussi", "à voir aussi",
    "leer más", "lee también", "lea también", "te puede interesar", "ver también",
    "follow us on", "follow us", "like us on facebook", "sign up for", "sign up to",
    "subscribe to", "subscribe now", "get our newsletter", "newsletter:",
    "abonnieren sie", "jetzt abonnieren", "abonnez-vous", "inscrivez-vous",
    "suscríbete", "síguenos", "folgen sie uns", "suivez-nous",
    "we use cookies", "this website uses cookies", "this site uses cookies",
    "by continuing to use", "diese website verwendet cookies", "ce site utilise des cookies",
    "wir verwenden cookies", "diese seite verwendet cookies", "nous utilisons des cookies",
    "utilizamos cookies", "usamos cookies", "este sitio web utiliza cookies", "esta web utiliza cookies",
    "este sitio utiliza cookies",
    "copyright ©", "copyright (c)", "©", "(c) copyright", "copyright ⓒ", "ⓒ",
    # contact lines and agency follow-ups under the story
    "reach the reporter", "reach the reporters", "contact the reporter", "contact the author",
    "email the author", "follow ap's", "follow ap’s", "more ap ", "follow reuters",
    # paywall and account prompts
    "get unlimited access", "already a subscriber", "already have an account",
    "subscribe for", "start your free trial", "to continue reading", "continue reading with",
    "this article is for subscribers", "this content is for subscribers", "become a member",
    "bereits abonnent", "jetzt weiterlesen", "weiterlesen mit", "déjà abonné",
    "ya eres suscriptor", "¿ya eres suscriptor", "ya tienes una cuenta",
    # wire-service production credits under the story
    "reporting by", "additional reporting by", "editing by", "writing by", "compiled by",
    "mit material von", "avec afp", "con información de",
)

# Networks named in "Follow <site> on <network>" prompts.
SOCIAL_NETWORKS = (
    "google news", "twitter", "x", "facebook", "instagram", "telegram", "whatsapp",
    "linkedin", "youtube", "tiktok", "threads", "bluesky", "mastodon", "flipboard",
)
FOLLOW_VERBS = ("follow", "folgen sie", "suivez", "síguenos en", "sigue a", "join")

# Button labels a widget glues to the end of the text it wraps ("… offline
# business.Click To Tweet": a tweetable quote's button); cut from a block's end.
TRAILING_LABELS = ("click to tweet", "click-to-tweet")

# Phrases that mark a whole short paragraph as a trailer wherever they appear.
TRAILER_PHRASES = (
    "all rights reserved", "alle rechte vorbehalten", "tous droits réservés",
    "todos los derechos reservados", "this material may not be published, broadcast, rewritten",
    "may not be published, broadcast, rewritten or redistributed",
    "sign up for our newsletter", "subscribe to our newsletter",
    "story continues below", "article continues below",
    "follow him on twitter", "follow her on twitter", "follow them on twitter",
    "follow us on twitter", "follow us on facebook", "delivered to your inbox",
    "subscribe to our", "sign up for our", "by clicking here", "click here for more",
)

# Lines that only say when the article was published or updated.
DATE_LINE_PREFIXES = (
    "updated", "last updated", "published", "posted", "posted on", "first published",
    "aktualisiert", "veröffentlicht", "stand", "mis à jour", "publié", "publié le",
    "actualizado", "publicado", "atualizado", "publicado em",
)

# Words that may stand in a date line besides numbers, months and weekdays.
DATE_LINE_FILLERS = (
    "at", "on", "am", "pm", "a.m.", "p.m.", "et", "est", "edt", "gmt", "utc", "bst", "cet",
    "cest", "pst", "pdt", "de", "às", "um", "uhr", "le", "à", "h", "the", "of", "a", "las",
    "del", "el", "by", "min", "read", "last", "first", "time", "minutes", "minute", "ago", "hours", "hour",
    # ordinal suffixes ("Nov. 18th"), split from their number
    "st", "nd", "rd", "th",
    # more time zones ("8:54 am PT")
    "pt", "ct", "mt", "cst", "cdt", "mst", "mdt", "hst", "akst", "akdt", "ist", "jst", "kst", "hkt",
    "sgt", "aest", "aedt", "msk", "eet", "eest", "mez", "mesz",
    # reading time in other languages ("Tempo de leitura: 1 minuto", "Lesezeit: 3 Minuten")
    "tempo", "leitura", "minuto", "minutos", "tiempo", "lectura", "lesezeit", "minuten", "temps", "lecture",
)

MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "januar", "februar", "märz", "mai", "juni", "juli",
    "oktober", "dezember", "janvier", "février", "mars", "avril", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre", "enero", "febrero", "marzo", "abril",
    "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    "janeiro", "fevereiro", "março", "maio", "junho", "julho", "setembro", "outubro",
    "novembro", "dezembro",
)

# Widget text that sits in site headers: weather and the site's "today".
WEEKDAYS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
    "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
)

# -- Paywalls ---------------------------------------------------------------
# class/id fragments of the element a paywall puts where the rest of the text would be.
PAYWALL_MARKERS = (
    "paywall", "pay-wall", "regwall", "subscriber-only", "subscribers-only",
    "premium-lock", "locked-content", "article-locked", "content-locked", "piano-offer",
)

# Prompts that stand where a paywalled article stops.
PAYWALL_PROMPTS = (
    "subscribe to continue reading", "subscribe to read", "subscribe now to continue",
    "already a subscriber", "get unlimited access", "this article is for subscribers",
    "this content is for subscribers", "start your free trial", "sign in to read",
    "create a free account to continue", "jetzt weiterlesen", "bereits abonnent",
    "weiterlesen mit", "déjà abonné", "réservé aux abonnés", "article réservé",
    "ya eres suscriptor", "contenido exclusivo para suscriptores", "solo para suscriptores",
)
