"""The information catalogue: articles in `knowledge/`, their checks and their search index."""
