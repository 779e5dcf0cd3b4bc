"""What both apps share and neither owns: the public API's base, the cache of public answers and the
public state it is keyed on, and the shapes of public addresses. It imports neither app; ``config``
wires it in (docs/architecture.md, "The layers")."""
