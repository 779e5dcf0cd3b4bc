"""Export the whole newsroom to one JSON Lines file, and load such a file into an empty database.

``tables`` says what the file holds and in which order, ``writing`` writes it and ``reading``
loads it. The format is documented in docs/export-format.md.
"""
