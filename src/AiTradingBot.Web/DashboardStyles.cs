namespace AiTradingBot.Web;

/// <summary>The dashboard's stylesheet, served from memory: no asset build, nothing fetched from the internet.</summary>
internal static class DashboardStyles
{
    public const string Css = """
        :root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa;--blue:#1f6feb;--red:#b42318;--green:#1a7f37}
        *{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;color:var(--fg);background:#fff;font-size:15px}
        header.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#24292f;color:#fff}
        header.top a{color:#c9d1d9;text-decoration:none;margin-right:.8rem}header.top a.active{color:#fff;font-weight:600}
        .brand{font-weight:700}.who{margin-left:auto;color:#c9d1d9;font-size:.9rem}form.inline{display:inline}
        button.link{background:none;border:0;color:#c9d1d9;cursor:pointer;padding:0}
        main{padding:1rem;max-width:72rem;margin:0 auto}h2{margin:1.2rem 0 .5rem}h3{margin:1rem 0 .4rem}
        .command{background:var(--bg);border:1px solid var(--line);border-radius:.5rem;padding:.7rem;margin-bottom:1rem}
        .command-form{display:flex;gap:.5rem}.command-form input{flex:1;min-width:0;font-size:1rem;padding:.5rem;border:1px solid var(--line);border-radius:.4rem}
        button{font-size:.95rem;padding:.4rem .8rem;border:1px solid var(--line);border-radius:.4rem;background:#fff;cursor:pointer}
        button.primary{background:var(--blue);border-color:var(--blue);color:#fff}button[disabled]{opacity:.6}
        pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid var(--line);border-radius:.4rem;padding:.6rem;font-size:.85rem}
        pre.log{max-height:28rem;overflow:auto;background:#0d1117;color:#e6edf3}pre.log .stderr{color:#ff7b72}
        .card{border:2px solid var(--blue);border-radius:.5rem;padding:.6rem .8rem;margin:.6rem 0;background:#fff}
        .card-head{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}.steps{margin:.4rem 0;padding-left:1.3rem}.steps li.gated{font-weight:600}
        .actions{display:flex;gap:.5rem}.warning{color:#9a6700}.error{color:var(--red)}.muted{color:var(--muted);font-size:.85rem}
        .badge{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-size:.8rem;font-weight:700;color:#fff;background:var(--muted)}
        .badge.paper{background:#0969da}.badge.live{background:var(--red)}.badge.demo{background:#8250df}
        .banner{padding:.7rem 1rem;border-radius:.4rem;margin-bottom:1rem;background:#fff8c5}.banner.halted{background:var(--red);color:#fff;font-weight:700}
        .summary{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}.kpi{display:flex;flex-direction:column}.kpi strong{font-size:1.2rem}
        .pos{color:var(--green)}.neg{color:var(--red)}
        .table-wrap{overflow-x:auto}table.grid{border-collapse:collapse;width:100%}table.grid th,table.grid td{border-bottom:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}
        table.grid th{font-size:.8rem;color:var(--muted);text-transform:uppercase}tr.total td{font-weight:700}
        .state.up{color:var(--green);font-weight:600}.state.down{color:var(--red);font-weight:600}td.buttons{white-space:nowrap}td.buttons button{margin:0 .2rem .2rem 0}
        .inline-form,.log-form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.4rem 0}.inline-form input,.inline-form select,.log-form input{padding:.35rem;border:1px solid var(--line);border-radius:.3rem}
        .chart-slot{border:1px dashed var(--line);border-radius:.5rem;padding:1rem;margin-top:1rem}
        @media (max-width:600px){main{padding:.6rem}table.grid th:nth-child(3),table.grid td:nth-child(3){display:none}}
        """;
}
