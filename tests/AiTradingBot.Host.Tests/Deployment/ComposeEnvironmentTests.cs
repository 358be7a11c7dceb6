using System.Text.RegularExpressions;
using Npgsql;
using Xunit;

namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>
/// The compose file, .env.example and the Dockerfile against the host's real configuration: every variable the bot
/// receives names a key the host reads, every setting is documented and reaches the bot, secrets are only referenced.
/// </summary>
public sealed partial class ComposeEnvironmentTests
{
    [Fact]
    public void Every_variable_the_bot_container_receives_names_a_configuration_key_the_host_reads()
    {
        var variables = BotEnvironment.Load();
        Assert.True(variables.Count > 20, $"expected the bot's environment to be read from docker-compose.yml, found {variables.Count} variables");

        var notConfiguration = variables.Where(v => !v.Name.Contains("__", StringComparison.Ordinal) && !BotEnvironment.RuntimeVariables.Contains(v.Name)).ToList();
        Assert.True(notConfiguration.Count == 0,
            "The bot receives variables that are not configuration keys (Section__Key):\n" + string.Join("\n", notConfiguration.Select(v => $"  {v.Name} ({v.Source})")));

        var settings = variables.Where(v => v.Name.Contains("__", StringComparison.Ordinal))
            .ToDictionary(v => BotEnvironment.ConfigurationKey(v.Name), v => v.Example, StringComparer.OrdinalIgnoreCase);
        var probe = HostConfigurationKeys.Run(settings);

        // First: a value that does not convert stops the binder, and the keys after it would look unread.
        Assert.True(probe.ConversionErrors.Count == 0,
            "Values the bot would receive (or that .env.example documents) do not convert:\n  " + string.Join("\n  ", probe.ConversionErrors));
        var unknown = variables.Where(v => settings.ContainsKey(BotEnvironment.ConfigurationKey(v.Name)) && !probe.IsRead(BotEnvironment.ConfigurationKey(v.Name))).ToList();
        Assert.True(unknown.Count == 0,
            "The bot receives settings the host never reads (renamed or misspelt?):\n"
            + string.Join("\n", unknown.Select(v => $"  {v.Name} ({v.Source})"))
            + (probe.OtherErrors.Count > 0 ? "\nProbe problems:\n  " + string.Join("\n  ", probe.OtherErrors) : ""));
    }

    [Theory]
    [InlineData("Telegram__BotTokn")]
    [InlineData("Storage__MigrateOnStartup")]
    [InlineData("Exchange__Providers")]
    [InlineData("Bybit__Secret")]
    [InlineData("Risk__MaxLeverage__0")]
    [InlineData("Systems__alpha__Image")]
    [InlineData("Logging__Level__Default")]
    public void A_misspelt_or_renamed_setting_is_not_a_key_the_host_reads(string variable)
    {
        var key = BotEnvironment.ConfigurationKey(variable);

        var probe = HostConfigurationKeys.Run(new Dictionary<string, string?> { [key] = "1" });

        Assert.False(probe.IsRead(key), $"{key} should not be a configuration key of the host");
    }

    [Theory]
    [InlineData("Telegram__AdminIds__0", "42")]
    [InlineData("Systems__alpha__Container", "shortseller_trading")]
    [InlineData("Notifications__Levels__Fill", "Silent")]
    [InlineData("Redis__PositionDatabases__alpha", "1")]
    [InlineData("Logging__LogLevel__Default", "Warning")]
    [InlineData("ConnectionStrings__Postgres", "Host=db")]
    [InlineData("Http__Urls", "http://0.0.0.0:8080")]
    [InlineData("TELEGRAM__BOTTOKEN", "1:x")]
    public void Keys_of_lists_dictionaries_and_systems_are_recognised(string variable, string value)
    {
        var key = BotEnvironment.ConfigurationKey(variable);

        var probe = HostConfigurationKeys.Run(new Dictionary<string, string?> { [key] = value });

        Assert.True(probe.IsRead(key), $"{key} should be a configuration key of the host");
    }

    [Fact]
    public void Every_setting_the_host_binds_is_listed_in_env_example_or_set_by_the_deployment()
    {
        var env = DeploymentFiles.LoadEnvExample();
        var fixedByDeployment = BotEnvironment.Load().Where(v => !v.Source.Contains("passed through", StringComparison.Ordinal)).Select(v => v.Name);
        var listed = env.AllNames.Concat(fixedByDeployment).Select(BotEnvironment.ConfigurationKey).ToList();
        var probe = HostConfigurationKeys.Run(new Dictionary<string, string?>(), bindEverySection: true);
        Assert.NotEmpty(probe.BoundSettings);

        var missing = new List<string>();
        foreach (var (type, properties) in probe.BoundSettings)
        {
            foreach (var (key, property) in properties)
            {
                var documented = property is not null && HostConfigurationKeys.HasChildren(property)
                    ? listed.Any(l => l.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase))
                    : listed.Contains(key, StringComparer.OrdinalIgnoreCase);
                if (!documented) missing.Add($"{key.Replace(":", "__", StringComparison.Ordinal)} ({type.Name}.{property?.Name})");
            }
        }
        Assert.True(missing.Count == 0,
            "Settings of the host that .env.example does not list (add them, commented out with their default, and pass them in docker-compose.yml):\n  "
            + string.Join("\n  ", missing));
        Assert.Contains("Exchange:Provider", listed, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Http:Urls", listed, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_bot_setting_in_env_example_reaches_the_bot()
    {
        var env = DeploymentFiles.LoadEnvExample();
        var passed = BotEnvironment.Load().Select(v => v.Name).ToHashSet(StringComparer.Ordinal);

        var dropped = env.AllNames.Where(n => n.Contains("__", StringComparison.Ordinal) && !passed.Contains(n)).ToList();

        Assert.True(dropped.Count == 0,
            "Settings .env.example lists but docker-compose.yml never passes to the bot (an operator setting them would be ignored):\n  "
            + string.Join("\n  ", dropped));
    }

    [Fact]
    public void Compose_variables_and_env_example_match_both_ways()
    {
        var compose = DeploymentFiles.LoadCompose();
        var env = DeploymentFiles.LoadEnvExample();
        var referenced = compose.Scalars().SelectMany(ComposeInterpolation.References).ToHashSet(StringComparer.Ordinal);
        var infrastructure = env.AllNames.Where(n => !n.Contains("__", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

        Assert.True(referenced.IsSubsetOf(infrastructure),
            "docker-compose.yml uses variables .env.example does not list: " + string.Join(", ", referenced.Except(infrastructure)));
        Assert.True(infrastructure.IsSubsetOf(referenced),
            ".env.example lists variables docker-compose.yml never uses: " + string.Join(", ", infrastructure.Except(referenced)));
    }

    [Fact]
    public void Secrets_are_never_written_into_the_compose_file_and_are_placeholders_in_env_example()
    {
        var compose = DeploymentFiles.LoadCompose();
        var literal = new List<string>();
        foreach (var (service, definition) in compose.Services)
        {
            foreach (var (name, value) in ComposeFile.Environment(definition))
            {
                if (value is null) continue;
                if (SecretName().IsMatch(name) && !WholeReference().IsMatch(value)) literal.Add($"{service}: {name}");
                foreach (Match m in PasswordInValue().Matches(value))
                {
                    if (!m.Groups[1].Value.StartsWith("${", StringComparison.Ordinal)) literal.Add($"{service}: {name} (password=...)");
                }
            }
        }
        Assert.True(literal.Count == 0, "Secrets written into docker-compose.yml instead of referenced from .env:\n  " + string.Join("\n  ", literal));

        var env = DeploymentFiles.LoadEnvExample();
        var real = env.Set.Where(kv => SecretName().IsMatch(kv.Key) && kv.Value.Length > 0 && !kv.Value.StartsWith("CHANGE_ME", StringComparison.Ordinal)).Select(kv => kv.Key).ToList();
        Assert.True(real.Count == 0, ".env.example holds secret values that are not empty or CHANGE_ME placeholders: " + string.Join(", ", real));
        Assert.Contains(env.Set, kv => kv.Value.StartsWith("CHANGE_ME", StringComparison.Ordinal));
    }

    [Fact]
    public void The_bot_service_runs_with_the_seed_limits_after_healthy_databases_and_migrates_on_start()
    {
        var compose = DeploymentFiles.LoadCompose();
        var bot = compose.Service(BotEnvironment.Service);
        var variables = BotEnvironment.Load().ToDictionary(v => v.Name, v => v.Value);

        Assert.Equal("256m", bot["mem_limit"]);
        Assert.Equal("unless-stopped", bot["restart"]);
        Assert.Equal("service_healthy", ComposeFile.Get(bot, "depends_on", "postgres", "condition"));
        Assert.Equal("service_healthy", ComposeFile.Get(bot, "depends_on", "redis", "condition"));
        Assert.Equal("docker/Dockerfile", ComposeFile.Get(bot, "build", "dockerfile"));
        // The scheduler's schemas are installed by the one-shot migrate service over a direct connection, before the bot.
        Assert.Equal("service_completed_successfully", ComposeFile.Get(bot, "depends_on", "migrate", "condition"));
        var migrate = compose.Service("migrate");
        Assert.Equal("migrate", Assert.Single((List<object?>)migrate["command"]!));
        Assert.Equal(bot["image"], migrate["image"]);
        var direct = new NpgsqlConnectionStringBuilder((string)ComposeFile.Get(migrate, "environment", "ConnectionStrings__Postgres")!);
        Assert.Equal("postgres", direct.Host);
        Assert.Equal("true", variables["Storage__MigrateOnStart"]);
        Assert.Equal("tcp://socket-proxy:2375", variables["Docker__Endpoint"]);
        Assert.DoesNotContain(bot.GetValueOrDefault("volumes") as List<object?> ?? [], v => (v as string)?.Contains("docker.sock", StringComparison.Ordinal) == true);

        // PgBouncer in transaction mode: the app goes through it, without server-side prepared statements or reset queries.
        var postgres = new NpgsqlConnectionStringBuilder(variables["ConnectionStrings__Postgres"]);
        Assert.Equal("pgbouncer", postgres.Host);
        Assert.True(postgres.NoResetOnClose);
        Assert.Equal(0, postgres.MaxAutoPrepare);
        Assert.Equal("transaction", ComposeFile.Get(compose.Service("pgbouncer"), "environment", "POOL_MODE"));
        Assert.StartsWith("redis:6379,password=", variables["ConnectionStrings__Redis"], StringComparison.Ordinal);
    }

    [Fact]
    public void Databases_have_volumes_and_health_checks_and_the_socket_proxy_sits_on_an_internal_network()
    {
        var compose = DeploymentFiles.LoadCompose();
        var postgres = compose.Service("postgres");
        var redis = compose.Service("redis");
        var proxy = compose.Service("socket-proxy");

        Assert.Contains("pg_isready", string.Join(" ", (List<object?>)ComposeFile.Get(postgres, "healthcheck", "test")!));
        Assert.Contains(postgres["volumes"] as List<object?> ?? [], v => (v as string)?.EndsWith(":/var/lib/postgresql/data", StringComparison.Ordinal) == true);
        var redisCommand = string.Join(" ", (List<object?>)redis["command"]!);
        Assert.Contains("--appendonly yes", redisCommand);
        Assert.Contains("--appendfsync everysec", redisCommand);
        Assert.Contains("requirepass", redisCommand);
        Assert.Contains("redis-cli ping", string.Join(" ", (List<object?>)ComposeFile.Get(redis, "healthcheck", "test")!));
        Assert.Contains(redis["volumes"] as List<object?> ?? [], v => (v as string)?.EndsWith(":/data", StringComparison.Ordinal) == true);

        Assert.Equal("1", ComposeFile.Get(proxy, "environment", "CONTAINERS"));
        Assert.Contains(proxy["volumes"] as List<object?> ?? [], v => v as string == "/var/run/docker.sock:/var/run/docker.sock:ro");
        var proxyNetworks = ((List<object?>)proxy["networks"]!).Cast<string>().ToList();
        Assert.NotEmpty(proxyNetworks);
        foreach (var network in proxyNetworks)
            Assert.True(ComposeFile.Get(compose.Root, "networks", network, "internal") as string == "true", $"network {network} of the socket proxy must be internal");
        Assert.False(proxy.ContainsKey("ports"), "the socket proxy must not publish a port");
    }

    [Fact]
    public void The_image_runs_the_run_verb_as_a_non_root_user_with_a_healthz_check()
    {
        var image = DeploymentFiles.LoadDockerfile();

        Assert.Equal(2, image.Stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", image.Stages[0], StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", image.Stages[1], StringComparison.Ordinal);
        Assert.Equal(["dotnet", "AiTradingBot.dll", "run"], image.StartCommand);
        Assert.False(string.IsNullOrWhiteSpace(image.User));
        Assert.DoesNotMatch(@"^(root|0)(:.*)?$", image.User!);
        Assert.Contains("/usr/local/bin/healthcheck", image.Healthcheck);
        Assert.Contains("/healthz", File.ReadAllText(DeploymentFiles.HealthcheckScript));
    }

    [GeneratedRegex("(PASSWORD|SECRET|TOKEN|APIKEY|API_KEY)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[?-][^}]*)?\}$")]
    private static partial Regex WholeReference();

    [GeneratedRegex(@"password=([^;,]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordInValue();
}
