"""Embeds other sites frame (fact boxes, story cards), the script that sizes them, and the oEmbed provider.

``pages`` serves the embeds and ``/embed.js``, ``oembed`` the oEmbed answers;
both decide 200, 304, 404 or 410 from one indexed row (``lookups``) and inline
the files ``assets`` reads once.
"""

from newsroom.embeds.pages import embed_page, preview_refused, requested_theme

__all__ = ["embed_page", "preview_refused", "requested_theme"]
