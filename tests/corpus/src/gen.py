#!/usr/bin/env python3
"""Expands the compact paraphrase suites (*.txt) into contract JSONL (same shape as dev.jsonl).

Line format:  text || expectation          ('#' starts a comment line, '@class' sets the class label)
expectation:  none | clarify | step ; step ; ...
step:         action key=value key=value ...   (values: numbers, words, or trigger=below:60000)
order.place gets its defaults (type market, or limit with a price; category linear; reduceOnly false).
"""
import json, sys, pathlib

GATED = {"system.start", "system.stop", "system.restart", "system.exec", "system.killswitch", "order.place",
         "order.cancel", "position.close", "trading.resume", "system.launch", "system.remove"}

def value(v):
    if v in ("true", "false"): return v == "true"
    try:
        f = float(v)
        return int(f) if f == int(f) and "." not in v else f
    except ValueError:
        return v

def step(text):
    parts = text.split()
    action, args = parts[0], {}
    for p in parts[1:]:
        k, v = p.split("=", 1)
        if k == "trigger":
            d, price = v.split(":")
            args[k] = {"price": value(price), "direction": d}
        else:
            args[k] = value(v)
    if action == "order.place":
        args.setdefault("type", "limit" if "price" in args else "market")
        args.setdefault("category", "linear")
        args.setdefault("reduceOnly", False)
        if "symbol" in args: args["symbol"] = args["symbol"].upper()
    if action in ("position.close",):
        args.setdefault("percent", 100)
        if args["symbol"] != "all": args["symbol"] = args["symbol"].upper()
    if action in ("system.logs",): args.setdefault("lines", 50)
    if action in ("system.status", "system.diagnostics"): args.setdefault("system", "all")
    if action in ("market.price", "order.list", "portfolio.positions", "order.cancel", "portfolio.trades") and "symbol" in args:
        args["symbol"] = args["symbol"].upper()
    if action == "portfolio.pnl": args.setdefault("period", "today")
    if action == "portfolio.trades": args.setdefault("limit", 10)
    if action == "system.killswitch": args.setdefault("closePositions", False)
    return {"action": action, "args": args}

def expand(path):
    label = path.stem
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"): continue
        if line.startswith("@"):
            label = line[1:].strip(); continue
        text, exp = (s.strip() for s in line.split("||"))
        if exp in ("none", "clarify"):
            expect = {"kind": exp, "steps": []}
        else:
            steps = [step(s.strip()) for s in exp.split(";")]
            expect = {"kind": "plan", "confirm": any(s["action"] in GATED for s in steps), "steps": steps}
        yield {"text": text, "class": label, "expect": expect}

if __name__ == "__main__":
    here = pathlib.Path(__file__).parent
    for src in sorted(here.glob("*.txt")):
        out = here.parent / (src.stem + ".jsonl")
        rows = list(expand(src))
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        print(f"{out.name}: {len(rows)}")
