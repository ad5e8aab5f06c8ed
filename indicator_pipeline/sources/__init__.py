"""Source clients. Each speaks one API's wire format through a `Transport` (live, record or replay)."""
