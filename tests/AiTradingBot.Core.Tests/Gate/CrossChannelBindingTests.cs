using System.Text.Json;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Tests.Support;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Core.Tests.Gate;

/// <summary>
/// A card is bound to the person who asked, whatever channel confirms it: a Telegram user is the same person on
/// Telegram, in a web session signed in with their /web link, and behind an API token configured with their id.
/// Everyone else (another Telegram user, the console or web operator, a same-looking id without that identity) is refused.
/// </summary>
public sealed class CrossChannelBindingTests
{
    private const string Telegram = "telegram";
    private const string Web = "web";
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private readonly InMemoryKeyValueStore _store;
    private readonly ConfirmationGate _gate;
    private static readonly IReadOnlyList<PlanStep> Stop = [new SystemStopArgs("alpha")];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Alice (Telegram id 111) as each channel presents her.
    private static readonly Principal AliceOnTelegram = Principal.TelegramUser(111, "alice", UserRole.Admin);
    private static readonly Principal AliceOnTheWeb = new("111", "alice", UserRole.Admin) { Identity = UserKeys.Telegram(111) };
    private static readonly Principal BobOnTheWeb = new("222", "bob", UserRole.Admin) { Identity = UserKeys.Telegram(222) };

    public CrossChannelBindingTests()
    {
        _store = new InMemoryKeyValueStore(_time);
        _gate = new ConfirmationGate(_store, _time, Options.Create(new AssistantOptions { ConfirmationTtl = TimeSpan.FromMinutes(2) }));
    }

    // A card asked for in a Telegram group.
    private Task<PendingConfirmation> AliceAsksInTheGroup() => _gate.CreateAsync(Telegram, "-1001", AliceOnTelegram, "stop alpha", Stop, Ct);

    [Fact]
    public async Task A_telegram_card_is_confirmed_by_the_same_user_signed_in_on_the_web()
    {
        var pending = await AliceAsksInTheGroup();
        Assert.Equal("telegram:111", pending.UserKey);

        // The web caller's "chat" is their own user id, not the group: chats are only compared within a channel.
        var result = await _gate.ConfirmAsync(pending.Id, Web, "111", AliceOnTheWeb, Ct);

        Assert.Equal(GateStatus.Confirmed, result.Status);
        Assert.Equal(Stop, result.Steps);
        Assert.Equal("-1001", result.Pending!.ChatId); // where the card lives, so Telegram can edit it
    }

    [Fact]
    public async Task Another_user_on_the_web_is_refused_and_the_card_stays_confirmable()
    {
        var pending = await AliceAsksInTheGroup();

        Assert.Equal(GateStatus.NotYours, (await _gate.ConfirmAsync(pending.Id, Web, "222", BobOnTheWeb, Ct)).Status);
        Assert.Equal(GateStatus.NotYours, (await _gate.CancelAsync(pending.Id, Web, "222", BobOnTheWeb, Ct)).Status);
        Assert.Equal(GateStatus.Confirmed, (await _gate.ConfirmAsync(pending.Id, Telegram, "-1001", AliceOnTelegram, Ct)).Status);
    }

    [Fact]
    public async Task The_same_user_id_without_the_telegram_identity_is_someone_else()
    {
        var pending = await AliceAsksInTheGroup();
        // A web operator or a named token that happens to be called "111" is not Telegram user 111.
        var lookalike = new Principal("111", "alice", UserRole.Admin) { Identity = UserKeys.Local("web-token", "111") };
        var noIdentity = new Principal("111", "alice", UserRole.Admin);

        Assert.Equal(GateStatus.NotYours, (await _gate.ConfirmAsync(pending.Id, Web, "111", lookalike, Ct)).Status);
        Assert.Equal(GateStatus.NotYours, (await _gate.ConfirmAsync(pending.Id, Web, "111", noIdentity, Ct)).Status);
        Assert.Equal(GateStatus.Confirmed, (await _gate.ConfirmAsync(pending.Id, Web, "111", AliceOnTheWeb, Ct)).Status);
    }

    [Fact]
    public async Task Console_and_web_operators_stay_distinct_from_each_other_and_from_telegram_users()
    {
        var console = new Principal("local:op", "op", UserRole.Admin);
        var webOperator = new Principal("operator", "operator", UserRole.Admin) { Identity = UserKeys.Local("web-operator", "operator") };
        var fromConsole = await _gate.CreateAsync("cli", "local", console, "stop alpha", Stop, Ct);
        var fromWeb = await _gate.CreateAsync(Web, "operator", webOperator, "stop alpha", Stop, Ct);

        Assert.Equal(GateStatus.NotYours, (await _gate.ConfirmAsync(fromConsole.Id, Web, "operator", webOperator, Ct)).Status);
        Assert.Equal(GateStatus.NotYours, (await _gate.ConfirmAsync(fromWeb.Id, "cli", "local", console, Ct)).Status);
        Assert.Equal(GateStatus.NotYours, (await _gate.ConfirmAsync(fromWeb.Id, Telegram, "111", AliceOnTelegram, Ct)).Status);
        Assert.Equal(GateStatus.Confirmed, (await _gate.ConfirmAsync(fromConsole.Id, "cli", "local", console, Ct)).Status);
        Assert.Equal(GateStatus.Confirmed, (await _gate.ConfirmAsync(fromWeb.Id, Web, "operator", webOperator, Ct)).Status);
    }

    [Fact]
    public async Task Within_the_cards_own_channel_the_chat_still_has_to_match()
    {
        var pending = await AliceAsksInTheGroup();

        Assert.Equal(GateStatus.NotYours, (await _gate.ConfirmAsync(pending.Id, Telegram, "111", AliceOnTelegram, Ct)).Status);
        Assert.Equal(GateStatus.Confirmed, (await _gate.ConfirmAsync(pending.Id, Telegram, "-1001", AliceOnTelegram, Ct)).Status);
    }

    [Fact]
    public async Task Single_use_holds_across_channels()
    {
        var pending = await AliceAsksInTheGroup();

        Assert.Equal(GateStatus.Confirmed, (await _gate.ConfirmAsync(pending.Id, Web, "111", AliceOnTheWeb, Ct)).Status);
        Assert.Equal(GateStatus.AlreadyHandled, (await _gate.ConfirmAsync(pending.Id, Telegram, "-1001", AliceOnTelegram, Ct)).Status);
        Assert.Equal(GateStatus.AlreadyHandled, (await _gate.ConfirmAsync(pending.Id, Web, "111", AliceOnTheWeb, Ct)).Status);
    }

    [Fact]
    public async Task Expiry_holds_across_channels()
    {
        var pending = await AliceAsksInTheGroup();
        _time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        var late = await _gate.ConfirmAsync(pending.Id, Web, "111", AliceOnTheWeb, Ct);

        Assert.Equal(GateStatus.Expired, late.Status);
        Assert.Null(late.Steps);
        Assert.Equal(GateStatus.AlreadyHandled, (await _gate.ConfirmAsync(pending.Id, Telegram, "-1001", AliceOnTelegram, Ct)).Status);
    }

    [Fact]
    public async Task Yes_in_the_group_finds_nothing_once_the_web_confirmed_it_but_a_newer_card_stays_latest()
    {
        var older = await AliceAsksInTheGroup();
        var newer = await AliceAsksInTheGroup();

        Assert.Equal(GateStatus.Confirmed, (await _gate.ConfirmAsync(older.Id, Web, "111", AliceOnTheWeb, Ct)).Status);
        var yes = await _gate.ConfirmAsync(null, Telegram, "-1001", AliceOnTelegram, Ct);
        Assert.Equal(GateStatus.Confirmed, yes.Status);
        Assert.Equal(newer.Id, yes.Pending!.Id);

        var third = await AliceAsksInTheGroup();
        Assert.Equal(GateStatus.Confirmed, (await _gate.ConfirmAsync(third.Id, Web, "111", AliceOnTheWeb, Ct)).Status);
        Assert.Equal(GateStatus.NotFound, (await _gate.ConfirmAsync(null, Telegram, "-1001", AliceOnTelegram, Ct)).Status);
    }

    [Fact]
    public async Task A_card_stored_before_user_keys_binds_to_its_channel_and_user_id()
    {
        // A row written by the previous version (no UserKey), e.g. still waiting in Redis during an upgrade.
        var pending = await AliceAsksInTheGroup();
        var json = System.Text.Json.Nodes.JsonNode.Parse((await _store.GetAsync($"gate:pending:{pending.Id}", Ct))!)!.AsObject();
        json.Remove(nameof(PendingConfirmation.UserKey));
        await _store.SetAsync($"gate:pending:{pending.Id}", json.ToJsonString(), TimeSpan.FromHours(1), Ct);

        Assert.Equal(GateStatus.NotYours, (await _gate.ConfirmAsync(pending.Id, Web, "111", AliceOnTheWeb, Ct)).Status);
        Assert.Equal(GateStatus.Confirmed, (await _gate.ConfirmAsync(pending.Id, Telegram, "-1001", "111", Ct)).Status);
    }

    [Theory]
    [InlineData("111", "telegram:111")]
    [InlineData("5000000001", "telegram:5000000001")]
    [InlineData("0", null)]
    [InlineData("-111", null)]
    [InlineData("+111", null)]
    [InlineData(" 111", null)]
    [InlineData("alice", null)]
    [InlineData("operator", null)]
    public void Only_a_positive_integer_user_id_is_a_telegram_user(string userId, string? expected) =>
        Assert.Equal(expected, UserKeys.TelegramOrNull(userId));

    [Fact]
    public void Keys_of_telegram_users_and_local_users_never_collide()
    {
        Assert.Equal("telegram:111", AliceOnTelegram.KeyIn(Telegram));
        Assert.Equal("telegram:111", AliceOnTelegram.KeyIn(Web));
        Assert.NotEqual(new Principal("111", null, UserRole.Admin).KeyIn(Telegram), AliceOnTelegram.KeyIn(Telegram));
        Assert.NotEqual(new Principal("telegram:111", null, UserRole.Admin).KeyIn("x"), AliceOnTelegram.KeyIn("x"));
        _ = JsonSerializer.Serialize(AliceOnTelegram); // a principal stays serializable with its identity
    }
}

/// <summary>The pipeline with identities: a card from one channel confirmed from another by the same person.</summary>
public sealed class CrossChannelPipelineTests : IAsyncDisposable
{
    private readonly CoreTestHost _host = new();
    private static readonly Principal Alice = Principal.TelegramUser(100, "alice", UserRole.Admin);
    private static readonly Principal AliceOnTheWeb = new("100", "alice", UserRole.Admin) { Identity = UserKeys.Telegram(100) };
    private static readonly Principal BobOnTheWeb = new("200", "bob", UserRole.Admin) { Identity = UserKeys.Telegram(200) };

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private Task<AssistantReply> Say(string text) => _host.Assistant.HandleAsync(new IncomingMessage("telegram", "-1001", Alice, text), CancellationToken.None);

    private Task<AssistantReply> ConfirmOnTheWeb(string id, Principal user) =>
        _host.Assistant.ConfirmAsync(new ConfirmationRequest("web", user.UserId, user, id), CancellationToken.None);

    [Fact]
    public async Task Confirmed_on_the_web_the_caller_gets_the_result_and_the_telegram_card_is_told_where_it_lives()
    {
        var resolved = new List<ConfirmationResolved>();
        using var _ = _host.Get<ConfirmationEvents>().Subscribe((e, _) => { resolved.Add(e); return Task.CompletedTask; });
        var card = (await Say("stop alpha")).Card!;

        Assert.Equal(ReplyKind.NotYours, (await ConfirmOnTheWeb(card.Id, BobOnTheWeb)).Kind);
        Assert.True((await _host.Runtime.InspectAsync("shortseller_trading", CancellationToken.None)).Running);
        Assert.Empty(resolved);

        var done = await ConfirmOnTheWeb(card.Id, AliceOnTheWeb);

        Assert.Equal(ReplyKind.Done, done.Kind);
        Assert.False((await _host.Runtime.InspectAsync("shortseller_trading", CancellationToken.None)).Running);
        var e = Assert.Single(resolved);
        Assert.Equal((card.Id, "telegram", "-1001", "100", "alice", "web"), (e.ConfirmationId, e.Channel, e.ChatId, e.UserId, e.UserName, e.ResolvedInChannel));
        Assert.Same(done, e.Reply);
        Assert.Equal(ReplyKind.AlreadyHandled, (await _host.Assistant.ConfirmAsync(new ConfirmationRequest("telegram", "-1001", Alice, card.Id), CancellationToken.None)).Kind);
    }
}
