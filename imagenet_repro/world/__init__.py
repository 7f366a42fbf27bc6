"""The simulated world (SPEC section 3): a seeded stand-in for the 2008 web.

Statistical level (model.py, web.py): latent appearance, availability, imageability,
diversity, word senses and image search engines. Pixel level: render.py.
"""

from .model import LATENT_DIM, World, WorldConfig
from .web import DEFAULT_ENGINES, LANGUAGES, SOURCES, EngineSpec, Query

__all__ = ["LATENT_DIM", "World", "WorldConfig", "EngineSpec", "DEFAULT_ENGINES", "Query",
           "LANGUAGES", "SOURCES"]
