using AiTradingBot.Testing;
using Xunit;

namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>Debian's docker-compose (scripts/servers/compose-check.sh) parses, interpolates and validates the compose file; no engine is needed.</summary>
public sealed class ComposeConfigTests
{
    [Fact]
    public async Task The_compose_file_passes_docker_compose_config_with_env_example_as_its_env_file()
    {
        var compose = Integration.Require("ATB_TEST_COMPOSE", "docker-compose (Debian's package)");

        var (exit, output) = await ChildProcess.RunAsync(
            [compose, "-f", DeploymentFiles.Compose, "--env-file", DeploymentFiles.EnvExample, "config", "-q"],
            DeploymentFiles.Root, MinimalEnvironment(), TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, $"docker-compose config exited {exit}:\n{output}");
    }

    [Fact]
    public async Task Docker_compose_refuses_to_run_without_the_database_password()
    {
        var compose = Integration.Require("ATB_TEST_COMPOSE", "docker-compose (Debian's package)");
        var env = Path.Combine(Path.GetTempPath(), $"atb-compose-{Guid.NewGuid():N}.env");
        try
        {
            // .env.example without POSTGRES_PASSWORD: compose must stop rather than start a database without one.
            await File.WriteAllLinesAsync(env, File.ReadAllLines(DeploymentFiles.EnvExample).Where(l => !l.StartsWith("POSTGRES_PASSWORD=", StringComparison.Ordinal)),
                TestContext.Current.CancellationToken);

            var (exit, output) = await ChildProcess.RunAsync(
                [compose, "-f", DeploymentFiles.Compose, "--env-file", env, "config", "-q"],
                DeploymentFiles.Root, MinimalEnvironment(), TimeSpan.FromSeconds(60));

            Assert.True(exit != 0, $"docker-compose config accepted a missing POSTGRES_PASSWORD:\n{output}");
            Assert.Contains("POSTGRES_PASSWORD", output);
        }
        finally
        {
            File.Delete(env);
        }
    }

    // Only what docker-compose needs: the test run's own variables (e.g. a POSTGRES_PASSWORD in CI) must not leak in.
    private static Dictionary<string, string> MinimalEnvironment() => new()
    {
        ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
        ["HOME"] = Path.GetTempPath(),
        ["LANG"] = "C.UTF-8",
    };
}
