namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>One environment variable the bot container receives.</summary>
/// <param name="Name">The variable name.</param>
/// <param name="Value">Its value with .env.example as the .env file, or null when compose does not pass it (unset pass-through).</param>
/// <param name="Example">A value to probe the host with: <paramref name="Value"/>, else the example documented in .env.example.</param>
/// <param name="Source">Where it comes from, for messages.</param>
internal sealed record BotVariable(string Name, string? Value, string? Example, string Source);

/// <summary>
/// Everything the bot container's process gets in its environment: the image's ENV, the service's env_file entries
/// and its environment entries (compose's precedence, lowest first), resolved with .env.example standing in for .env.
/// </summary>
internal static class BotEnvironment
{
    /// <summary>The compose service that runs the bot.</summary>
    public const string Service = "bot";

    /// <summary>Variables read by the .NET runtime itself, not by the app's configuration.</summary>
    public static readonly IReadOnlySet<string> RuntimeVariables = new HashSet<string>(StringComparer.Ordinal) { "DOTNET_gcServer" };

    /// <summary>Loads the bot's variables from the repository's files.</summary>
    public static IReadOnlyList<BotVariable> Load() =>
        Load(DeploymentFiles.LoadCompose(), DeploymentFiles.LoadEnvExample(), DeploymentFiles.LoadDockerfile());

    /// <summary>Resolves the bot's variables; later sources override earlier ones, as compose does.</summary>
    public static IReadOnlyList<BotVariable> Load(ComposeFile compose, DotEnvFile env, DockerfileSpec dockerfile)
    {
        var result = new Dictionary<string, BotVariable>(StringComparer.Ordinal);
        foreach (var (name, value) in dockerfile.Environment) result[name] = new BotVariable(name, value, value, "docker/Dockerfile ENV");

        var service = compose.Service(Service);
        foreach (var file in ComposeFile.EnvFiles(service))
        {
            // .env is the operator's copy of .env.example; any other env_file would have to be in the repository.
            var entries = Path.GetFileName(file) == ".env"
                ? env.Set
                : DotEnvFile.Parse(File.ReadAllText(Path.Combine(DeploymentFiles.Root, file))).Set;
            foreach (var (name, value) in entries) result[name] = new BotVariable(name, value, value, $"env_file {file}");
        }

        foreach (var (name, raw) in ComposeFile.Environment(service))
        {
            if (raw is null)
            {
                var passed = env.Set.TryGetValue(name, out var v) ? v : null;
                result[name] = new BotVariable(name, passed, passed ?? env.ExampleValue(name), "docker-compose.yml environment (passed through from .env)");
            }
            else
            {
                var value = ComposeInterpolation.Interpolate(raw, env.Set);
                result[name] = new BotVariable(name, value, value, "docker-compose.yml environment");
            }
        }
        return result.Values.ToList();
    }

    /// <summary>The configuration key a variable sets (<c>Section__Key</c> → <c>Section:Key</c>), as the host's environment provider maps it.</summary>
    public static string ConfigurationKey(string variable) => variable.Replace("__", ":", StringComparison.Ordinal);
}
