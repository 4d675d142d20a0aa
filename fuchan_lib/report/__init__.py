"""Output documents: the 公文 .docx, its narrative, charts, xlsx tables, PDF."""
