"""The knowledge base on Weaviate: the three collections, hybrid retrieval, idempotent upserts.

Vectors come from the project's embedder (Weaviate runs with no vectorizer module): a
collection stores each object's vector next to its properties, and a search sends the query's
vector with its text, so Weaviate's hybrid search fuses BM25 on the text with vector
similarity. Every object has a deterministic UUID (from the defect id, or from the content for
patterns and samples), and writes go through the batch API, which replaces an object with the
same UUID: re-sending anything is an upsert.

Every failure to reach Weaviate (refused, timed out, an error status) surfaces as
`PatternStoreUnavailable`, and the client reconnects on the next call; objects Weaviate
answers but refuses surface as `KnowledgeRejected`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

import grpc
import httpx
import orjson
import weaviate
from opentelemetry.trace import SpanKind
from weaviate.classes.config import Configure, DataType, Property, Tokenization
from weaviate.classes.data import DataObject
from weaviate.classes.init import AdditionalConfig, Auth, Timeout
from weaviate.classes.query import Filter, HybridFusion, MetadataQuery

from config.settings import RAGSettings
from embeddings import Embedder
from generators.core.errors import KnowledgeRejected, PatternStoreUnavailable
from generators.core.knowledge import (
    DefectPattern,
    Feedback,
    PatternQuery,
    ProductionSample,
    RetrievedContext,
    TestDataPattern,
)
from generators.knowledge.learning import (
    defect_uuid,
    fold_rating,
    rated_patterns,
    sample_uuid,
)
from generators.knowledge.learning import pattern_id as make_pattern_id
from generators.knowledge.query import CANDIDATES_PER_PATTERN, prefer_quality
from observability.tracing import tracer

log = logging.getLogger(__name__)
T = TypeVar("T")

#: What "Weaviate cannot serve us now" looks like: the client's own errors (refused, gRPC
#: unavailable, error statuses), transport errors beneath it, and our timeouts. Anything else
#: is a bug here and must surface as one, not as an outage.
_UNREACHABLE = (
    weaviate.exceptions.WeaviateBaseError,
    grpc.aio.AioRpcError,
    httpx.HTTPError,
    OSError,
    TimeoutError,
)

#: Share of the hybrid score given to vector similarity (the rest is BM25).
ALPHA = 0.6


@dataclass(frozen=True, slots=True)
class CollectionNames:
    patterns: str = "TestDataPattern"
    defects: str = "DefectPattern"
    samples: str = "ProductionSample"

    def all(self) -> tuple[str, str, str]:
        return (self.patterns, self.defects, self.samples)


def _keyword(name: str) -> Property:
    """Matched exactly (filters), not split into words."""
    return Property(name=name, data_type=DataType.TEXT, tokenization=Tokenization.FIELD)


def _text(name: str, *, searchable: bool = True) -> Property:
    return Property(name=name, data_type=DataType.TEXT, index_searchable=searchable)


def _schemas(names: CollectionNames) -> dict[str, list[Property]]:
    """The PRD's properties, plus `description` and the pattern's `ratings` (JSON)."""
    return {
        names.patterns: [
            _keyword("domain"),
            _keyword("entity"),
            _text("scenario"),
            _text("description"),
            _text("data"),
            Property(name="quality_score", data_type=DataType.NUMBER),
            Property(name="usage_count", data_type=DataType.INT),
            _text("ratings", searchable=False),
            Property(name="created_at", data_type=DataType.DATE),
        ],
        names.defects: [
            _keyword("defect_id"),
            _keyword("domain"),
            _keyword("entity"),
            _text("trigger_data"),
            _text("defect_description"),
            _keyword("severity"),
            Property(name="discovered_at", data_type=DataType.DATE),
        ],
        names.samples: [
            _keyword("domain"),
            _keyword("entity"),
            _text("description"),
            _text("anonymized_data"),
            _text("distribution_stats", searchable=False),
            Property(name="sample_date", data_type=DataType.DATE),
        ],
    }


class WeaviatePatternStore:
    """`PatternStore` (read side) plus the writes the learning loop and the seed command make."""

    def __init__(
        self,
        url: str,
        *,
        grpc_port: int,
        embedder: Embedder,
        names: CollectionNames | None = None,
        api_key: str | None = None,
        timeout_s: float = 5.0,
    ) -> None:
        parts = urlsplit(url)
        self._url = url
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if parts.scheme == "https" else 8080)
        self._secure = parts.scheme == "https"
        self._grpc_port = grpc_port
        self._api_key = api_key
        self._timeout_s = timeout_s
        self._embedder = embedder
        self.names = names or CollectionNames()
        self._client: weaviate.WeaviateAsyncClient | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, rag: RAGSettings, embedder: Embedder) -> Self:
        """The store the RAG settings describe (collections are created on connect)."""
        api_key = rag.weaviate_api_key
        return cls(
            rag.weaviate_url,
            grpc_port=rag.weaviate_grpc_port,
            embedder=embedder,
            names=CollectionNames(
                rag.rag_collection_patterns, rag.rag_collection_defects, rag.rag_collection_prod
            ),
            api_key=api_key.get_secret_value() if api_key else None,
            timeout_s=rag.weaviate_timeout_s,
        )

    # --- connection ---------------------------------------------------------------------

    async def _connected(self) -> weaviate.WeaviateAsyncClient:
        async with self._lock:
            if self._client is None:
                client = weaviate.use_async_with_custom(
                    http_host=self._host,
                    http_port=self._port,
                    http_secure=self._secure,
                    grpc_host=self._host,
                    grpc_port=self._grpc_port,
                    grpc_secure=self._secure,
                    auth_credentials=Auth.api_key(self._api_key) if self._api_key else None,
                    additional_config=AdditionalConfig(
                        timeout=Timeout(init=self._timeout_s, query=self._timeout_s)
                    ),
                    skip_init_checks=True,
                )
                await client.connect()
                try:
                    await _ensure_collections(client, self.names)
                except Exception:
                    await client.close()
                    raise
                self._client = client
            return self._client

    async def _call(
        self, what: str, action: Callable[[weaviate.WeaviateAsyncClient], Awaitable[T]]
    ) -> T:
        try:
            client = await asyncio.wait_for(self._connected(), self._timeout_s)
            return await asyncio.wait_for(action(client), self._timeout_s * 2)
        except _UNREACHABLE as exc:
            await self._drop_client()
            cause = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            msg = f"weaviate at {self._url}: {what} failed ({cause})"
            raise PatternStoreUnavailable(msg) from exc

    async def _drop_client(self) -> None:
        async with self._lock:
            client, self._client = self._client, None
        if client is not None:
            try:
                await client.close()
            except Exception as exc:  # closing a broken connection may fail too
                log.debug("closing the weaviate client: %s", exc)

    async def aclose(self) -> None:
        await self._drop_client()

    async def problem(self) -> str | None:
        try:
            ready = await self._call("readiness check", lambda c: c.is_ready())
        except PatternStoreUnavailable as exc:
            return str(exc)
        return None if ready else f"weaviate at {self._url} is not ready"

    # --- reads --------------------------------------------------------------------------

    async def retrieve(self, query: PatternQuery) -> RetrievedContext:
        """Patterns, defects and samples for `query` (hybrid search), in one `retrieve` span."""
        with tracer.start_as_current_span(
            "retrieve knowledge",
            kind=SpanKind.CLIENT,
            attributes={
                "db.system.name": "weaviate",
                "db.operation.name": "hybrid search",
                "testdata.rag.limit": query.limit,
            },
        ) as span:
            found = await self._retrieve(query)
            span.set_attributes(
                {
                    "testdata.rag.patterns": len(found.patterns),
                    "testdata.rag.defects": len(found.defects),
                    "testdata.rag.samples": len(found.samples),
                }
            )
            return found

    async def _retrieve(self, query: PatternQuery) -> RetrievedContext:
        vector = await self._embed_one(query.text)

        async def search(client: weaviate.WeaviateAsyncClient) -> RetrievedContext:
            patterns: tuple[TestDataPattern, ...] = ()
            defects: tuple[DefectPattern, ...] = ()
            samples: tuple[ProductionSample, ...] = ()
            if query.patterns:
                found = await _hybrid(
                    client, self.names.patterns, query, vector, query.limit * CANDIDATES_PER_PATTERN
                )
                patterns = prefer_quality([pattern_from_object(o) for o in found], query.limit)
            if query.defects:
                found = await _hybrid(client, self.names.defects, query, vector, query.limit)
                defects = tuple(defect_from_object(o) for o in found)
            if query.samples:
                found = await _hybrid(client, self.names.samples, query, vector, 1)
                samples = tuple(sample_from_object(o) for o in found)
            return RetrievedContext(patterns, defects, samples)

        return await self._call("hybrid search", search)

    async def patterns(self, pattern_ids: Sequence[str]) -> dict[str, TestDataPattern]:
        """The stored patterns among `pattern_ids`, by id, in one query."""
        if not pattern_ids:
            return {}

        async def fetch(client: weaviate.WeaviateAsyncClient) -> dict[str, TestDataPattern]:
            found = await client.collections.use(self.names.patterns).query.fetch_objects(
                filters=Filter.by_id().contains_any(list(pattern_ids)), limit=len(pattern_ids)
            )
            return {str(obj.uuid): pattern_from_object(obj) for obj in found.objects}

        return await self._call("fetching patterns", fetch)

    # --- writes -------------------------------------------------------------------------

    async def upsert_defects(self, defects: Sequence[DefectPattern]) -> None:
        texts = [_defect_text(d) for d in defects]
        objects = [(defect_uuid(d.defect_id), _defect_properties(d)) for d in defects]
        await self._write(self.names.defects, objects, texts)

    async def upsert_patterns(self, patterns: Sequence[TestDataPattern]) -> None:
        texts = [_pattern_text(p) for p in patterns]
        objects = [
            (make_pattern_id(p.domain, p.entity, p.data), _pattern_properties(p)) for p in patterns
        ]
        await self._write(self.names.patterns, objects, texts)

    async def upsert_samples(self, samples: Sequence[ProductionSample]) -> None:
        texts = [_sample_text(s) for s in samples]
        objects = [
            (sample_uuid(s.domain, s.entity, s.data), _sample_properties(s)) for s in samples
        ]
        await self._write(self.names.samples, objects, texts)

    async def apply_feedback(self, feedback: Feedback) -> list[TestDataPattern]:
        """Fold the verdict into each rated pattern (creating it when new); returns them."""
        return await self.merge_patterns(rated_patterns(feedback))

    async def merge_patterns(self, patterns: Sequence[TestDataPattern]) -> list[TestDataPattern]:
        """Upsert `patterns`, keeping the ratings already stored on each (one read, one
        write); returns what was written."""
        ids = [make_pattern_id(p.domain, p.entity, p.data) for p in patterns]
        stored = await self.patterns(ids)
        merged = [fold_rating(stored.get(pid), p) for pid, p in zip(ids, patterns, strict=True)]
        await self.upsert_patterns(merged)
        return merged

    async def _write(
        self, collection: str, objects: Sequence[tuple[str, dict[str, Any]]], texts: list[str]
    ) -> None:
        if not objects:
            return
        vectors = await asyncio.to_thread(
            self._embedder.embed, [text[:_EMBEDDED_CHARS] for text in texts]
        )

        async def write(client: weaviate.WeaviateAsyncClient) -> None:
            result = await client.collections.use(collection).data.insert_many(
                [
                    DataObject(properties=props, uuid=uid, vector=vector)
                    for (uid, props), vector in zip(objects, vectors, strict=True)
                ]
            )
            if result.has_errors:
                first = next(iter(result.errors.values()))
                msg = (
                    f"weaviate at {self._url}: {len(result.errors)} of {len(objects)} objects"
                    f" rejected by {collection}: {first.message}"
                )
                raise KnowledgeRejected(msg)

        await self._call(f"writing to {collection}", write)

    async def _embed_one(self, text: str) -> list[float]:
        return (await asyncio.to_thread(self._embedder.embed, [text[:_EMBEDDED_CHARS]]))[0]


async def _ensure_collections(client: weaviate.WeaviateAsyncClient, names: CollectionNames) -> None:
    """Create each missing collection; one that exists is left as it is (two workers may race
    to create it: the loser's "already exists" is fine)."""
    for name, properties in _schemas(names).items():
        if await client.collections.exists(name):
            continue
        try:
            await client.collections.create(
                name, properties=properties, vector_config=Configure.Vectors.self_provided()
            )
        except weaviate.exceptions.UnexpectedStatusCodeError as exc:
            if "already exists" not in str(exc):
                raise


async def _hybrid(
    client: weaviate.WeaviateAsyncClient,
    collection: str,
    query: PatternQuery,
    vector: list[float],
    limit: int,
) -> list[Any]:
    """Hybrid search within the entity, in the request's domain when it names one (or across
    domains when that domain has nothing for the entity)."""
    search = client.collections.use(collection).query
    entity = Filter.by_property("entity").equal(query.entity)
    scopes = [entity & Filter.by_property("domain").equal(query.domain)] if query.domain else []
    for scope in [*scopes, entity]:
        result = await search.hybrid(
            query=query.text or query.entity,
            vector=vector,
            alpha=ALPHA,
            fusion_type=HybridFusion.RELATIVE_SCORE,
            filters=scope,
            limit=limit,
            return_metadata=MetadataQuery(score=True),
        )
        if result.objects:
            return list(result.objects)
    return []


# --- mapping between values and Weaviate objects -----------------------------------------


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


#: What gets embedded is capped: the description carries the meaning, and a 256-token text
#: costs the encoder about ten times what a 40-token one does (BM25 still sees everything).
_EMBEDDED_CHARS = 480


def _compact(value: Any, limit: int = 200) -> str:
    return _json(value)[:limit]


def _pattern_text(p: TestDataPattern) -> str:
    return f"{p.entity} {p.scenario.replace('_', ' ')}. {p.description} {_compact(p.data)}"


def _defect_text(d: DefectPattern) -> str:
    return f"{d.entity} defect ({d.severity}): {d.description} {_compact(list(d.triggers))}"


def _sample_text(s: ProductionSample) -> str:
    return f"{s.entity} production sample. {s.description} {_compact(sorted(s.stats))}"


def _when(text: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _present(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


def _pattern_properties(p: TestDataPattern) -> dict[str, Any]:
    return _present(
        {
            "domain": p.domain,
            "entity": p.entity,
            "scenario": p.scenario,
            "description": p.description,
            "data": _json(p.data),
            "quality_score": p.quality_score,
            "usage_count": p.usage_count,
            "ratings": _json(dict(p.ratings)),
            "created_at": _when(p.created_at),
        }
    )


def _defect_properties(d: DefectPattern) -> dict[str, Any]:
    return _present(
        {
            "defect_id": d.defect_id,
            "domain": d.domain,
            "entity": d.entity,
            "trigger_data": _json(list(d.triggers)),
            "defect_description": d.description,
            "severity": d.severity,
            "discovered_at": _when(d.discovered_at),
        }
    )


def _sample_properties(s: ProductionSample) -> dict[str, Any]:
    return _present(
        {
            "domain": s.domain,
            "entity": s.entity,
            "description": s.description,
            "anonymized_data": _json(s.data),
            "distribution_stats": _json(s.stats),
            "sample_date": _when(s.sample_date),
        }
    )


def _score(obj: Any) -> float:
    metadata = getattr(obj, "metadata", None)
    score = getattr(metadata, "score", None)
    return float(score) if score is not None else 0.0


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime | date) else str(value or "")


def pattern_from_object(obj: Any) -> TestDataPattern:
    props = obj.properties
    return TestDataPattern(
        domain=str(props.get("domain") or ""),
        entity=str(props.get("entity") or ""),
        scenario=str(props.get("scenario") or ""),
        data=orjson.loads(props.get("data") or "{}"),
        description=str(props.get("description") or ""),
        ratings=orjson.loads(props.get("ratings") or "{}"),
        created_at=_iso(props.get("created_at")),
        score=_score(obj),
    )


def defect_from_object(obj: Any) -> DefectPattern:
    props = obj.properties
    triggers = orjson.loads(props.get("trigger_data") or "[]")
    return DefectPattern(
        defect_id=str(props.get("defect_id") or ""),
        domain=str(props.get("domain") or ""),
        entity=str(props.get("entity") or ""),
        triggers=tuple(t for t in triggers if isinstance(t, dict)),
        description=str(props.get("defect_description") or ""),
        severity=str(props.get("severity") or ""),
        discovered_at=_iso(props.get("discovered_at")),
        score=_score(obj),
    )


def sample_from_object(obj: Any) -> ProductionSample:
    props = obj.properties
    return ProductionSample(
        domain=str(props.get("domain") or ""),
        entity=str(props.get("entity") or ""),
        data=orjson.loads(props.get("anonymized_data") or "{}"),
        stats=orjson.loads(props.get("distribution_stats") or "{}"),
        description=str(props.get("description") or ""),
        sample_date=_iso(props.get("sample_date")),
        score=_score(obj),
    )
