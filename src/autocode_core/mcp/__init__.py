"""autocode for coding agents: a Model Context Protocol server (the ``mcp`` extra).

``autocode mcp`` serves it over stdio for the project it starts in; with the
server extra, the daemon also serves it over Streamable HTTP at ``/mcp``,
behind the API's rules (loopback Host names on a loopback bind; with an API
token, ``Authorization: Bearer <token>`` on every request, since MCP speaks
in POSTs).

Tools (plain-text answers, each bounded in tokens, see ``answers.BUDGETS``):
``list_checks``, ``check_status``, ``run_check(name)``, ``check_details(name,
max_items)``, ``changes_summary(max_files)``. Resources:
``autocode://checks/{name}``, the latest result as JSON.

Modules: ``budget`` (counting and fitting), ``sources`` (the daemon, its API,
or this process), ``answers`` (the texts), ``server`` (the ``MCPServer``).
Importing this package imports nothing from the SDK; its modules do.
"""
