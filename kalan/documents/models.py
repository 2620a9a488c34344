"""No models: the documents app held the certificates and payment statements, which now live
in ``kalan.certificates`` and ``kalan.finance`` with the same tables. The app stays installed for
its migrations, the history of databases created before the move (issue 10)."""
