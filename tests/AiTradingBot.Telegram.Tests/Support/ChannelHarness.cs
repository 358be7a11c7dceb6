using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Telegram.Api;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using AiTradingBot.Telegram.Updates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Telegram.Tests.Support;

/// <summary>The Telegram channel composed by its DI registration over a fake Bot API and a fake assistant.</summary>
public sealed class ChannelHarness : IDisposable
{
    /// <summary>Admin user id (and private chat id).</summary>
    public const long Admin = 1001;

    /// <summary>Viewer user id.</summary>
    public const long Viewer = 2002;

    /// <summary>A stranger.</summary>
    public const long Stranger = 6666;

    /// <summary>The token used; asserted never to leak.</summary>
    public const string Token = "123456:SECRET-token_value-abcdef";

    private readonly ServiceProvider _provider;

    /// <summary>Builds the channel with optional extra configuration.</summary>
    public ChannelHarness(IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = Token,
            ["Telegram:AdminIds:0"] = Admin.ToString(),
            ["Telegram:ViewerIds:0"] = Viewer.ToString(),
            ["Telegram:ApiBaseUrl"] = "http://telegram.test",
            ["Telegram:MaxMessagesPerSecondPerChat"] = "0",
            ["Telegram:MaxMessagesPerSecond"] = "0",
            ["Telegram:LogDocumentThresholdLines"] = "20",
            ["Telegram:RetryBaseDelay"] = "00:00:00.001",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton<IAssistant>(Assistant);
        services.AddSingleton<IKeyValueStore>(Store);
        services.AddAiTradingBotTelegram(configuration);
        services.AddHttpClient(TelegramApi.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Api);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>The fake Bot API.</summary>
    public FakeBotApi Api { get; } = new();

    /// <summary>The fake core.</summary>
    public FakeAssistant Assistant { get; } = new();

    /// <summary>The shared store.</summary>
    public InMemoryKeyValueStore Store { get; } = new(TimeProvider.System);

    /// <summary>Every log line written.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Resolves a service.</summary>
    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>A text message update from a user in their private chat.</summary>
    public static Update Message(int updateId, long userId, string text, long? chatId = null, DateTimeOffset? date = null) => new()
    {
        Id = updateId,
        Message = new Message
        {
            Id = updateId,
            From = new User { Id = userId, Username = $"user{userId}", FirstName = "U" },
            Chat = new Chat { Id = chatId ?? userId, Type = ChatType.Private },
            // Telegram sends whole seconds.
            Date = DateTimeOffset.FromUnixTimeSeconds((date ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds()).UtcDateTime,
            Text = text,
        },
    };

    /// <summary>A button press on a message of the bot.</summary>
    public static Update Press(int updateId, long userId, string data, long chatId, int messageId) => new()
    {
        Id = updateId,
        CallbackQuery = new CallbackQuery
        {
            Id = $"cb{updateId}",
            From = new User { Id = userId, Username = $"user{userId}", FirstName = "U" },
            Message = new Message { Id = messageId, Chat = new Chat { Id = chatId, Type = ChatType.Private } },
            Data = data,
            ChatInstance = "ci",
        },
    };

    /// <inheritdoc />
    public void Dispose() => _provider.Dispose();
}
