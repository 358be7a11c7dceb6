using System.Net;

namespace AiTradingBot.Hosting.Observability;

/// <summary>
/// Who may scrape /metrics. The default answers loopback requests only; the web channel's admin API tokens plug in
/// by registering their own policy (a bearer token check) before <see cref="ObservabilityExtensions.AddAiTradingBotObservability"/>.
/// </summary>
public interface IMetricsAccessPolicy
{
    /// <summary>Whether this request may read the metrics.</summary>
    ValueTask<bool> AllowsAsync(HttpContext context);
}

/// <summary>Loopback only: metrics reveal activity, so a remote caller needs a token (none exists yet).</summary>
public sealed class LoopbackMetricsAccess : IMetricsAccessPolicy
{
    /// <inheritdoc />
    public ValueTask<bool> AllowsAsync(HttpContext context) => ValueTask.FromResult(IsLoopback(context.Connection.RemoteIpAddress));

    /// <summary>True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; false for an unknown peer.</summary>
    public static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
