"""The wire contracts, shared by the bridge and the worker: the Avro codec in the Confluent wire
format (`avro`), the topics and which reply topics a request may name (`topics`), the one
request mapping between proto, event and core (`requests`), the metadata and schema listing as
gRPC messages (`proto`), and the generated gRPC stubs (`_proto`, from `protos/`)."""
