"""The liaison meeting: match two pictures, find every discrepancy, keep the agreed picture."""

from liaison.reconcile.match import Discrepancy, Match, Result, reconcile

__all__ = ["Discrepancy", "Match", "Result", "reconcile"]
