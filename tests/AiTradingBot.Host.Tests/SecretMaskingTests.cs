using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Hosting;
using AiTradingBot.Llm.Agent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AiTradingBot.Host.Tests;

/// <summary>Issue 13: each secret shape is masked in a reply, a log line and a model's tool message, by the one redactor.</summary>
public sealed class SecretMaskingTests
{
    /// <summary>Configuration key, value, and the text that must never appear.</summary>
    public static TheoryData<string, string, string> Shapes => new()
    {
        { "Telegram:BotToken", "123456:AAH-telegram-token-value", "123456:AAH-telegram-token-value" },
        { "Bybit:ApiKey", "bybitKeyAbc123", "bybitKeyAbc123" },
        { "Bybit:ApiSecret", "bybitSecretXyz789", "bybitSecretXyz789" },
        { "Web:AdminPassword", "hunter2-long", "hunter2-long" },
        { "Custom:SigningKey", "signing-key-0042", "signing-key-0042" },
        { "BYBIT_API_KEY", "envStyleKey9876", "envStyleKey9876" },
        { "ConnectionStrings:Postgres", "Host=db;Username=bot;Password=pg-pass-4711;Database=trading", "pg-pass-4711" },
        { "ConnectionStrings:Redis", "redis:6379,password=redis-pass-99", "redis-pass-99" },
    };

    private static SecretRedactor Redactor(string key, string value) =>
        SecretRedactor.FromConfiguration([new KeyValuePair<string, string?>(key, value)]);

    private static LogsResult Logs(string leaked) =>
        new("alpha", "shortseller_trading", [new LogLine(LogStream.Stdout, $"connecting with {leaked}")], 10, null, null, Demo: false);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_reply_on_every_markup_masks_it(string key, string value, string leaked)
    {
        foreach (IMarkup markup in new IMarkup[] { PlainMarkup.Instance, HtmlMarkup.Instance })
        {
            var text = new ReplyRenderer(markup, TimeProvider.System, Redactor(key, value)).RenderResult(Logs(leaked));
            Assert.DoesNotContain(leaked, text);
            Assert.Contains("***", text);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_log_line_masks_it_in_the_message_and_the_exception(string key, string value, string leaked)
    {
        var sink = new CapturingProvider();
        using var provider = new RedactingLoggerProvider(sink, Redactor(key, value));
        provider.CreateLogger("t").Log(LogLevel.Warning, default, $"login with {leaked}", new InvalidOperationException($"refused {leaked}"), (s, _) => s);
        var line = Assert.Single(sink.Lines);
        Assert.DoesNotContain(leaked, line);
        Assert.Contains("login with ***", line);
        Assert.Contains("refused ***", line);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_tool_message_to_the_model_masks_it(string key, string value, string leaked)
    {
        var executor = new PlanExecutor([new LeakyLogs(leaked)], NullLogger<PlanExecutor>.Instance);
        var output = await new CoreReadOnlyToolRunner(executor, null, "PAPER", Redactor(key, value), TimeProvider.System)
            .RunAsync(new PlanStep(new SystemLogsArgs("alpha")), null, TestContext.Current.CancellationToken);
        Assert.Contains("connecting with ***", output);
        Assert.DoesNotContain(leaked, output);
    }

    [Fact]
    public void The_composed_host_masks_every_configured_secret_shape()
    {
        var rows = Shapes.Select(r => ((ITheoryDataRow)r).GetData()).ToList();
        var settings = rows.ToDictionary(r => (string)r[0]!, r => (string?)r[1]);
        settings["Storage:Ephemeral"] = "true";
        var services = new ServiceCollection().AddAiTradingBot(HostComposition.BuildConfiguration(settings));
        using var sp = services.BuildServiceProvider();
        var redactor = sp.GetRequiredService<SecretRedactor>();
        foreach (var row in rows) Assert.DoesNotContain((string)row[2]!, redactor.Redact($"x {(string)row[2]!} y"));
        Assert.Equal("restart bravo", redactor.Redact("restart bravo"));
    }

    private sealed class LeakyLogs(string leaked) : IStepHandler
    {
        public IReadOnlyCollection<Type> Handles { get; } = [typeof(SystemLogsArgs)];
        public Task<StepResult> ExecuteAsync(ActionArgs args, StepContext context, CancellationToken ct) => Task.FromResult<StepResult>(Logs(leaked));
    }

    private sealed class CapturingProvider : ILoggerProvider, ILogger
    {
        public List<string> Lines { get; } = [];
        public ILogger CreateLogger(string categoryName) => this;
        public void Dispose() { }
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception) + (exception is null ? "" : " " + exception));
    }
}
