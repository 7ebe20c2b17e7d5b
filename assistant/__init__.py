"""LISA: an offline assistant for UK Local Industrial Strategy guidance.

Importing this package does nothing but define names: models, stores and the
web app are built by factories (``build_lisa``, ``build_app``) when called.
"""

__version__ = "0.1.0"
