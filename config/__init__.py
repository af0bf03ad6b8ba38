"""Runtime settings: one `Settings` object, read once at start and passed down.

Nothing else in the project reads the environment; every other package takes the values it needs
as arguments, so tests build their own `Settings` instead of patching globals.
"""

from config.settings import Settings

__all__ = ["Settings"]
