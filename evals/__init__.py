"""LISA's evaluation: ``python -m evals`` runs the datasets, scores them and gates on thresholds."""
