"""The simulated world: a seeded stand-in for the 2008 web (it imports no method package).

Statistical level: ``model.py`` (World: latents, availability, imageability, diversity, word
senses, and the search of its image engines) with the engines, queries and sampling pieces in
``web.py``. Pixel level: ``render.py``. The assumptions are listed in each module's docstring.
"""

from .model import LATENT_DIM, World, WorldConfig
from .web import DEFAULT_ENGINES, PAGE_LANGUAGES, SOURCES, EngineSpec, Query

__all__ = ["LATENT_DIM", "World", "WorldConfig", "EngineSpec", "DEFAULT_ENGINES", "Query",
           "PAGE_LANGUAGES", "SOURCES"]
