"""The read API under ``/api/``: Django REST framework views over published rows only."""
