"""The gRPC-to-Kafka bridge for synchronous callers.

Owns the `testdata.v1.TestDataService` servicer: it validates requests (INVALID_ARGUMENT naming the
field), publishes them as Avro request events, reads the answer from a leased reply topic and maps
errors to gRPC status codes. It has no generation logic: workers in `streams` do that.
Python stubs in `bridge/_proto` are generated from `protos/test_data.proto` by the build.
"""
