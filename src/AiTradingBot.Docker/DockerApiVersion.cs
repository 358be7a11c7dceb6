using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AiTradingBot.Docker;

/// <summary>An Engine API version such as <c>1.41</c>, and the negotiation rule: the lower of ours and the daemon's.</summary>
public readonly record struct DockerApiVersion(int Major, int Minor) : IComparable<DockerApiVersion>
{
    /// <summary>The newest API version this client is written against.</summary>
    public static readonly DockerApiVersion ClientMaximum = new(1, 43);

    /// <summary>The oldest API version this client can use (<c>StopTimeout</c> on create needs 1.25).</summary>
    public static readonly DockerApiVersion ClientMinimum = new(1, 25);

    /// <summary>Parses <c>1.41</c> (extra parts and whitespace are tolerated).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DockerApiVersion version)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().TrimStart('v', 'V').Split('.');
        if (parts.Length < 2) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)) return false;
        version = new DockerApiVersion(major, minor);
        return true;
    }

    /// <summary>The version to use with a daemon that supports up to <paramref name="server"/>.</summary>
    public static DockerApiVersion Negotiate(DockerApiVersion server) => server.CompareTo(ClientMaximum) < 0 ? server : ClientMaximum;

    /// <inheritdoc />
    public int CompareTo(DockerApiVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}
