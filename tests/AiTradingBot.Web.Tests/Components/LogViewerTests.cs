using AiTradingBot.Web.Api;
using AiTradingBot.Web.Components.Shared;
using Bunit;
using Xunit;

namespace AiTradingBot.Web.Tests.Components;

/// <summary>The log viewer shows lines as text whatever they contain and passes tail/since/filter through.</summary>
public sealed class LogViewerTests : MudContext
{
    [Fact]
    public void Markup_in_log_lines_is_shown_as_text()
    {
        IReadOnlyList<LogLineDto> lines =
        [
            new("stdout", "<script>alert('x')</script>", null),
            new("stderr", "<b>bold?</b> & <a href=\"javascript:x\">link</a>", null),
        ];
        var cut = Render<LogViewer>(p => p.Add(c => c.System, "bravo").Add(c => c.Load, (_, _) => Task.FromResult(lines)));
        var pre = cut.Find("[data-testid=log-lines]");
        Assert.Empty(pre.QuerySelectorAll("script"));
        Assert.Empty(pre.QuerySelectorAll("b"));
        Assert.Empty(pre.QuerySelectorAll("a"));
        Assert.Contains("<script>alert('x')</script>", pre.TextContent);
        Assert.Contains("&lt;script&gt;", pre.InnerHtml);
        Assert.Single(pre.QuerySelectorAll("span.stderr"));
    }

    [Fact]
    public void Tail_since_and_filter_are_passed_to_the_reader()
    {
        var requests = new List<LogRequest>();
        var cut = Render<LogViewer>(p => p.Add(c => c.System, "alpha")
            .Add(c => c.Load, (r, _) => { requests.Add(r); return Task.FromResult<IReadOnlyList<LogLineDto>>([]); }));
        Assert.Equal(new LogRequest("alpha", 100, null, null), requests[0]);
        cut.Find("[data-testid=log-tail]").Change("5000");
        cut.Find("[data-testid=log-since]").Change(" 10m ");
        cut.Find("[data-testid=log-filter]").Change("error");
        cut.Find("form").Submit();
        Assert.Equal(new LogRequest("alpha", 2000, "10m", "error"), requests[^1]);
    }

    [Fact]
    public void A_read_error_is_shown_as_a_message()
    {
        var cut = Render<LogViewer>(p => p.Add(c => c.System, "ghost")
            .Add(c => c.Load, (_, _) => throw new WebRequestException(400, ["Unknown system 'ghost'."])));
        Assert.Contains("Unknown system 'ghost'.", cut.Find(".error").TextContent);
    }

    [Fact]
    public void Follow_reads_again_until_switched_off()
    {
        var reads = 0;
        var cut = Render<LogViewer>(p => p.Add(c => c.System, "alpha").Add(c => c.FollowInterval, TimeSpan.FromMilliseconds(50))
            .Add(c => c.Load, (_, _) => { Interlocked.Increment(ref reads); return Task.FromResult<IReadOnlyList<LogLineDto>>([]); }));
        cut.Find("[data-testid=log-follow]").Change(true);
        cut.WaitForAssertion(() => Assert.True(Volatile.Read(ref reads) >= 3), TimeSpan.FromSeconds(20));
        cut.Find("[data-testid=log-follow]").Change(false);
        var stopped = Volatile.Read(ref reads);
        Thread.Sleep(300);
        Assert.True(Volatile.Read(ref reads) <= stopped + 1);
    }
}
