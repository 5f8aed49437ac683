"""scorecard-press: publish Balanced Scorecards as a static site and PDF board packs."""
