using AiTradingBot.Core.Assistant;
using Microsoft.Extensions.Options;
using Telegram.Bot.Types;

namespace AiTradingBot.Telegram.Updates;

/// <summary>
/// The one place a Telegram sender becomes a <see cref="Principal"/>, for messages and button presses alike: by USER
/// id (AdminIds → Admin, ViewerIds → Viewer, anyone else → None). The core decides what each role may do.
/// </summary>
public sealed class TelegramPrincipals(IOptions<TelegramOptions> options)
{
    private readonly HashSet<long> _admins = [.. options.Value.AdminIds];
    private readonly HashSet<long> _viewers = [.. options.Value.ViewerIds];

    /// <summary>The principal of a Telegram user; the same person as their web session (see <see cref="UserKeys"/>).</summary>
    public Principal Of(User user) => Principal.TelegramUser(
        user.Id,
        user.Username,
        user.IsBot ? UserRole.None : _admins.Contains(user.Id) ? UserRole.Admin : _viewers.Contains(user.Id) ? UserRole.Viewer : UserRole.None);
}
