"""Page furniture in plain-text captures, where no markup tells it: decided by content.

- share bars (a line of nothing but share words: «PartagerTweeterPartager», «Share Tweet»);
- copyright lines (©, «Tous droits réservés», «All rights reserved», «جميع الحقوق محفوظة»);
- "see also" blocks: a line that announces related reading or a comment form («Lire
  aussi», «Related posts», «اقرأ أيضا», «Liens utiles», «Laisser un commentaire») and the
  short lines and teaser titles that follow it;
- short lines repeated in the capture (a site's name, «No Result», a menu shown twice);
- menus: four or more short, unnumbered lines in a row before the capture's first
  paragraph of prose or after its last one, unless a line ending in ":" introduces them.

Each labelled block records why in ``furniture_signals``. Numbered items and step markers
are never labelled, so a procedure at the end of a page is kept.
"""

from __future__ import annotations

import re
from collections import Counter

from ..models import Block

_SHARE = re.compile(
    r"(?:partager|tweeter|share|tweet|send|envoyer|pin|facebook|twitter|whatsapp|linkedin|"
    r"telegram|e-?mail|imprimer|print|مشاركة|شارك|غرد|تغريد|\s|[|·•,])+",
    re.I,
)
_COPYRIGHT = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|tous droits réservés|all rights reserved|"
    r"جميع الحقوق محفوظة|حقوق النشر",
    re.I,
)
_SEE_ALSO = re.compile(
    r"^(?:à\s+)?lire\s+(?:aussi|également)|^voir\s+aussi|^liens?\s+utiles|^articles?\s+"
    r"(?:similaires|liés|connexes)|^related(?:\s+(?:posts?|articles?|stories|links))?|"
    r"^read\s+(?:also|more|next)|^you\s+may\s+also\s+like|^more\s+(?:stories|news)|"
    r"^اقرأ\s+(?:أيضا|أيضاً|ايضا)|^مواضيع\s+ذات\s+صلة|^مقالات\s+ذات\s+صلة|^روابط\s+(?:مفيدة|هامة)|"
    r"^اقرأ\s+المزيد|^تابع\s+أيضا|^laisser\s+un\s+commentaire|^leave\s+a\s+(?:comment|reply)|"
    r"^أضف\s+تعليق|^اترك\s+تعليقا",
    re.I,
)
SHORT_WORDS = 4  # a menu line
TEASER_WORDS = 14  # a line in a see-also run
PROSE_WORDS = 20  # a paragraph of prose bounds the page's head and tail
MENU_RUN = 4


def _words(block: Block) -> int:
    return len(block.text.split())


def _label(block: Block, why: str) -> None:
    if not block.furniture:
        block.furniture = True
        block.furniture_signals = [why]


def _numbered(block: Block) -> bool:
    return block.number is not None or bool(re.match(r"^\(?[0-9٠-٩]{1,2}[.)\-–]", block.text))


def label_text_furniture(blocks: list[Block]) -> None:
    """Label the furniture of a plain-text capture's blocks, in place."""
    prose = [i for i, b in enumerate(blocks) if _words(b) >= PROSE_WORDS]
    # the page's head and tail lie around its prose; a capture without prose has neither
    first, last = (prose[0], prose[-1]) if prose else (0, len(blocks))
    repeated = Counter(" ".join(b.text.lower().split()) for b in blocks if _words(b) <= 6)
    see_also = False
    for i, block in enumerate(blocks):
        text = block.text.strip()
        if _numbered(block):
            see_also = False
            continue
        if _SHARE.fullmatch(text) and re.search(r"[^\W\d_]", text):
            _label(block, "text: share bar")
        elif _COPYRIGHT.search(text) and _words(block) <= 15:
            _label(block, "text: copyright")
        elif _SEE_ALSO.match(text):
            _label(block, "text: see also")
            see_also = True
            continue
        elif see_also and _words(block) <= TEASER_WORDS:
            _label(block, "text: see also")
            continue
        elif repeated[" ".join(text.lower().split())] > 1 and (i < first or i > last):
            _label(block, "text: repeated line")
        see_also = False
    _label_menus(blocks, first, last)


def _label_menus(blocks: list[Block], first: int, last: int) -> None:
    """Runs of short unnumbered lines before the first paragraph of prose or after the
    last one, unless introduced by a line ending in ":"."""
    run: list[int] = []

    def close() -> None:
        intro = run and run[0] > 0 and blocks[run[0] - 1].text.rstrip().endswith((":", "："))
        if len(run) >= MENU_RUN and not intro:
            for j in run:
                _label(blocks[j], "text: menu")
        run.clear()

    for i, block in enumerate(blocks):
        outside = i < first or i > last
        short = _words(block) <= SHORT_WORDS and not _numbered(block)
        if outside and short and not block.text.rstrip().endswith((".", "!", "?", "؟", ":")):
            run.append(i)
        else:
            close()
    close()
