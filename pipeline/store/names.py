"""The store's fixed names, light enough to import when the CLI starts (no SQLAlchemy, no pandas)."""

DEFAULT_DB = "vanthu-out/vanthu.sqlite"
URL_HELP = ("a path or sqlite:///PATH means SQLite; postgresql://USER:PASS@HOST:PORT/DB means "
            "PostgreSQL")
PLAN = "Kế hoạch"
DIRECTIVE_TYPES = ("Chỉ thị", "Nghị quyết", "Kết luận", "Quyết định", "Nghị định", "Thông tư",
                   "Luật", "Quy định")
EXPORT_TABLES = ("reports", "pages", "sections", "cited_documents", "citations", "corrections",
                 "runs", "errors", "schema_migrations")
FORMATS = ("csv", "xlsx", "parquet")
