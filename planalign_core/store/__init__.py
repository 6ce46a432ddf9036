"""DuckDB storage: the access class, table layouts, ingest."""

from planalign_core.store.database import DEFAULT_DB_PATH, Database, IngestResult
from planalign_core.store.tables import EVENTS_TABLE

__all__ = ["DEFAULT_DB_PATH", "EVENTS_TABLE", "Database", "IngestResult"]
