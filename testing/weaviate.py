"""The service's Weaviate knowledge base, plus what only tests and the bench ask of it: one
stored pattern or defect by id, and deleting a run's collections."""

from __future__ import annotations

import weaviate

from clients.weaviate_store import WeaviatePatternStore, defect_from_object
from generators.core.knowledge import DefectPattern, TestDataPattern
from generators.knowledge.learning import defect_uuid


class InspectableStore(WeaviatePatternStore):
    async def pattern(self, pattern_id: str) -> TestDataPattern | None:
        return (await self.patterns([pattern_id])).get(pattern_id)

    async def defect(self, defect_id: str) -> DefectPattern | None:
        async def fetch(client: weaviate.WeaviateAsyncClient) -> DefectPattern | None:
            found = await client.collections.use(self.names.defects).query.fetch_object_by_id(
                defect_uuid(defect_id)
            )
            return None if found is None else defect_from_object(found)

        return await self._call("fetching a defect", fetch)

    async def delete_collections(self) -> None:
        async def delete(client: weaviate.WeaviateAsyncClient) -> None:
            for name in self.names.all():
                await client.collections.delete(name)

        await self._call("deleting collections", delete)
