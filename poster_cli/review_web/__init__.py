"""``poster-cli review --web``: the mapping review as a local page for the restaurant.

:mod:`.state` is what the page shows and does (no HTTP); :mod:`.app` the Starlette app with its
one-time key; ``static/`` the page itself (plain HTML, CSS and JavaScript, no build step).
"""
