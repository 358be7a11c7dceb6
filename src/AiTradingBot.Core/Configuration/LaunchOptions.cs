using System.ComponentModel.DataAnnotations;

namespace AiTradingBot.Core.Configuration;

/// <summary>A bot container template (<c>Launch:Templates:&lt;name&gt;</c>).</summary>
public sealed class LaunchTemplateOptions
{
    /// <summary>Image to run (must already be on the host: nothing is pulled).</summary>
    [Required] public string Image { get; set; } = "";

    /// <summary>Command argv, or empty for the image's default.</summary>
    public List<string> Command { get; set; } = [];

    /// <summary>Environment; <c>{name}</c> and <c>{symbol}</c> are replaced by the launch parameters.</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    /// <summary>Grace after SIGTERM.</summary>
    [Range(1, 600)] public int StopTimeoutSeconds { get; set; } = 30;

    /// <summary>no, always, unless-stopped or on-failure[:N].</summary>
    public string RestartPolicy { get; set; } = "unless-stopped";

    /// <summary>The container host to launch on (<c>Docker:Hosts:&lt;name&gt;</c>); empty means <c>default</c>.</summary>
    public string? Host { get; set; }

    /// <summary>Memory limit of the container, MiB (a bot never gets the whole host).</summary>
    [Range(16, 1024 * 1024)] public int MemoryMb { get; set; } = 512;

    /// <summary>CPU limit of the container, in CPUs (0.5 = half a CPU).</summary>
    [Range(0.01, 256)] public double Cpus { get; set; } = 1.0;
}

/// <summary>Templates for <c>system.launch</c>.</summary>
public sealed class LaunchOptions
{
    /// <summary>Templates by name.</summary>
    public Dictionary<string, LaunchTemplateOptions> Templates { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
