using System.Net.Sockets;
using System.Text;

namespace AiTradingBot.Docker;

/// <summary>Checks, at start-up and without HTTP machinery, whether a unix socket answers <c>/_ping</c> quickly.</summary>
internal static class DockerSocketProbe
{
    /// <summary>True when <paramref name="socketPath"/> exists and answers <c>GET /_ping</c> with 200 within <paramref name="timeout"/>.</summary>
    public static bool Answers(string socketPath, TimeSpan timeout)
    {
        if (!File.Exists(socketPath)) return false;
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            return AnswersAsync(socketPath, cts.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<bool> AnswersAsync(string socketPath, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
        await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), SocketFlags.None, ct).ConfigureAwait(false);
        var buffer = new byte[64];
        var total = 0;
        while (total < 12)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        var status = Encoding.ASCII.GetString(buffer, 0, total);
        return status.StartsWith("HTTP/1.", StringComparison.Ordinal) && status.Length >= 12 && status[9..12] == "200";
    }
}
