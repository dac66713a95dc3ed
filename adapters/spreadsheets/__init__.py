"""Spreadsheet files for imports: stored through the file storage, detected (format, encoding,
delimiter) and read row by row, never whole."""

from adapters.spreadsheets.files import StoredSpreadsheets

__all__ = ["StoredSpreadsheets"]
