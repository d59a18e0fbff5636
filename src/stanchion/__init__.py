"""Stanchion: the IT operations platform."""
