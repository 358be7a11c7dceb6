using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Tests.Support;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Core.Tests.Gate;

public sealed class ConfirmationGateTests
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private readonly ConfirmationGate _gate;
    private static readonly IReadOnlyList<PlanStep> Stop = [new SystemStopArgs("alpha")];

    public ConfirmationGateTests() =>
        _gate = new ConfirmationGate(new InMemoryKeyValueStore(_time), _time, Options.Create(new AssistantOptions { ConfirmationTtl = TimeSpan.FromMinutes(2) }));

    private Task<PendingConfirmation> Create() => _gate.CreateAsync("tg", "chat", "alice", "alice", "stop alpha", Stop, CancellationToken.None);

    [Fact]
    public async Task The_same_user_in_the_same_chat_confirms_exactly_the_plan_shown()
    {
        var pending = await Create();
        var result = await _gate.ConfirmAsync(pending.Id, "tg", "chat", "alice", CancellationToken.None);
        Assert.Equal(GateStatus.Confirmed, result.Status);
        Assert.Equal(Stop, result.Steps);
    }

    [Fact]
    public async Task Another_user_cannot_confirm_and_does_not_use_up_the_token()
    {
        var pending = await Create();
        Assert.Equal(GateStatus.NotYours, (await _gate.ConfirmAsync(pending.Id, "tg", "chat", "mallory", CancellationToken.None)).Status);
        Assert.Equal(GateStatus.Confirmed, (await _gate.ConfirmAsync(pending.Id, "tg", "chat", "alice", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task The_same_user_in_another_chat_cannot_confirm()
    {
        var pending = await Create();
        Assert.Equal(GateStatus.NotYours, (await _gate.ConfirmAsync(pending.Id, "tg", "other-chat", "alice", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_confirmation_expires()
    {
        var pending = await Create();
        _time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.Equal(GateStatus.Expired, (await _gate.ConfirmAsync(pending.Id, "tg", "chat", "alice", CancellationToken.None)).Status);
        Assert.Equal(GateStatus.AlreadyHandled, (await _gate.ConfirmAsync(pending.Id, "tg", "chat", "alice", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_second_press_is_told_it_was_already_handled()
    {
        var pending = await Create();
        await _gate.ConfirmAsync(pending.Id, "tg", "chat", "alice", CancellationToken.None);
        Assert.Equal(GateStatus.AlreadyHandled, (await _gate.ConfirmAsync(pending.Id, "tg", "chat", "alice", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Yes_without_a_code_confirms_the_latest_plan_of_that_user_and_chat()
    {
        await Create();
        Assert.Equal(GateStatus.NotFound, (await _gate.ConfirmAsync(null, "tg", "chat", "bob", CancellationToken.None)).Status);
        Assert.Equal(GateStatus.Confirmed, (await _gate.ConfirmAsync(null, "tg", "chat", "alice", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Cancelled_plans_cannot_be_confirmed_afterwards()
    {
        var pending = await Create();
        Assert.Equal(GateStatus.Cancelled, (await _gate.CancelAsync(pending.Id, "tg", "chat", "alice", CancellationToken.None)).Status);
        Assert.Equal(GateStatus.AlreadyHandled, (await _gate.ConfirmAsync(pending.Id, "tg", "chat", "alice", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task One_hundred_concurrent_confirmations_of_one_token_confirm_exactly_once()
    {
        var pending = await Create();
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await _gate.ConfirmAsync(pending.Id, "tg", "chat", "alice", CancellationToken.None);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(attempts);
        Assert.Equal(1, results.Count(r => r.Status == GateStatus.Confirmed));
        Assert.Equal(99, results.Count(r => r.Status == GateStatus.AlreadyHandled));
    }
}

/// <summary>The embedded store's file keeps a waiting confirmation for the next process, until it expires.</summary>
public sealed class DurableGateTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"atb-kv-{Guid.NewGuid():N}.json");
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private static readonly IReadOnlyList<PlanStep> Stop = [new SystemStopArgs("alpha")];

    public void Dispose() => File.Delete(_file);

    private ConfirmationGate NewProcess() =>
        new(new InMemoryKeyValueStore(_time, _file), _time, Options.Create(new AssistantOptions { ConfirmationTtl = TimeSpan.FromMinutes(2) }));

    [Fact]
    public async Task A_card_made_by_one_process_is_confirmed_by_the_next_once()
    {
        var pending = await NewProcess().CreateAsync("cli", "local", "op", "op", "stop alpha", Stop, CancellationToken.None);

        var confirmed = await NewProcess().ConfirmAsync(pending.Id, "cli", "local", "op", CancellationToken.None);
        var again = await NewProcess().ConfirmAsync(pending.Id, "cli", "local", "op", CancellationToken.None);

        Assert.Equal(GateStatus.Confirmed, confirmed.Status);
        Assert.Equal(Stop, confirmed.Steps);
        Assert.Equal(GateStatus.AlreadyHandled, again.Status);
    }

    [Fact]
    public async Task An_expired_key_is_not_read_back_and_keys_without_expiry_stay()
    {
        var store = new InMemoryKeyValueStore(_time, _file);
        await store.SetAsync("halt", "1", null, CancellationToken.None);
        await store.SetAsync("brief", "x", TimeSpan.FromMinutes(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));

        var next = new InMemoryKeyValueStore(_time, _file);

        Assert.Equal("1", await next.GetAsync("halt", CancellationToken.None));
        Assert.Null(await next.GetAsync("brief", CancellationToken.None));
    }

    [Fact]
    public async Task A_file_in_the_older_format_of_plain_strings_is_read()
    {
        await File.WriteAllTextAsync(_file, """{"trading:halted":"1"}""", TestContext.Current.CancellationToken);
        Assert.Equal("1", await new InMemoryKeyValueStore(_time, _file).GetAsync("trading:halted", CancellationToken.None));
    }
}
