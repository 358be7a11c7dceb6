using System.Text;

namespace AiTradingBot.Docker;

/// <summary>
/// Filters for <c>GET /containers/json</c>. Docker's <c>name</c> filter is an unanchored regular expression matched against
/// <c>/name</c>, so <c>alpha</c> would also match <c>alpha_old</c>: names are escaped and anchored as <c>^/?name$</c> here,
/// and <see cref="MatchesName"/> re-checks the answer client-side.
/// </summary>
internal sealed record DockerContainerFilter(IReadOnlyList<string>? Names = null, IReadOnlyList<string>? Labels = null, IReadOnlyList<string>? Statuses = null)
{
    /// <summary>The library's <c>filters</c> map (key → values), or null when nothing is filtered.</summary>
    public IDictionary<string, IDictionary<string, bool>>? ToFilters()
    {
        var map = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal);
        if (Names is { Count: > 0 }) map["name"] = Names.Select(AnchoredNamePattern).ToDictionary(n => n, _ => true);
        if (Labels is { Count: > 0 }) map["label"] = Labels.ToDictionary(l => l, _ => true);
        if (Statuses is { Count: > 0 }) map["status"] = Statuses.ToDictionary(st => st, _ => true);
        return map.Count == 0 ? null : map;
    }

    /// <summary>True when a container's names (as listed, with a leading slash) include one we asked for exactly.</summary>
    public bool MatchesName(IEnumerable<string>? listedNames) =>
        Names is not { Count: > 0 }
        || (listedNames ?? []).Any(n => Names.Contains(n.TrimStart('/'), StringComparer.Ordinal));

    /// <summary><c>^/?escaped$</c>: matches exactly the name, with or without Docker's leading slash.</summary>
    public static string AnchoredNamePattern(string name) => "^/?" + QuoteMeta(name.TrimStart('/')) + "$";

    /// <summary>Escapes RE2 (Go regexp) metacharacters, like Go's <c>regexp.QuoteMeta</c>.</summary>
    public static string QuoteMeta(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            if (@"\.+*?()|[]{}^$".Contains(c)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
