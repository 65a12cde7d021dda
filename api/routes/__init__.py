"""One router module per capability: ask, search, documents, health and the chat widget."""
