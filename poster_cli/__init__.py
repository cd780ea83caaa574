"""poster-cli: connect a restaurant's own site, app or chatbot to the Poster POS."""

__version__ = "0.1.0"
