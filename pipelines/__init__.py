"""Item pipelines: every document, whatever collected it, passes extract -> validate -> dedupe -> store."""
