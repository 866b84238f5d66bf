"""Command analysis: shell parsing with tree-sitter-bash, SQL with sqlglot, and per-tool rules."""
