"""The knowledge graph in the public read-only API: actors, the relationship vocabulary, relationships, claims."""
