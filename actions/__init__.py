"""Rasa custom actions. They stay thin: each asks the app's internal HTTP API and utters."""
