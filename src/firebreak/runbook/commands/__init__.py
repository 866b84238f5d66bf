"""Command analysis: shell (tree-sitter-bash), SQL (sqlglot), per-tool rules; each command's class and placeholders."""
