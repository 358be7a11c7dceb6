using System.Globalization;
using System.Text;

namespace AiTradingBot.Core.Catalog;

/// <summary>The README's action table, generated from the catalog (so it cannot drift from the code).</summary>
public static class CatalogMarkdown
{
    /// <summary>Markdown table: action, arguments with defaults, gated, slash command, description.</summary>
    public static string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| action | arguments (default) | gated | command | meaning |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var a in ActionCatalog.All)
        {
            var args = a.Parameters.Count == 0 ? "—" : string.Join("; ", a.Parameters.Select(Describe));
            var slash = a.Slash is null ? "" : $"`/{a.Slash}{(a.SlashUsage is null ? "" : " " + a.SlashUsage)}`";
            sb.AppendLine($"| `{a.Name}` | {args} | {(a.Gated ? "yes" : "no")} | {slash.Replace("|", "\\|")} | {a.Description.Replace("|", "\\|")} |");
        }
        return sb.ToString();
    }

    private static string Describe(ParameterDescriptor p)
    {
        var text = $"`{p.Name}`";
        if (p.HasDefault) text += $" ({Value(p.DefaultValue)})";
        else if (!p.Required) text += "?";
        if (p.EnumValues.Count > 0) text += $" [{string.Join("/", p.EnumValues)}]";
        if (p.Minimum is { } min && p.Maximum is { } max) text += $" {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}";
        return text;
    }

    private static string Value(object? v) => v switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => $"\"{s}\"",
        Enum e => $"\"{System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(e.ToString())}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
