"""Presentation: tables, charts, reports and pages in the reader's language."""
