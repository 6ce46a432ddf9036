"""Command-line tools around the asv suite: history, pull-request check, preview, data lock."""
