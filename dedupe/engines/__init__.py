"""Where the per-document stages run: in this process or in worker processes."""
