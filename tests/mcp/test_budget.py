"""Token budgets: counted with cl100k_base, held on a large project, truncation said explicitly."""

from __future__ import annotations

import json
from functools import partial

import anyio
from mcp import Client

from autocode_core.mcp.answers import BUDGETS
from autocode_core.mcp.budget import TokenMeter, fit
from autocode_core.mcp.server import build_server
from autocode_core.mcp.sources import LocalSource, pick_source
from autocode_core.project import Project

from .conftest import write_project


def test_the_meter_uses_git_checks_tokenizer() -> None:
    meter = TokenMeter()
    assert meter.method == "cl100k_base"
    assert meter.count("hello world") == 2


def test_fit_keeps_the_head_and_says_what_it_cut() -> None:
    meter = TokenMeter()
    items = [f"- item {i} " + "word " * 20 for i in range(100)]
    text = fit(meter, 300, ["head"], items, lambda n, cut: f"… and {n} more (cut={cut})", ["footer"])
    lines = text.splitlines()
    assert lines[0] == "head" and lines[-1] == "footer" and meter.count(text) <= 300
    assert lines[-2] == f"… and {100 - (len(lines) - 3)} more (cut=True)"
    whole = fit(meter, 10_000, [], items[:3], lambda n, cut: "never", hidden_before=0)
    assert whole.count("\n") == 2
    assert fit(meter, 10_000, [], items[:3], lambda n, cut: f"{n} hidden, cut={cut}", hidden_before=5).endswith(
        "5 hidden, cut=False"
    )
    assert len(fit(meter, 50, [], ["x" * 5000], lambda n, cut: "cut")) < 500  # one huge line is shortened


def test_every_answer_holds_its_budget_on_a_large_project(tmp_path, monkeypatch, capsys) -> None:
    for var in ("AUTOCODE_DISABLE_PLUGINS", "AUTOCODE_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    root = write_project(tmp_path / "large", modules=160, failing=150, changed=400)
    for i in range(120):
        (root / "pkg" / f"untested{i}.py").write_text("X = 1\n")
    config = root / "autocode.toml"  # list every problem: the answers must cut them
    text = config.read_text().replace("[checks.test_check]\n", "[checks.test_check]\nmax_entries = 1000\n")
    config.write_text(text + "\n[checks.doc_check]\nmax_entries = 1000\n")
    project = Project(root)
    server = build_server(partial(pick_source, project, LocalSource(project)), project.root)
    meter = TokenMeter()
    sizes: dict[str, int] = {}

    async def scenario() -> None:
        async with Client(server) as client:
            for tool, args in [
                ("run_check", {"name": "test_check"}),
                ("run_check", {"name": "doc_check"}),
                ("changes_summary", {"max_files": 500}),
                ("list_checks", {}),
                ("check_status", {}),
                ("check_details", {"name": "test_check", "max_items": 200}),
                ("check_details", {"name": "doc_check", "max_items": 200}),
            ]:
                result = await client.call_tool(tool, args)
                assert not result.is_error, result.content
                text = result.content[0].text
                tokens = meter.count(text)
                sizes[f"{tool}({', '.join(map(str, args.values()))})"] = tokens
                assert tokens <= BUDGETS[tool], (tool, tokens)
                if tool != "list_checks" and tool != "check_status":
                    assert "… and " in text.splitlines()[-1] or "… and " in text, text[-300:]
                if tool == "changes_summary":
                    assert f"truncated to fit the {BUDGETS[tool]}-token budget of {tool}" in text, text[-300:]
            contents = (await client.read_resource("autocode://checks/test_check")).contents[0].text
            sizes["resource autocode://checks/test_check"] = meter.count(contents)
            assert meter.count(contents) <= BUDGETS["resource"]
            doc = json.loads(contents)
            assert doc["result"]["findings_total"] >= 270 and "truncated" in doc["result"]

    anyio.run(scenario)
    with capsys.disabled():
        print("\ntokens per answer (cl100k_base):", json.dumps(sizes, indent=1))
