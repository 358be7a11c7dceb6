using System.ComponentModel.DataAnnotations;

namespace AiTradingBot.Core.Systems;

/// <summary>One configured system (<c>Systems:&lt;name&gt;</c>): its container, aliases, role and allowlisted commands.</summary>
public sealed class SystemOptions
{
    /// <summary>Container name on the Docker host.</summary>
    [Required] public string Container { get; set; } = "";

    /// <summary>The container host it runs on (<c>Docker:Hosts:&lt;name&gt;</c>); empty means <c>default</c> (<c>Docker:Endpoint</c>).</summary>
    public string? Host { get; set; }

    /// <summary>Other names users call it by.</summary>
    public List<string> Aliases { get; set; } = [];

    /// <summary>trading or infrastructure.</summary>
    public SystemRole Role { get; set; } = SystemRole.Trading;

    /// <summary>Allowlisted commands: name → argv. Never a shell string from chat.</summary>
    public Dictionary<string, string[]> Commands { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
