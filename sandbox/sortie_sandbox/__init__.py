"""sortie-sandbox: an in-memory fake Kubernetes API server speaking the real wire protocol."""
__version__ = "0.1.0"
