using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Systems;
using AiTradingBot.Web.Components.Shared;
using Bunit;
using Xunit;

namespace AiTradingBot.Web.Tests.Components;

/// <summary>The systems table: one hooked row per system with its state and host; buttons only for admins.</summary>
public sealed class SystemsTableTests : MudContext
{
    private static SystemReport Report(string name, bool running, string? host) =>
        new(name, name + "-c", SystemRole.Trading, running ? "running" : "exited", running, running ? TimeSpan.FromMinutes(3) : null, null, 0, null, 1.5, 1L << 20, null, null, host);

    [Fact]
    public void Each_system_shows_the_docker_host_it_runs_on()
    {
        var cut = Render<SystemsTable>(p => p.Add(c => c.Systems, [Report("alpha", true, null), Report("bravo", false, "gpu-box")]));

        var rows = cut.FindAll("[data-testid=system-row]");
        Assert.Equal(["alpha", "bravo"], rows.Select(r => r.GetAttribute("data-system")));
        Assert.Equal(["running", "exited"], rows.Select(r => r.GetAttribute("data-state")));
        // A single-host setup names no host: that is the default host (Docker:Endpoint).
        Assert.Equal(["default", "gpu-box"], cut.FindAll("[data-testid=host]").Select(h => h.TextContent.Trim()));
    }

    [Fact]
    public void Admins_get_start_stop_restart_and_viewers_none()
    {
        var sent = new List<string>();
        var admin = Render<SystemsTable>(p => p.Add(c => c.Systems, [Report("alpha", true, null), Report("bravo", false, null)]).Add(c => c.Actions, true)
            .Add(c => c.OnCommand, t => sent.Add(t)));
        admin.Find("[data-system=alpha] [data-testid=action-restart]").Click();
        admin.Find("[data-system=bravo] [data-testid=action-start]").Click();
        Assert.Equal(["/reboot alpha", "/deploy bravo"], sent);

        var viewer = Render<SystemsTable>(p => p.Add(c => c.Systems, [Report("alpha", true, null)]).Add(c => c.Actions, false));
        Assert.Empty(viewer.FindAll("[data-testid^=action-]"));
    }
}

/// <summary>GET /api/v1/systems names the host of each system, and masks an error that quotes a secret.</summary>
public sealed class SystemDtoTests
{
    [Fact]
    public void The_api_row_names_the_host_and_masks_the_error()
    {
        var text = new WebText(new AiTradingBot.Core.Audit.SecretRedactor(["docker-pass-123456"]), TimeProvider.System);
        var single = new SystemReport("alpha", "a", SystemRole.Trading, "running", true, null, null, null, null, null, null, null, null);
        var remote = new SystemReport("bravo", "b", SystemRole.Trading, "unknown", false, null, null, null, null, null, null, null, "login docker-pass-123456 refused", "gpu-box");

        Assert.Equal("default", AiTradingBot.Web.Api.ApiMapping.ToSystem(single, text).Host);
        var dto = AiTradingBot.Web.Api.ApiMapping.ToSystem(remote, text);
        Assert.Equal("gpu-box", dto.Host);
        Assert.Equal("login *** refused", dto.Error);
    }
}
