using System.Runtime.CompilerServices;

namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>The deployment files of the repository: docker-compose.yml, .env.example, docker/Dockerfile.</summary>
internal static class DeploymentFiles
{
    /// <summary>The repository root.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>docker-compose.yml at the root.</summary>
    public static string Compose => Path.Combine(Root, "docker-compose.yml");

    /// <summary>.env.example at the root.</summary>
    public static string EnvExample => Path.Combine(Root, ".env.example");

    /// <summary>docker/Dockerfile.</summary>
    public static string Dockerfile => Path.Combine(Root, "docker", "Dockerfile");

    /// <summary>docker/healthcheck.sh (the image's HEALTHCHECK).</summary>
    public static string HealthcheckScript => Path.Combine(Root, "docker", "healthcheck.sh");

    /// <summary>The compose file, parsed.</summary>
    public static ComposeFile LoadCompose() => ComposeFile.Parse(File.ReadAllText(Compose));

    /// <summary>.env.example, parsed.</summary>
    public static DotEnvFile LoadEnvExample() => DotEnvFile.Parse(File.ReadAllText(EnvExample));

    /// <summary>docker/Dockerfile, parsed.</summary>
    public static DockerfileSpec LoadDockerfile() => DockerfileSpec.Parse(File.ReadAllText(Dockerfile));

    // The source path works wherever the build output lives (--artifacts-path); the output and working directories are
    // the fallback when paths were mapped at compile time (deterministic CI builds).
    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { Path.GetDirectoryName(sourceFile), AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "docker-compose.yml")) && File.Exists(Path.Combine(dir.FullName, "AiTradingBot.sln")))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Repository root (docker-compose.yml next to AiTradingBot.sln) not found above {sourceFile} or {AppContext.BaseDirectory}.");
    }
}
