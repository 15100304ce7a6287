"""Images, captions and photo credits."""

from __future__ import annotations

import lxml.html
import pytest

from newscrawl.extraction.captions import caption_texts, extract_images, split_credit
from newscrawl.items import Image

BASE = "https://news.example.com/world/2022/09/china-xinjiang/"


def _root(inner: str) -> lxml.html.HtmlElement:
    """The article content element of a small page holding ``inner``."""
    doc = lxml.html.document_fromstring(
        f"<html><body><header><img src='/static/site-logo.png' alt='Example News'></header>"
        f"<article><div class='entry-content'>{inner}</div></article></body></html>"
    )
    return next(el for el in doc.iter("div") if el.get("class") == "entry-content")


def _images(inner: str) -> list[Image]:
    return extract_images(_root(inner), BASE)


# The seed page's two images, rebuilt as HTML: the alt repeats the caption,
# and the second caption carries its credit in parentheses.
SEED = """
<figure class="wp-block-image"><img src="/wp-content/uploads/2022/09/chen-xu.jpg"
  alt="Chinese Ambassador to China Chen Xu"><figcaption>Chinese Ambassador to China Chen Xu</figcaption></figure>
<p>A senior Chinese diplomat said China could not cooperate with the U.N. human rights office.</p>
<figure class="wp-block-image"><img src="/wp-content/uploads/2022/09/bachelet.jpg" alt="Michelle Bachelet">
  <figcaption>Michelle Bachelet (Mahmud Hossain Opu/AP)</figcaption></figure>
<p>On August 31, at the end of her last day in office, the office released a report.</p>
"""


# -- split_credit -----------------------------------------------------------------------
def test_seed_caption_credit_in_parentheses() -> None:
    """The seed page's "Name (Photographer/AP)" caption splits into caption and credit."""
    assert split_credit("Michelle Bachelet (Mahmud Hossain Opu/AP)") == ("Michelle Bachelet", "Mahmud Hossain Opu/AP")


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("A protester (Chip Somodevilla/Getty Images)", ("A protester", "Chip Somodevilla/Getty Images")),
        ("Kanzler Scholz (picture alliance/dpa)", ("Kanzler Scholz", "picture alliance/dpa")),
        ("President Biden speaks. (AP Photo/Evan Vucci)", ("President Biden speaks.", "AP Photo/Evan Vucci")),
        ("Crowds gather (Photo: Jane Doe)", ("Crowds gather", "Jane Doe")),
        ("Crowds gather (Courtesy of the family)", ("Crowds gather", "Courtesy of the family")),
        ("The summit (Reuters)", ("The summit", "Reuters")),
        ("The crater (NASA via Getty Images)", ("The crater", "NASA via Getty Images")),
        ("The plant (Shutterstock)", ("The plant", "Shutterstock")),
        ("Flooded street (Jane Doe/The Guardian)", ("Flooded street", "Jane Doe/The Guardian")),
        ("The rocket (Handout)", ("The rocket", "Handout")),
        ("The minister (File/Reuters)", ("The minister", "File/Reuters")),
    ],
)
def test_parenthesised_credits(caption: str, expected: tuple[str, str]) -> None:
    """A trailing parenthesis that names an agency, a photographer/agency pair, a label or "courtesy" is the credit."""
    assert split_credit(caption) == expected


@pytest.mark.parametrize(
    "caption",
    [
        "The team celebrates (left)",
        "Smith and Jones (R)",
        "A house in Xinjiang (file photo)",
        "The plant opened (2019)",
        "The mayor (centre) speaks.",
        "The delegates (from left)",
        "Officials meet (L-R)",
        "The new logo (pictured)",
        "The minister (File photo of 2019)",
        "A portrait (Malcolm X)",
    ],
)
def test_descriptive_parentheses_are_not_credits(caption: str) -> None:
    """Parentheses that describe the picture ("(left)", "(file photo)", "(2019)", "(R)") stay in the caption."""
    assert split_credit(caption) == (caption, None)


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("The mayor speaks. Photo: Jane Doe", ("The mayor speaks.", "Jane Doe")),
        ("The mayor speaks | Photo: Jane Doe", ("The mayor speaks", "Jane Doe")),
        ("The mayor speaks - Photograph: Jane Doe/The Guardian", ("The mayor speaks", "Jane Doe/The Guardian")),
        ("Der Kanzler spricht. Foto: Max Muster/dpa", ("Der Kanzler spricht.", "Max Muster/dpa")),
        ("Die Demo in Berlin Fotos: Max Muster", ("Die Demo in Berlin", "Max Muster")),
        ("Le président. Crédit photo : Ludovic Marin/AFP", ("Le président.", "Ludovic Marin/AFP")),
        ("Ein Haus — Bild: Erika Musterfrau", ("Ein Haus", "Erika Musterfrau")),
        ("The launch. Image: NASA", ("The launch.", "NASA")),
        ("The launch. Credit: Jane Doe", ("The launch.", "Jane Doe")),
        ("Crowds gather © Jane Doe", ("Crowds gather", "Jane Doe")),
        ("Kids play. Photo by Jane Doe on Unsplash", ("Kids play.", "Jane Doe on Unsplash")),
    ],
)
def test_labelled_credit_after_the_caption(caption: str, expected: tuple[str, str]) -> None:
    """A labelled credit (Photo:, Photograph:, Foto:, Fotos:, Bild:, Crédit photo :, Image:, Credit:, ©) after the caption is split off without its label."""
    assert split_credit(caption) == expected


@pytest.mark.parametrize(
    ("caption", "credit"),
    [
        ("Photo: Jane Doe", "Jane Doe"),
        ("Fotos: dpa", "dpa"),
        ("Crédit photo : AFP", "AFP"),
        ("Credit: Getty Images", "Getty Images"),
        ("Bild: picture alliance/dpa", "picture alliance/dpa"),
        ("Mahmud Hossain Opu/AP", "Mahmud Hossain Opu/AP"),
        ("AP Photo/Evan Vucci", "AP Photo/Evan Vucci"),
        ("Getty Images", "Getty Images"),
        ("REUTERS/Denis Balibouse", "REUTERS/Denis Balibouse"),
    ],
)
def test_caption_that_is_only_a_credit(caption: str, credit: str) -> None:
    """A caption that is nothing but a credit gives no caption and the credit."""
    assert split_credit(caption) == (None, credit)


def test_credit_on_its_own_line() -> None:
    """A first or last line that is only a credit is the credit; the other lines are the caption."""
    assert split_credit("Photo: Kenji Watanabe\nVolunteers sort clothes.") == ("Volunteers sort clothes.", "Kenji Watanabe")
    assert split_credit("Volunteers sort clothes.\nREUTERS/Jane Roe") == ("Volunteers sort clothes.", "REUTERS/Jane Roe")


def test_leading_label_with_caption_after_a_pipe() -> None:
    """"Foto: dpa | Caption" gives the caption after the pipe and the credit before it."""
    assert split_credit("Foto: dpa | Kanzler Scholz am Rednerpult") == ("Kanzler Scholz am Rednerpult", "dpa")


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("President Biden speaks AP Photo/Evan Vucci", ("President Biden speaks", "AP Photo/Evan Vucci")),
        ("The actor arrives Getty Images", ("The actor arrives", "Getty Images")),
        ("The actor arrives. Jane Doe/Getty Images", ("The actor arrives.", "Jane Doe/Getty Images")),
        ("Storm clouds over the lake. Reuters", ("Storm clouds over the lake.", "Reuters")),
        ("Crowds gather in Geneva REUTERS/Denis Balibouse", ("Crowds gather in Geneva", "REUTERS/Denis Balibouse")),
        ("The chancellor in Berlin. Kay Nietfeld/dpa", ("The chancellor in Berlin.", "Kay Nietfeld/dpa")),
        ("Firefighters work. EPA-EFE/Mohammed Saber", ("Firefighters work.", "EPA-EFE/Mohammed Saber")),
        (
            "Protesters in Geneva, Switzerland, May 3, 2022. REUTERS/Denis Balibouse/File Photo",
            ("Protesters in Geneva, Switzerland, May 3, 2022.", "REUTERS/Denis Balibouse/File Photo"),
        ),
        ("The mayor speaks | Jane Doe/AFP", ("The mayor speaks", "Jane Doe/AFP")),
    ],
)
def test_trailing_agency_credits(caption: str, expected: tuple[str, str]) -> None:
    """A trailing "AP Photo/Name", "Getty Images", "Name/Getty Images", "Reuters", "REUTERS/Name", "Name/dpa" or "EPA-EFE/Name" is the credit."""
    assert split_credit(caption) == expected


def test_file_photo_label_is_not_a_credit_marker() -> None:
    """Reuters' "FILE PHOTO:" opener stays in the caption; the credit is the trailing REUTERS part."""
    assert split_credit("FILE PHOTO: A man walks past a sign. REUTERS/Jane Doe/File Photo") == (
        "FILE PHOTO: A man walks past a sign.",
        "REUTERS/Jane Doe/File Photo",
    )


@pytest.mark.parametrize(
    "caption",
    [
        "Chinese Ambassador to China Chen Xu",
        "He spoke to Reuters.",
        "The cover image: a flag over the city",
        "Open 24/7 since the storm",
        "Readers can choose and/or combine options",
        "A sign reading Photo booth",
    ],
)
def test_captions_without_credit_are_unchanged(caption: str) -> None:
    """A caption without a credit comes back whole, with no credit."""
    assert split_credit(caption) == (caption, None)


def test_whitespace_is_normalised_and_empty_gives_nothing() -> None:
    """Whitespace is collapsed, and an empty caption gives (None, None)."""
    assert split_credit("  The   mayor\n speaks.  Photo:  Jane  Doe ") == ("The mayor speaks.", "Jane Doe")
    assert split_credit("   ") == (None, None)


# -- extract_images ----------------------------------------------------------------------
def test_seed_page_images() -> None:
    """The seed page gives two images; the alt that repeats the caption does not add an image or caption."""
    assert _images(SEED) == [
        Image(
            url="https://news.example.com/wp-content/uploads/2022/09/chen-xu.jpg",
            alt="Chinese Ambassador to China Chen Xu",
            caption="Chinese Ambassador to China Chen Xu",
            credit=None,
        ),
        Image(
            url="https://news.example.com/wp-content/uploads/2022/09/bachelet.jpg",
            alt="Michelle Bachelet",
            caption="Michelle Bachelet",
            credit="Mahmud Hossain Opu/AP",
        ),
    ]


@pytest.mark.parametrize(
    "credit_markup",
    [
        '<span class="credit">Jane Doe/AP</span>',
        '<span class="photo-credit">Jane Doe/AP</span>',
        '<span class="caption-credit">Jane Doe/AP</span>',
        '<span class="wp-caption-credit">Jane Doe/AP</span>',
        "<small>Jane Doe/AP</small>",
        "<cite>Jane Doe/AP</cite>",
        '<span itemprop="copyrightHolder">Jane Doe/AP</span>',
        '<span class="copyright">(Jane Doe/AP)</span>',
        '<span class="credit">Photo: Jane Doe/AP</span>',
    ],
)
def test_credit_from_a_child_element(credit_markup: str) -> None:
    """A credit element inside the figcaption gives the credit, and the caption keeps the rest."""
    (image,) = _images(f'<figure><img src="a.jpg"><figcaption>The summit opens. {credit_markup}</figcaption></figure>')
    assert (image.caption, image.credit) == ("The summit opens.", "Jane Doe/AP")


def test_credit_element_beside_the_figcaption() -> None:
    """A credit element in the figure but outside the figcaption is still the image's credit."""
    (image,) = _images('<figure><img src="a.jpg"><span class="credit">Getty Images</span>'
                       "<figcaption>The summit opens.</figcaption></figure>")
    assert (image.caption, image.credit) == ("The summit opens.", "Getty Images")


def test_credit_line_before_a_line_break_in_figcaption() -> None:
    """"Photo: Name<br>Caption" in a figcaption splits at the line break."""
    (image,) = _images('<figure><img src="/a.jpg"><figcaption>Photo: Kenji Watanabe<br>Volunteers sort clothes.'
                       "</figcaption></figure>")
    assert (image.caption, image.credit) == ("Volunteers sort clothes.", "Kenji Watanabe")


def test_wordpress_caption_block() -> None:
    """A WordPress div.wp-caption with p.wp-caption-text gives caption and split credit."""
    (image,) = _images('<div class="wp-caption aligncenter"><a href="/full.jpg"><img src="/a-1024x683.jpg" alt="">'
                       '</a><p class="wp-caption-text">A protester in Geneva. REUTERS/Jane Roe</p></div>')
    assert image == Image(url="https://news.example.com/a-1024x683.jpg", alt=None,
                          caption="A protester in Geneva.", credit="REUTERS/Jane Roe")


@pytest.mark.parametrize("cls", ["caption", "image-caption", "media-caption"])
def test_caption_sibling_after_the_image_container(cls: str) -> None:
    """A caption element that follows the image's container is the image's caption."""
    (image,) = _images(f'<p><a href="/x"><img src="/a.jpg"></a></p><p class="{cls}">Fog over the lake. Photo: Jane Doe</p>')
    assert (image.caption, image.credit) == ("Fog over the lake.", "Jane Doe")


def test_sibling_caption_is_not_taken_across_body_text() -> None:
    """A caption class further down, after body text, does not belong to the image."""
    (image,) = _images('<p><img src="/a.jpg"></p><p>Body text.</p><p class="caption">Another picture.</p>')
    assert image.caption is None


def test_data_caption_attribute() -> None:
    """An img's data-caption gives its caption and credit."""
    (image,) = _images('<img src="/a.jpg" data-caption="Fog over the lake | Foto: dpa">')
    assert (image.caption, image.credit) == ("Fog over the lake", "dpa")


def test_uncaptioned_content_image() -> None:
    """A content image without a caption is kept with caption None."""
    assert _images('<p><img src="/a.jpg" alt="A lake"></p>') == [
        Image(url="https://news.example.com/a.jpg", alt="A lake", caption=None, credit=None)
    ]


def test_empty_alt_is_none_and_alt_is_normalised() -> None:
    """An empty alt is None and a multi-line alt is whitespace-normalised."""
    images = _images('<img src="/a.jpg" alt=" "><img src="/b.jpg" alt="A\n   lake">')
    assert [i.alt for i in images] == [None, "A lake"]


@pytest.mark.parametrize("attr", ["data-src", "data-lazy-src", "data-original"])
def test_lazy_image_uses_the_real_url(attr: str) -> None:
    """A lazily loaded image reports the URL in its lazy attribute, not the placeholder in src."""
    (image,) = _images(f'<img src="data:image/gif;base64,R0lGOD" {attr}="/real.jpg" alt="x">')
    assert image.url == "https://news.example.com/real.jpg"


def test_placeholder_src_without_real_url_is_skipped() -> None:
    """An image whose only URL is a placeholder is not reported."""
    assert _images('<img src="/img/placeholder.png"><img src="data:image/png;base64,iVBOR">') == []


def test_largest_srcset_candidate_when_no_src() -> None:
    """Without src, the widest srcset candidate is the image URL."""
    (image,) = _images('<img srcset="/a-300.jpg 300w, /a-1200.jpg 1200w, /a-600.jpg 600w">')
    assert image.url == "https://news.example.com/a-1200.jpg"


def test_srcset_with_commas_in_urls_and_density_descriptors() -> None:
    """srcset URLs containing commas and "2x" descriptors are parsed correctly."""
    images = _images('<img data-srcset="https://cdn.example.com/w_300,h_200/a.jpg 1x, '
                     'https://cdn.example.com/w_600,h_400/a.jpg 2x">')
    assert [i.url for i in images] == ["https://cdn.example.com/w_600,h_400/a.jpg"]


def test_picture_source_when_img_has_no_url() -> None:
    """An img without any URL inside <picture> takes the largest <source> candidate."""
    (image,) = _images('<picture><source srcset="/p-800.webp 800w, /p-1600.webp 1600w"><img alt="P"></picture>')
    assert image.url == "https://news.example.com/p-1600.webp"


def test_noscript_duplicate_gives_one_image() -> None:
    """A lazy image and its <noscript> copy give one Image with the caption."""
    images = _images('<figure><img src="data:," data-src="/a-300x200.jpg" class="lazyload" alt="Lake">'
                     '<noscript><img src="/a.jpg" alt="Lake"></noscript><figcaption>Lake (Jane Doe/AP)</figcaption></figure>')
    assert images == [Image(url="https://news.example.com/a.jpg", alt="Lake", caption="Lake", credit="Jane Doe/AP")]


def test_resized_copies_are_one_image_with_the_original_url() -> None:
    """A "?w=" resized copy and the original are one image, reported with the original's URL."""
    images = _images('<img src="/a.jpg?w=30&amp;quality=10" alt="Lake"><img src="/a.jpg" alt="Lake">')
    assert [i.url for i in images] == ["https://news.example.com/a.jpg"]


def test_caption_after_a_figure_without_figcaption() -> None:
    """A figure without figcaption takes the caption element that follows it."""
    (image,) = _images('<figure><img src="/a.jpg"><noscript><img src="/a.jpg"></noscript></figure>'
                       '<div class="image-caption">The harbour at dawn. Jane Doe/AFP</div>')
    assert (image.caption, image.credit) == ("The harbour at dawn.", "Jane Doe/AFP")


def test_same_url_twice_gives_one_image_and_fills_missing_fields() -> None:
    """The same image URL twice is one Image; the later copy only fills missing fields."""
    images = _images('<p><img src="/a.jpg"></p><figure><img src="/a.jpg" alt="Lake"><figcaption>Lake.</figcaption></figure>')
    assert images == [Image(url="https://news.example.com/a.jpg", alt="Lake", caption="Lake.", credit=None)]


def test_relative_and_protocol_relative_urls_are_made_absolute() -> None:
    """Relative and protocol-relative URLs are joined with the page URL."""
    images = _images('<img src="pics/a.jpg"><img src="//cdn.example.com/b.jpg">')
    assert [i.url for i in images] == [
        "https://news.example.com/world/2022/09/china-xinjiang/pics/a.jpg",
        "https://cdn.example.com/b.jpg",
    ]


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="/pixel.gif" width="1" height="1">',
        '<img src="/t.gif" width="2">',
        '<img src="https://www.facebook.com/tr?id=1&ev=PageView" height="1" width="1">',
        '<img src="/static/logo.png">',
        '<img src="/img/a.png" class="site-logo">',
        '<img src="/img/jane.jpg" class="avatar avatar-96">',
        '<img src="https://secure.gravatar.com/avatar/abc?s=96">',
        '<img src="/icons/share.svg">',
        '<img src="/img/x.png" class="icon-twitter">',
        '<img src="/img/sprite.png">',
        '<img src="/img/b.jpg" id="ad-banner">',
        '<img src="/ads/banner.jpg">',
        '<img src="/img/spinner.gif">',
        '<img src="https://s.w.org/images/core/emoji/14.0.0/72x72/1f600.png" class="emoji">',
    ],
)
def test_furniture_images_are_skipped(markup: str) -> None:
    """Tracking pixels, logos, avatars, icons, sprites, ads, spinners and emoji are not article images."""
    assert _images(markup) == []


@pytest.mark.parametrize(
    "block",
    [
        '<div class="related-posts"><a href="/x"><img src="/t1.jpg"></a></div>',
        '<div class="teaser"><img src="/t1.jpg"></div>',
        '<div id="sidebar"><img src="/t1.jpg"></div>',
        '<div class="widget"><img src="/t1.jpg"></div>',
        '<div class="share-buttons"><img src="/t1.jpg"></div>',
        '<div class="social-links"><img src="/t1.jpg"></div>',
        '<div class="author-box"><img src="/t1.jpg"></div>',
        '<div class="promo"><img src="/t1.jpg"></div>',
        '<div class="recommended"><img src="/t1.jpg"></div>',
        '<div class="more-stories"><img src="/t1.jpg"></div>',
        '<div class="newsletter-signup"><img src="/t1.jpg"></div>',
        '<ol class="comment-list"><li><img src="/t1.jpg"></li></ol>',
    ],
)
def test_images_in_related_and_furniture_blocks_are_skipped(block: str) -> None:
    """Images inside related/teaser/sidebar/widget/share/social/author/promo/newsletter/comment blocks are skipped."""
    images = _images(f'<figure><img src="/main.jpg"><figcaption>Main.</figcaption></figure>{block}')
    assert [i.url for i in images] == ["https://news.example.com/main.jpg"]


def test_ancestors_above_the_root_are_not_checked() -> None:
    """A sidebar-like class above the root passed in does not exclude the article's images."""
    doc = lxml.html.document_fromstring('<html><body><div class="has-sidebar layout-sidebar">'
                                        '<div id="c"><img src="/a.jpg"></div></div></body></html>')
    root = next(el for el in doc.iter("div") if el.get("id") == "c")
    assert [i.url for i in extract_images(root, BASE)] == ["https://news.example.com/a.jpg"]


def test_page_builder_widget_classes_do_not_exclude() -> None:
    """Elementor's "elementor-widget-image" wrapper is content, not a widget block."""
    (image,) = _images('<div class="elementor-widget elementor-widget-image"><img src="/a.jpg"></div>')
    assert image.url == "https://news.example.com/a.jpg"


def test_images_keep_document_order() -> None:
    """Images come out in the order they appear in the page."""
    images = _images('<p><img src="/1.jpg"></p><figure><img src="/2.jpg"></figure><p><img src="/3.jpg"></p>')
    assert [i.url.rsplit("/", 1)[1] for i in images if i.url] == ["1.jpg", "2.jpg", "3.jpg"]


def test_gallery_items_each_get_their_own_caption() -> None:
    """In a gallery of figures, each image takes the caption of its own figure."""
    images = _images('<figure class="wp-block-gallery">'
                     '<figure><img src="/1.jpg"><figcaption>One. Photo: A B</figcaption></figure>'
                     '<figure><img src="/2.jpg"><figcaption>Two. Photo: C D</figcaption></figure></figure>')
    assert [(i.caption, i.credit) for i in images] == [("One.", "A B"), ("Two.", "C D")]


# -- caption_texts --------------------------------------------------------------------------
def test_caption_texts_of_the_seed_page() -> None:
    """The seed page's captions are listed whole and, for the credited one, as caption and credit too."""
    assert caption_texts(_root(SEED)) == [
        "Chinese Ambassador to China Chen Xu",
        "Michelle Bachelet (Mahmud Hossain Opu/AP)",
        "Michelle Bachelet",
        "Mahmud Hossain Opu/AP",
    ]


def test_caption_texts_cover_all_caption_kinds() -> None:
    """figcaption, wp-caption-text, .caption and .credit elements are all listed, whitespace-normalised."""
    root = _root('<figure><img src="/a.jpg"><figcaption>Fog  over\n the lake <span class="credit">Jane Doe</span>'
                 '</figcaption></figure>'
                 '<div class="wp-caption"><img src="/b.jpg"><p class="wp-caption-text">A protester.</p></div>'
                 '<p><img src="/c.jpg"></p><p class="caption">The harbour.</p>'
                 "<p>Body text that is not a caption.</p>")
    texts = caption_texts(root)
    assert texts == ["Fog over the lake Jane Doe", "Fog over the lake", "Jane Doe", "A protester.", "The harbour."]
    assert "Body text that is not a caption." not in texts


def test_caption_texts_with_a_line_break() -> None:
    """A figcaption with <br> is listed joined, spaced, line by line and split into caption and credit."""
    root = _root("<figure><img src='/a.jpg'><figcaption>Photo: Kenji Watanabe<br>Volunteers sort clothes.</figcaption></figure>")
    assert caption_texts(root) == [
        "Photo: Kenji WatanabeVolunteers sort clothes.",
        "Photo: Kenji Watanabe Volunteers sort clothes.",
        "Photo: Kenji Watanabe",
        "Volunteers sort clothes.",
        "Kenji Watanabe",
    ]


def test_caption_texts_on_a_page_without_captions() -> None:
    """A page without caption elements gives an empty list."""
    assert caption_texts(_root("<p>Only text.</p>")) == []
