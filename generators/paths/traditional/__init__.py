"""The traditional path: records from each entity's builder, sampled from value pools with a
per-request seeded RNG (`generator`), with the edge-case layer (`edge_cases`)."""
