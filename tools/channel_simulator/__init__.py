"""Channel simulator: a stand-in for external acquirers (see server.py)."""
