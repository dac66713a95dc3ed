"""Spreadsheet import of clients (with their contacts) and deals from CSV and XLSX."""
