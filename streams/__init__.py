"""The Kafka side of the service: topics, Avro codecs, and the Faust worker.

Owns the wire contracts' encoding (`avro`), event ⇄ core conversions (`contracts`), topic specs and
reply-topic policy (`topics`), the request flow (`processor`, free of Faust and testable without a
broker), and the Faust app factory (`app`) whose agents only decode, call the core and publish.
"""
