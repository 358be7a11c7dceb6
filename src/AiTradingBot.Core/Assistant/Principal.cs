using System.Globalization;

namespace AiTradingBot.Core.Assistant;

/// <summary>What a user may do: nothing, read-only, or everything (gated actions after confirmation).</summary>
public enum UserRole { None, Viewer, Admin }

/// <summary>An authenticated user of a channel. Authorization is by user id, never by chat id.</summary>
public sealed record Principal(string UserId, string? UserName, UserRole Role)
{
    /// <summary>
    /// The person behind this user across channels (see <see cref="UserKeys"/>), set by a channel whose users are
    /// known in another channel too: a Telegram user on Telegram, signed in to the web with their /web link, or an API
    /// token acting as that Telegram user. Null: the user exists only in the channel they came from.
    /// </summary>
    public string? Identity { get; init; }

    /// <summary>The key that binds a confirmation to this person: <see cref="Identity"/>, else channel and user id.</summary>
    public string KeyIn(string channel) => Identity ?? UserKeys.Local(channel, UserId);

    /// <summary>A Telegram user, the same person in every channel that knows their Telegram id.</summary>
    public static Principal TelegramUser(long telegramUserId, string? userName, UserRole role) =>
        new(telegramUserId.ToString(CultureInfo.InvariantCulture), userName, role) { Identity = UserKeys.Telegram(telegramUserId) };
}

/// <summary>
/// Canonical user keys, defined once: a confirmation is bound to one of these, and only the same key may confirm or
/// cancel it, whatever channel it comes from. Telegram ids are global (one key for Telegram, the web session signed in
/// with a Telegram link and an API token configured with that id); every other user is known only in its channel,
/// so the local console operator, the web operator and a named API token never match each other or a Telegram user.
/// </summary>
public static class UserKeys
{
    /// <summary>The key of a Telegram user.</summary>
    public static string Telegram(long telegramUserId) => "telegram:" + telegramUserId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The key of a user known only in one channel (or one kind of sign-in within it).</summary>
    public static string Local(string channel, string userId) => $"local:{channel}:{userId}";

    /// <summary>The key of a user id that is a Telegram user id (a positive integer), else null.</summary>
    public static string? TelegramOrNull(string userId) =>
        long.TryParse(userId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? Telegram(id) : null;
}

/// <summary>A message from a channel.</summary>
public sealed record IncomingMessage(string Channel, string ChatId, Principal User, string Text);

/// <summary>A confirm or cancel from a channel: the confirmation id (button) or code/"yes" typed.</summary>
public sealed record ConfirmationRequest(string Channel, string ChatId, Principal User, string? ConfirmationId);
