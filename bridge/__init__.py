"""The gRPC-to-Kafka bridge for synchronous callers.

Owns the `testdata.v1.TestDataService` servicer: it validates requests (INVALID_ARGUMENT naming the
field), publishes them as Avro request events, reads the answer from a leased reply topic and maps
errors to gRPC status codes. It has no generation logic: workers in `streams` do that.
The wire contracts (Avro codec, topics, request mapping, gRPC stubs) are in `contracts/`.
"""
