using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Docker.Tests;

public sealed class DockerRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddAiTradingBotDocker(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void A_configured_endpoint_registers_the_docker_runtime_even_if_nothing_listens_there()
    {
        using var sp = Build(new() { ["Docker:Endpoint"] = "unix:///nonexistent/docker.sock", ["Docker:StopTimeoutSeconds"] = "30" });
        var runtime = sp.GetRequiredService<IContainerRuntime>();
        Assert.IsType<DockerHostRouter>(runtime);
        Assert.False(runtime.IsDemo);
        Assert.Equal("docker unix:///nonexistent/docker.sock", runtime.Description);
        Assert.Equal(30, sp.GetRequiredService<IOptions<DockerOptions>>().Value.StopTimeoutSeconds);
    }

    [Fact]
    public async Task A_configured_endpoint_that_does_not_answer_is_an_error_at_use_time_naming_it()
    {
        using var sp = Build(new() { ["Docker:Endpoint"] = "unix:///nonexistent/docker.sock" });
        var runtime = sp.GetRequiredService<IContainerRuntime>();
        var ex = await Assert.ThrowsAsync<Core.Containers.ContainerRuntimeUnavailableException>(
            () => runtime.InspectAsync("alpha", TestContext.Current.CancellationToken));
        Assert.Contains("unix:///nonexistent/docker.sock", ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Without_configuration_or_a_local_socket_nothing_is_registered()
    {
        Assert.SkipWhen(File.Exists("/var/run/docker.sock"), "this machine has a Docker socket at /var/run/docker.sock");
        using var sp = Build([]);
        Assert.Null(sp.GetService<IContainerRuntime>());
    }

    [Theory]
    [InlineData("Docker:Endpoint", "ftp://x", "Docker:Endpoint")]
    [InlineData("Docker:RequestTimeoutSeconds", "0", "Docker:RequestTimeoutSeconds")]
    [InlineData("Docker:ExecOutputLimitBytes", "10", "Docker:ExecOutputLimitBytes")]
    [InlineData("Docker:ApiVersion", "latest", "Docker:ApiVersion")]
    public void Bad_settings_fail_validation_naming_the_key(string key, string value, string named)
    {
        using var sp = Build(new() { ["Docker:Endpoint"] = "unix:///var/run/docker.sock", [key] = value });
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<DockerOptions>>().Value);
        Assert.Contains(named, ex.Message);
    }

    [Fact]
    public void The_docker_runtime_wins_over_a_runtime_registered_before_it()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Docker:Endpoint"] = "tcp://127.0.0.1:1" }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IContainerRuntime>(new NullRuntimeForTest());
        services.AddAiTradingBotDocker(configuration);
        using var sp = services.BuildServiceProvider();
        Assert.IsType<DockerHostRouter>(sp.GetRequiredService<IContainerRuntime>());
    }

    private sealed class NullRuntimeForTest : IContainerRuntime
    {
        public string Description => "test";
        public bool IsDemo => true;
        public Task<Core.Containers.ContainerInfo> InspectAsync(string container, CancellationToken ct) => throw new NotSupportedException();
        public Task<Core.Containers.ContainerStats> GetStatsAsync(string container, CancellationToken ct) => throw new NotSupportedException();
        public Task<Core.Containers.ContainerActionResult> StartAsync(string container, CancellationToken ct) => throw new NotSupportedException();
        public Task<Core.Containers.ContainerActionResult> StopAsync(string container, TimeSpan timeout, CancellationToken ct) => throw new NotSupportedException();
        public Task<Core.Containers.ContainerActionResult> RestartAsync(string container, TimeSpan timeout, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<Core.Containers.LogLine>> GetLogsAsync(string container, Core.Containers.LogQuery query, CancellationToken ct) => throw new NotSupportedException();
        public Task<Core.Containers.ExecResult> ExecAsync(string container, IReadOnlyList<string> argv, CancellationToken ct) => throw new NotSupportedException();
        public Task<IReadOnlyList<Core.Containers.ContainerSummary>> ListAsync(string? label, CancellationToken ct) => throw new NotSupportedException();
        public Task<Core.Containers.ContainerInfo> LaunchAsync(Core.Containers.LaunchRequest request, CancellationToken ct) => throw new NotSupportedException();
        public Task RemoveAsync(string container, bool force, CancellationToken ct) => throw new NotSupportedException();
    }
}

public sealed class DockerHostsRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddAiTradingBotDocker(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Named_hosts_sit_beside_the_default_one_and_each_is_reached_by_name()
    {
        using var sp = Build(new()
        {
            ["Docker:Endpoint"] = "unix:///nonexistent/a.sock",
            ["Docker:Hosts:b:Endpoint"] = "tcp://proxy-b:2375",
            ["Docker:Hosts:c:Endpoint"] = "unix:///nonexistent/c.sock",
            ["Docker:Hosts:c:ApiVersion"] = "1.40",
        });
        var runtime = sp.GetRequiredService<IContainerRuntime>();
        Assert.Equal(["default", "b", "c"], runtime.Hosts);
        Assert.Equal("docker unix:///nonexistent/a.sock", runtime.OnHost("default").Description);
        Assert.Equal("docker b=tcp://proxy-b:2375", runtime.OnHost("B").Description);
        Assert.Equal("docker c=unix:///nonexistent/c.sock (API 1.40)", runtime.OnHost("c").Description);
        var ex = Assert.Throws<Core.Containers.ContainerRuntimeException>(() => runtime.OnHost("d"));
        Assert.Contains("Docker:Hosts:d:Endpoint", ex.Message);
        Assert.Contains("default, b, c", ex.Message);
    }

    [Fact]
    public void Without_docker_endpoint_only_the_named_hosts_exist_and_the_default_is_a_clear_error()
    {
        using var sp = Build(new() { ["Docker:Hosts:b:Endpoint"] = "unix:///nonexistent/b.sock" });
        var runtime = sp.GetRequiredService<IContainerRuntime>();
        Assert.Equal(["b"], runtime.Hosts);
        var ex = Assert.Throws<Core.Containers.ContainerRuntimeException>(() => runtime.OnHost("default"));
        Assert.Contains("Docker:Endpoint", ex.Message);
    }

    [Fact]
    public async Task A_named_host_that_does_not_answer_is_an_error_naming_the_host_its_endpoint_and_its_key()
    {
        using var sp = Build(new() { ["Docker:Endpoint"] = "unix:///nonexistent/a.sock", ["Docker:Hosts:b:Endpoint"] = "unix:///nonexistent/b.sock" });
        var ex = await Assert.ThrowsAsync<Core.Containers.ContainerRuntimeUnavailableException>(
            () => sp.GetRequiredService<IContainerRuntime>().OnHost("b").InspectAsync("alpha", TestContext.Current.CancellationToken));
        Assert.Contains("host 'b' (unix:///nonexistent/b.sock)", ex.Message);
        Assert.Contains("Docker:Hosts:b:Endpoint", ex.Message);
    }

    [Theory]
    [InlineData("Docker:Hosts:b:Endpoint", "ftp://x", "Docker:Hosts:b:Endpoint")]
    [InlineData("Docker:Hosts:b:ApiVersion", "new", "Docker:Hosts:b:ApiVersion")]
    [InlineData("Docker:Hosts:b c:Endpoint", "unix:///x.sock", "Docker:Hosts:b c")]
    public void Bad_host_settings_fail_validation_naming_the_key(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { ["Docker:Endpoint"] = "unix:///var/run/docker.sock", ["Docker:Hosts:b:Endpoint"] = "unix:///b.sock", [key] = value };
        using var sp = Build(settings);
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<DockerOptions>>().Value);
        Assert.Contains(named, ex.Message);
    }

    [Theory]
    [InlineData("Systems:bravo:Host", "c", "Systems:bravo:Host: 'c' is not a configured Docker host (add Docker:Hosts:c:Endpoint, or use one of: b, default)")]
    [InlineData("Launch:Templates:grid:Host", "C", "Launch:Templates:grid:Host: 'c' is not a configured Docker host")]
    public void A_system_or_template_on_an_unknown_host_fails_at_start_naming_its_key(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Docker:Endpoint"] = "unix:///nonexistent/a.sock",
            ["Docker:Hosts:b:Endpoint"] = "unix:///nonexistent/b.sock",
            ["Systems:alpha:Container"] = "alpha_c",
            ["Systems:bravo:Container"] = "bravo_c",
            ["Systems:bravo:Host"] = "b",
            ["Launch:Templates:grid:Image"] = "grid:1",
            ["Launch:Templates:grid:Host"] = "b",
            [key] = value,
        };
        using var sp = BuildWithSystems(settings);
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<DockerOptions>>().Value);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Systems_and_templates_on_configured_hosts_pass_and_without_docker_endpoint_the_default_host_is_unknown()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Docker:Endpoint"] = "unix:///nonexistent/a.sock",
            ["Docker:Hosts:b:Endpoint"] = "unix:///nonexistent/b.sock",
            ["Systems:alpha:Container"] = "alpha_c",
            ["Systems:bravo:Container"] = "bravo_c",
            ["Systems:bravo:Host"] = "B",
            ["Launch:Templates:grid:Image"] = "grid:1",
        };
        using (var sp = BuildWithSystems(settings))
            Assert.NotNull(sp.GetRequiredService<IOptions<DockerOptions>>().Value);

        settings.Remove("Docker:Endpoint");
        using var without = BuildWithSystems(settings);
        var ex = Assert.Throws<OptionsValidationException>(() => without.GetRequiredService<IOptions<DockerOptions>>().Value);
        Assert.Contains("Systems:alpha:Host: 'default' is not a configured Docker host (set Docker:Endpoint, or use one of: b)", ex.Message);
        Assert.Contains("Launch:Templates:grid:Host: 'default'", ex.Message);
        Assert.DoesNotContain("bravo", ex.Message);
    }

    [Fact]
    public void The_built_in_systems_table_is_not_held_to_the_configured_hosts()
    {
        using var sp = BuildWithSystems(new() { ["Docker:Hosts:b:Endpoint"] = "unix:///nonexistent/b.sock" });
        Assert.NotNull(sp.GetRequiredService<IOptions<DockerOptions>>().Value);
    }

    private static ServiceProvider BuildWithSystems(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(Core.Systems.SystemRegistry.FromOptions(
            configuration.GetSection("Systems").Get<Dictionary<string, Core.Systems.SystemOptions>>()));
        services.Configure<Core.Configuration.LaunchOptions>(configuration.GetSection("Launch"));
        services.AddAiTradingBotDocker(configuration);
        return services.BuildServiceProvider();
    }
}
