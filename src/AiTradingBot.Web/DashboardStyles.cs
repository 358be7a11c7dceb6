namespace AiTradingBot.Web;

/// <summary>
/// The few rules the dashboard adds to MudBlazor's stylesheet, served from memory: no asset build, nothing fetched
/// from the internet. The sign-in page carries its own inline style.
/// </summary>
internal static class DashboardStyles
{
    public const string Css = """
        :root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa;--blue:#1f6feb;--red:#b42318;--green:#1a7f37}
        body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;color:var(--fg)}
        form.inline{display:inline}
        .command-form{display:flex;gap:.5rem;align-items:center}.command-form .mud-input-control{flex:1;min-width:0;margin:0}
        pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid var(--line);border-radius:.4rem;padding:.6rem;font-size:.85rem;margin:.6rem 0 0}
        pre.log{max-height:28rem;overflow:auto;background:#0d1117;color:#e6edf3}pre.log .stderr{color:#ff7b72}
        .card-head{flex-wrap:wrap}.card-head .mud-card-header-content{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
        .steps{margin:.2rem 0;padding-left:1.3rem}.steps li.gated{font-weight:600}
        .actions{gap:.5rem}.error{color:var(--red)}.muted{color:var(--muted);font-size:.85rem}
        .summary{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}.kpi{display:flex;flex-direction:column}.kpi strong{font-size:1.2rem}
        .pos{color:var(--green)}.neg{color:var(--red)}tr.total td{font-weight:700}
        td.buttons{white-space:nowrap}td.buttons .mud-button-root{margin:0 .2rem .2rem 0}
        .inline-form,.log-form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.4rem 0}
        .inline-form .field,.log-form .field{flex:1 1 12rem;max-width:20rem;margin:0}.inline-form .field-narrow,.log-form .field-narrow{flex:0 1 9rem;margin:0}
        .chart-slot{border-style:dashed}
        .banner{padding:.7rem 1rem;border-radius:.4rem;margin-bottom:1rem;background:#fff8c5}
        """;
}
