"""Which behaviour serves a schema: a predefined entity's own, loaded from the module its
declaration names, or the custom one.

Only the worker imports this module: it is what loads generation code. A behaviour module that
is missing, or that lacks a `BEHAVIOUR`, fails loudly the first time its entity is used; the
worker loads them all at start (`load_behaviours`), and so do the tests.
"""

from __future__ import annotations

import functools
import importlib

from generators.core.schema import EntitySchema
from generators.entities.behaviour import EntityBehaviour
from generators.entities.custom import CUSTOM
from generators.entities.declaration import Entity
from generators.entities.registry import entities, entity_of


def behaviour_of(schema: EntitySchema) -> EntityBehaviour:
    entity = entity_of(schema)
    return CUSTOM if entity is None else behaviour_for(entity)


def behaviour_for(entity: Entity) -> EntityBehaviour:
    return _load(entity.behaviour, entity.name)


def load_behaviours() -> dict[str, EntityBehaviour]:
    """Every registered entity's behaviour, by entity name; raises for the first one missing."""
    return {entity.name: behaviour_for(entity) for entity in entities()}


@functools.cache
def _load(module_name: str, entity: str) -> EntityBehaviour:
    module = importlib.import_module(module_name)
    behaviour = getattr(module, "BEHAVIOUR", None)
    if not isinstance(behaviour, EntityBehaviour):
        msg = f"entity {entity!r}: {module_name} has no BEHAVIOUR (an EntityBehaviour)"
        raise TypeError(msg)
    return behaviour
