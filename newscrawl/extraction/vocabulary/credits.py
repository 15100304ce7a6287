"""Caption and photo-credit vocabulary, and the tokens that mark non-article images.

Only words live here; ``extraction/captions.py`` builds its regexes and
class matchers from them (with :func:`~newscrawl.extraction.vocabulary.boilerplate.alt` and
:func:`~newscrawl.extraction.vocabulary.bylines.word_set`, which refuse an
empty group). Entries are lowercase and matched
case-insensitively unless a comment says otherwise.
"""

from __future__ import annotations

from newscrawl.extraction.vocabulary.bylines import AGENCIES

# -- Credit sources ---------------------------------------------------------
# Photo agencies, picture desks and stock libraries. A caption whose tail is
# one of these, or "Name/<source>", carries a credit. Wire agencies (AGENCIES)
# are added below.
PHOTO_SOURCES = (
    "getty images", "getty", "afp via getty images", "ap photo", "ap photos",
    "ap images", "afp photo", "reuters", "epa", "epa-efe", "efe", "dpa",
    "picture alliance", "picture-alliance", "imago", "imago images", "shutterstock",
    "istock", "istockphoto", "alamy", "alamy stock photo", "corbis", "unsplash",
    "pexels", "pixabay", "keystone", "pa", "pa wire", "pa images", "aap image",
    "anadolu", "anadolu agency", "nurphoto", "sopa images", "lightrocket",
    "zuma press", "zuma wire", "zuma", "sipa", "sipa usa", "abaca", "abacapress",
    "wenn", "backgrid", "splash news", "rex features", "rex/shutterstock",
    "maxppp", "hans lucas", "gamma-rapho", "belga", "anp", "ntb", "tt", "ritzau",
    "lehtikuva", "jiji press", "yonhap", "kyodo", "tass", "sputnik", "xinhua",
    "ansa", "lusa", "europa press", "wikimedia commons", "wikimedia", "flickr",
    "handout", "pool", "bloomberg", "bloomberg via getty images",
    "the associated press", "associated press", "ap", "afp", "upi", "cnn",
    "nasa", "white house", "courtesy", "screenshot", "screengrab", "youtube",
    "twitter", "instagram", "facebook", "ddp", "ddp images", "action press",
    "ullstein bild", "sz photo", "photothek", "keystone-sda", "apa", "apa-images",
    "picturedesk", "epd", "kna", "sid",
)
CREDIT_SOURCES = tuple(dict.fromkeys((*PHOTO_SOURCES, *AGENCIES)))
# Of CREDIT_SOURCES, the short acronyms and plain words that only count in
# the case written here ("AP", not "ap"; "Pool", not "pool"). Listed as written.
CASED_SOURCES = ("AP", "PA", "TT", "EPA", "ANP", "NTB", "APA", "SID", "KNA", "Pool", "POOL")
# Credits that stand on their own at the end of a caption without a separator
# ("... in Geneva Getty Images"): they are never ordinary caption words.
UNSEPARATED_SOURCES = (
    "getty images", "afp via getty images", "ap photo", "afp photo", "shutterstock",
    "istock", "istockphoto", "picture alliance", "picture-alliance", "imago images",
    "alamy stock photo", "epa-efe", "bloomberg via getty images",
)

# -- Credit markers -----------------------------------------------------------
# Labels that introduce a credit with a colon ("Photo: Jane Doe", "Foto: dpa",
# "Crédit photo : AFP"). The label is not part of the credit.
CREDIT_LABELS = (
    # en
    "photo", "photos", "photograph", "photographs", "photo credit", "photo credits",
    "image", "images", "image credit", "image source", "picture", "pictures", "pic",
    "credit", "credits", "source", "copyright", "photographer", "illustration",
    # de
    "foto", "fotos", "bild", "bilder", "bildquelle", "quelle", "fotograf",
    "fotografin", "bildrechte",
    # fr
    "crédit", "crédits", "crédit photo", "crédits photo", "crédit image",
    "illustration",
    # es
    "fotografía", "fotografia", "imagen", "crédito", "créditos", "fuente",
)
# Phrases that introduce a credit without a colon ("Photo by Jane Doe").
CREDIT_BY_PHRASES = (
    "photo by", "photos by", "photograph by", "photographs by", "image by",
    "picture by", "pictured by", "illustration by", "foto von", "fotos von",
    "bild von", "photo de", "photos de", "foto de", "fotos de",
)
# Words that make a parenthesis a credit wherever they stand in it
# ("(Courtesy of the family)", "(Photo via Twitter)").
CREDIT_WORDS = (
    "courtesy", "via", "photo", "photograph", "foto", "credit", "copyright",
    "getty", "shutterstock", "istock", "imago", "picture alliance", "handout",
)
# Parentheses that describe the picture rather than credit it ("(left)",
# "(file photo)"); compared with the whole parenthesised text.
NOT_CREDITS = (
    "left", "right", "center", "centre", "top", "bottom", "above", "below",
    "front", "back", "middle", "l", "r", "c", "l-r", "r-l", "from left",
    "from right", "left to right", "right to left", "second left", "second right",
    "far left", "far right", "top left", "top right", "bottom left",
    "bottom right", "file", "file photo", "file image", "archive", "archive photo",
    "archive image", "photo", "pictured", "inset", "main", "illustrative",
    "illustrative photo", "stock photo", "stock image",
    "links", "rechts", "mitte", "oben", "unten", "archiv", "archivbild",
    "archivfoto", "gauche", "droite", "au centre", "izquierda", "derecha",
    "centro", "archivo",
)
# First words of a parenthesis that describes the picture's age, not its
# source ("(File photo of 2019)"), unless an agency or a slash follows.
NOT_CREDIT_OPENERS = ("file", "archive", "archiv", "archivbild", "archivo", "archives")
# Joiners allowed as lowercase words in a photographer's name or credit ("Jane Doe for The New York Times").
CREDIT_JOINERS = (
    "via", "for", "of", "de", "da", "del", "di", "du", "la", "le", "van", "von",
    "der", "den", "y", "and", "&", "und", "et", "the", "/", "-", "|", "on",
)

# -- Caption and credit elements -----------------------------------------------
# class tokens of elements holding a caption ("wp-caption-text"); a token
# ending in "-caption", "_caption" or "__caption" counts too.
CAPTION_CLASSES = (
    "caption", "wp-caption-text", "wp-element-caption", "image-caption",
    "media-caption", "img-caption", "photo-caption", "caption-text",
    "figure-caption", "figcaption", "imagecaption", "article-caption",
    "inline-caption", "gallery-caption", "caption-content", "bildunterschrift",
    "legende", "légende",
)
# class tokens of elements holding a photo credit; a token containing
# "credit" or "copyright" counts too.
CREDIT_CLASSES = (
    "credit", "credits", "photo-credit", "caption-credit", "wp-caption-credit",
    "image-credit", "media-credit", "img-credit", "copyright", "photographer",
    "imagecredit", "photocredit", "bildnachweis", "bildquelle", "source-credit",
)
# Tags that hold a credit when they sit inside a caption or figure.
CREDIT_TAGS = ("small", "cite")
# class tokens of a WordPress-style wrapper that holds an image and its caption.
CAPTION_WRAPPER_CLASSES = ("wp-caption", "wp-block-image", "image-with-caption", "captioned-image")

# -- Images that are not part of the article ------------------------------------
# Whole tokens (split on "-", "_", "/", ".", "?", "=", "&", whitespace) of an
# image's class, id or URL that mark page furniture ("icon-search", "ad-slot").
FURNITURE_IMAGE_TOKENS = (
    "logo", "logos", "avatar", "avatars", "gravatar", "icon", "icons", "favicon",
    "sprite", "sprites", "spinner", "placeholder", "emoji", "emojis", "ad", "ads",
    "advert", "badge", "loader",
)
# Substrings of an image's class or id that mark page furniture ("sitelogo").
FURNITURE_CLASS_SUBSTRINGS = ("logo", "avatar", "pixel", "emoji", "sprite", "gravatar")
# Substrings of an image URL that mark furniture or a tracking pixel.
FURNITURE_URL_SUBSTRINGS = (
    "gravatar.com", "doubleclick.", "/ads/", "/pixel.", "/pixel?", "pixel.gif",
    "1x1.", "/1x1", "spacer.gif", "blank.gif", "transparent.gif", "/emoji/",
    "/smilies/", "logo",
)
# class/id tokens of ancestor blocks whose images are not the article's
# (split on "-", "_" and whitespace; multi-word entries match the whole token).
EXCLUDED_BLOCK_TOKENS = (
    "related", "teaser", "teasers", "sidebar", "widget", "widgets", "share",
    "sharing", "social", "author", "byline", "promo", "recommended",
    "recommendations", "more-stories", "newsletter", "comment", "comments",
    "ad", "ads", "advert", "advertisement", "sponsored", "outbrain", "taboola",
    "read-more", "read-next", "most-read", "popular", "trending",
)
# Class-token prefixes exempt from EXCLUDED_BLOCK_TOKENS: page builders that
# call every content block a widget ("elementor-widget-image").
EXCLUDED_BLOCK_EXEMPT_PREFIXES = ("elementor", "wp-block", "et_pb", "vc_")
# Image URLs that only stand in for the real one until a script loads it.
PLACEHOLDER_URL_SUBSTRINGS = (
    "placeholder", "blank.gif", "spacer.gif", "transparent.gif", "transparent.png",
    "lazy", "loading.gif", "grey.gif", "gray.gif", "1x1", "pixel.gif",
)
# Attributes that hold the real URL of a lazily loaded image, in order of trust.
LAZY_SRC_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url", "data-hi-res-src")
LAZY_SRCSET_ATTRIBUTES = ("srcset", "data-srcset", "data-lazy-srcset")
# Query parameters that only ask for a resized copy (Jetpack/Photon, image
# CDNs): "a.jpg?w=300" and "a.jpg" are one image.
RESIZE_QUERY_PARAMS = (
    "w", "h", "width", "height", "resize", "fit", "crop", "quality", "q", "ssl",
    "strip", "zoom", "dpr",
)
