"""Runtime settings: one `Settings` object, read once at start, passed down in groups.

Nothing else in the service reads the environment: every component takes the group of settings
it needs (`settings.kafka`, `settings.llm`...) as an argument, so tests build their own
`Settings` instead of patching globals.
"""

from config.settings import Settings

__all__ = ["Settings"]
