"""Outgoing HTTP of telephony: the PBXs' APIs and recording downloads."""
