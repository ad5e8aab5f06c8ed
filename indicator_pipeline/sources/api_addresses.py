"""The public APIs' base addresses, apart from their clients, so that what only names them (the data
package's sources) does not import the HTTP stack (`status` must stay light: tests/test_status_imports.py)."""

KOLADA = "https://api.kolada.se/v3"
SCB_PXWEB = "https://statistikdatabasen.scb.se/api/v2"
