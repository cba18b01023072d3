"""culturegraph: the Linked Open Data knowledge graph of the French Ministry of Culture's open data."""

__version__ = "0.1.0"
