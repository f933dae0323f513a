"""Rasa NLU components; imported by Rasa (Python 3.10 environment), never by the app."""
